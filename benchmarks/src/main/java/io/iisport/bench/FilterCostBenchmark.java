package io.iisport.bench;

import io.iisport.filter.IisModuleFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The module filter's own CPU cost per request, without a container or a network: the same 13-byte servlet called
 * bare and through {@code IisModuleFilter} with a no-op module at every notification (buffered, and with
 * {@code responseBufferLimit=0}) and with one at RQ_BEGIN_REQUEST alone (the servlet then gets the container's objects),
 * over minimal request and response objects. The difference between the scores is what the filter adds.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FilterCostBenchmark {
    private final Map<String, Object> attributes = new HashMap<>();
    private IisModuleFilter buffered;
    private IisModuleFilter unbuffered;
    private IisModuleFilter beginOnly;
    private HttpServletRequest request;
    private HttpServletResponse response;
    private FilterChain servlet;
    private Blackhole blackhole;

    @Setup
    public void setUp(Blackhole blackhole) throws Exception {
        this.blackhole = blackhole;
        request = (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getAttribute" -> attributes.get((String) args[0]);
                    case "setAttribute" -> attributes.put((String) args[0], args[1]);
                    case "removeAttribute" -> attributes.remove((String) args[0]);
                    case "getProtocol" -> "HTTP/1.1";
                    case "getMethod" -> "GET";
                    case "getRequestURI" -> "/noop/small";
                    case "getDispatcherType" -> DispatcherType.REQUEST;
                    case "isAsyncStarted" -> false;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> null;
                });
        ServletOutputStream sink = new ServletOutputStream() {
            @Override
            public void write(int b) {
                blackhole.consume(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                blackhole.consume(b);
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener writeListener) {
            }
        };
        response = (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getOutputStream" -> sink;
                    case "isCommitted" -> false;
                    case "getStatus" -> 200;
                    case "getBufferSize" -> 8192;
                    case "getCharacterEncoding" -> "ISO-8859-1";
                    case "containsHeader" -> false;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> null;
                });
        servlet = (req, res) -> {
            res.setContentType("text/plain");
            res.setContentLength(BenchServer.SMALL.length);
            res.getOutputStream().write(BenchServer.SMALL);
        };
        buffered = filter(Map.of("modules", "NoOp=" + BenchModules.NoOp.class.getName()));
        unbuffered = filter(Map.of("modules", "NoOp=" + BenchModules.NoOp.class.getName(), "responseBufferLimit", "0"));
        beginOnly = filter(Map.of("modules", "BeginOnly=" + BenchModules.BeginOnly.class.getName()));
    }

    private static IisModuleFilter filter(Map<String, String> params) throws Exception {
        ServletContext context = (ServletContext) Proxy.newProxyInstance(FilterCostBenchmark.class.getClassLoader(),
                new Class<?>[] {ServletContext.class}, (proxy, method, args) -> null);
        IisModuleFilter filter = new IisModuleFilter();
        filter.init(new FilterConfig() {
            @Override
            public String getFilterName() {
                return "bench";
            }

            @Override
            public ServletContext getServletContext() {
                return context;
            }

            @Override
            public String getInitParameter(String name) {
                return params.get(name);
            }

            @Override
            public java.util.Enumeration<String> getInitParameterNames() {
                return Collections.enumeration(params.keySet());
            }
        });
        return filter;
    }

    @TearDown
    public void tearDown() {
        buffered.destroy();
        unbuffered.destroy();
        beginOnly.destroy();
    }

    @Benchmark
    public void bare() throws Exception {
        attributes.clear();
        servlet.doFilter(request, response);
    }

    @Benchmark
    public void filterNoOp() throws Exception {
        attributes.clear();
        buffered.doFilter(request, response, servlet);
    }

    @Benchmark
    public void filterUnbuffered() throws Exception {
        attributes.clear();
        unbuffered.doFilter(request, response, servlet);
    }

    @Benchmark
    public void filterBeginOnly() throws Exception {
        attributes.clear();
        beginOnly.doFilter(request, response, servlet);
    }
}
