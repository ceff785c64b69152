#!/usr/bin/env bash
# Runs the iisport benchmarks and writes docs/BENCHMARKS.md.
#
#   benchmarks/run.sh [--duration SECONDS] [--rounds N] [--actions N] [--out FILE]
#
# Defaults: 8 s runs, 2 rounds (for the WAR path: 12 ABBA blocks of 1 s runs, and 120 s per variant and protocol
# alternating with plain, shared among 6 server JVMs started one after the other), 10,000 connections per action,
# docs/BENCHMARKS.md; about 50 minutes on 2 cores (about 6 of them for Tomcat, 35 for the WAR path). The report states
# the method.
#
# 1. Load: one Jetty server, one servlet; bare Jetty, Jetty with the iisport extension, the module filter with a no-op
#    module (buffered and unbuffered), driven by wrk (HTTP/1.1) and h2load (h2c): requests/s, p50, p99. The same for
#    an embedded Tomcat 10.1 in that JVM: bare Tomcat, Tomcat with IisportConnectionValve, the no-op module filter.
# 2. The WAR path, as users deploy it: the sample server (java -jar sample-server/target/iisport-sample-server.jar) in
#    its own JVM, /bench/plain against /bench/empty-filter, /bench/filtered and /bench/observed, HTTP/1.1 and h2c, in
#    ABBA blocks of short runs (plain, the variant, the variant, plain): requests/s, p50, p99, the server's CPU time
#    per request, and the ratios with their confidence interval; also each variant alternating with plain: over
#    HTTP/1.1 one wrk run per variant that switches between plain and the variant every 250 ms
#    (benchmarks/src/main/resources/.../alternate.lua), over h2c cycles of 500 ms h2load runs (plain, the variant,
#    the variant, plain). All of it
#    in six server JVMs one after the other, as the JIT's inlining decisions differ from one start to the next.
# 3. Connection actions, on Jetty and on Tomcat: plain close vs setNeedDisconnect() vs resetConnection(),
#    connections/s, open connections before and after, and the delay from resetConnection() returning to the client
#    seeing the reset.
# 4. Server-sent events: flush-to-client latency p50/p99, bare and behind the filter, after a JIT warm-up.
# 5. JMH: the filter's own CPU cost per request (FilterCostBenchmark), appended to the report.
# Installs wrk and nghttp2-client (h2load) with apt-get when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v h2load >/dev/null 2>&1 || missing+=(nghttp2-client)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

mvn -B -q install -DskipTests -pl benchmarks,sample-server -am
cp="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
out=docs/BENCHMARKS.md
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  if [ "${args[$i]}" = "--out" ]; then out="${args[$((i + 1))]}"; fi
done

# On two cores or more, the server's JVM gets CPU 0 and the load tool CPU 1, so that they do not take turns.
pin=()
if command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then
  pin=(taskset -c 0)
  export IISPORT_BENCH_CLIENT_CPU=1
fi
"${pin[@]}" java -Xms1g -Xmx1g -cp "$cp" io.iisport.bench.LoadBenchmarks "$@"

jmh_out=$(mktemp)
java -cp "$cp" org.openjdk.jmh.Main FilterCostBenchmark -rf text -rff "$jmh_out" >/dev/null
{
  echo
  echo "## The filter's CPU cost per request (JMH, FilterCostBenchmark)"
  echo
  echo "The same 13-byte servlet called bare and through \`IisModuleFilter\`: with a no-op module at every notification"
  echo "(filterNoOp, buffered; filterUnbuffered, responseBufferLimit 0) and with one at RQ_BEGIN_REQUEST alone"
  echo "(filterBeginOnly: the servlet gets the container's objects), over minimal request and response objects (no"
  echo "container, no network); the difference is what the filter adds to each request."
  echo
  echo '```'
  cat "$jmh_out"
  echo '```'
} >> "$out"
rm -f "$jmh_out"
echo "wrote $out"
