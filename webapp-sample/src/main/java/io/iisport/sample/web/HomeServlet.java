package io.iisport.sample.web;

import io.iisport.sample.drain.DrainSwitch;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The home page ({@code /}): what each module of the sample does, with links and buttons that exercise it and what
 * the browser should show. Each button sends its requests from the page and shows what came back in the
 * {@code <output for="its id">} right under it; a fragment {@code #run=id1,id2} clicks those buttons once the page is
 * loaded (for a look at the results without a click, e.g. in a headless browser).
 */
public class HomeServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    /**
     * How long, in milliseconds, the servlet holds back each answer of the concurrency demo: long enough that the
     * first requests are still in flight when the others arrive, short enough not to bore.
     */
    private static final int CONCURRENT_DEMO_DELAY_MILLIS = 2000;

    private static final String PAGE = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>iisport sample</title>
        <style>
          body { font-family: system-ui, sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em; line-height: 1.45; }
          code, pre { background: #f3f3f3; padding: 0 .2em; }
          pre { padding: .5em; overflow-x: auto; }
          h2 { border-bottom: 1px solid #ccc; margin-top: 2em; }
          li { margin: .2em 0; }
          output { display: block; white-space: pre-wrap; font-family: monospace; font-size: .9em; background: #fafae0;
                   border-left: 3px solid #d0c040; padding: .2em .5em; margin: .2em 0 .4em; }
          output:empty { display: none; }
        </style>
        </head>
        <body>
        <h1>iisport sample</h1>
        <p>IIS native modules ported to Java run here inside the servlet container, each pipeline configured in
        <code>WEB-INF/web.xml</code> as an <code>IisModuleFilter</code> with IIS-named settings.
        Connection status: draining is <strong id="draining">@DRAINING@</strong>.
        Links open the response in the browser; each button sends its requests from this page and shows what came back
        right under it.</p>

        <h2>The IIS documentation samples</h2>
        <ul>
          <li><a href="@CTX@/seed/set-need-disconnect">/seed/set-need-disconnect</a> &mdash; <code>IHttpResponse::SetNeedDisconnect</code>
            at <code>RQ_BEGIN_REQUEST</code>. The page loads normally; then the server closes the connection
            (HTTP/1.1: <code>Connection: close</code> and FIN; HTTP/2: GOAWAY). The browser shows nothing special;
            <code>curl -v</code> prints <em>Closing connection</em>.</li>
          <li><a href="@CTX@/seed/reset-connection">/seed/reset-connection</a> &mdash; <code>IHttpResponse::ResetConnection</code>
            at <code>RQ_SEND_RESPONSE</code>. Nothing of the response reaches you: the browser shows a connection-reset
            error (<em>ERR_CONNECTION_RESET</em>, <em>The connection was reset</em>; over HTTP/2 the stream is reset
            with CANCEL, e.g. <em>ERR_HTTP2_PROTOCOL_ERROR</em>).</li>
        </ul>

        <h2>Request Filtering (<code>&lt;requestFiltering&gt;</code>)</h2>
        <p>On <code>/</code> and <code>/demo/*</code>. A rejected request gets a 404 with the IIS sub-status in the
        body, and is still logged with its sub-status by the HTTP logging module (server log).</p>
        <ul>
          <li><a href="@CTX@/demo/hello">/demo/hello</a> &mdash; allowed: <em>Hello from GET /demo/hello</em></li>
          <li><a href="@CTX@/demo/~backup">/demo/~backup</a> &mdash; <code>denyUrlSequences</code>: HTTP Error 404.5</li>
          <li><button id="verbs" data-method="DELETE" data-url="@CTX@/demo/hello">DELETE /demo/hello</button> &mdash; <code>verbs</code>: HTTP Error 404.6
            <output for="verbs"></output></li>
          <li><a href="@CTX@/demo/settings.bak">/demo/settings.bak</a> &mdash; <code>fileExtensions</code>: HTTP Error 404.7</li>
          <li><a href="@CTX@/demo/App_Data/users.txt">/demo/App_Data/users.txt</a> &mdash; <code>hiddenSegments</code>: HTTP Error 404.8</li>
          <li><a href="@CTX@/demo/@LONG_PATH@">a URL longer than 1024 bytes</a> &mdash; <code>requestLimits/@maxUrl</code>: HTTP Error 404.14</li>
          <li><a href="@CTX@/demo/hello?q=@LONG_QUERY@">a query string longer than 256 bytes</a> &mdash; <code>requestLimits/@maxQueryString</code>: HTTP Error 404.15</li>
        </ul>

        <h2>Dynamic IP Restrictions (<code>&lt;dynamicIpSecurity&gt;</code>)</h2>
        <p>Each path has its own pipeline and <code>denyAction</code>. Requests are counted per client address for 10 seconds.
        The buttons send requests with <code>X-Forwarded-For</code> (the pipelines run in proxy mode), so each click acts as a fresh client.
        IIS does not send the sub-status on the wire: it is in the body of the error, <em>HTTP Error 403.501</em>, and in the server's log.</p>
        <ul>
          <li><button id="rate" data-burst="8" data-url="@CTX@/dynamic-ip/forbidden/">8 requests to /dynamic-ip/forbidden/</button>
            &mdash; at most 5 per 10 s, then <code>Forbidden</code>: 403 with body <em>HTTP Error 403.502</em>.
            <output for="rate"></output></li>
          <li><button id="concurrent" data-concurrent="4" data-url="@CTX@/dynamic-ip/forbidden/slow?delay=@DELAY@">4 concurrent slow requests</button>
            &mdash; at most 2 in flight per client: the servlet holds each answer back @DELAY@ ms
            (<code>?delay=@DELAY@</code>), so two are in flight while the others arrive, and those get
            <code>Forbidden</code>: 403 with body <em>HTTP Error 403.501</em>, at once.
            <output for="concurrent"></output></li>
          <li><button id="deny-list" data-method="GET" data-forwarded="192.0.2.7" data-url="@CTX@/dynamic-ip/forbidden/">a request from 192.0.2.7</button>
            &mdash; on the deny list: 403.503.
            <output for="deny-list"></output></li>
          <li><a href="@CTX@/dynamic-ip/abort/">/dynamic-ip/abort/</a> &mdash; <code>AbortRequest</code>: reload it 4 times;
            from the 4th load the browser shows a connection-reset error.
            <button id="abort" data-burst="5" data-url="@CTX@/dynamic-ip/abort/">5 requests</button>: the last ones fail.
            <output for="abort"></output></li>
          <li><a href="@CTX@/dynamic-ip/not-found/">/dynamic-ip/not-found/</a> &mdash; <code>NotFound</code>: from the 4th load, 404.</li>
          <li><a href="@CTX@/dynamic-ip/unauthorized/">/dynamic-ip/unauthorized/</a> &mdash; <code>Unauthorized</code>: from the 4th load, 401.</li>
          <li><a href="@CTX@/dynamic-ip/logging-only/">/dynamic-ip/logging-only/</a> &mdash; <code>enableLoggingOnlyMode</code>: every
            address is on the deny list, yet every request is served; the server log shows <em>logging only: would deny</em>.</li>
        </ul>

        <h2>URL Rewrite (<code>&lt;rewrite&gt;&lt;rules&gt;</code>)</h2>
        <p>On <code>/rewrite/*</code>, with the rules of <code>WEB-INF/rewrite.config</code>: the <code>&lt;rewrite&gt;</code>
        section of an IIS <code>web.config</code>, copied as is. The servlet behind <code>/rewrite/*</code> answers
        <em>Served GET &lt;the URL it served&gt;</em>.</p>
        <ul>
          <li><button id="rewrite" data-method="GET" data-url="@CTX@/rewrite/article/234/some-title">GET /rewrite/article/234/some-title</button>
            &mdash; <code>Rewrite</code> to <code>rewrite/article.aspx?id={R:1}&amp;title={R:2}</code>: the servlet serves
            the new URL, <em>Served GET /rewrite/article.aspx?id=234&amp;title=some-title</em>
            (<a href="@CTX@/rewrite/article/234/some-title">open</a>).
            <output for="rewrite"></output></li>
          <li><button id="rewrite-condition" data-method="GET" data-url="@CTX@/rewrite/profile?name=ada">GET /rewrite/profile?name=ada</button>
            &mdash; <code>Rewrite</code> with a back-reference to a condition, <code>{C:1}</code>: <em>Served GET /rewrite/users/ada</em>.
            <output for="rewrite-condition"></output></li>
          <li><button id="redirect" data-method="GET" data-url="@CTX@/rewrite/old-page">GET /rewrite/old-page</button>
            &mdash; <code>Redirect</code> 308 (<code>PermanentRedirect</code>) to the relative URL <code>new-page</code>; the
            browser follows it: <em>Served GET /rewrite/new-page</em>.
            <output for="redirect"></output></li>
          <li><a href="@CTX@/rewrite/canonical/products/7?color=red">/rewrite/canonical/products/7?color=red</a> &mdash;
            <code>Redirect</code> 301 to <code>http://www.example.com/...</code>, a negated <code>{HTTP_HOST}</code> condition.</li>
          <li><a href="@CTX@/rewrite/secure/cart">/rewrite/secure/cart</a> &mdash; <code>Redirect</code> 302 to HTTPS on the same host.</li>
          <li><button id="custom-response" data-method="GET" data-url="@CTX@/rewrite/private/report.pdf">GET /rewrite/private/report.pdf</button>
            &mdash; <code>CustomResponse</code> 403 with IIS's reason and description, shown in the container's error page
            (<a href="@CTX@/rewrite/private/report.pdf">open</a>).
            <output for="custom-response"></output></li>
          <li><button id="rewrite-abort" data-method="GET" data-url="@CTX@/rewrite/wp-login.php">GET /rewrite/wp-login.php</button>
            &mdash; <code>AbortRequest</code>: no response, the connection is reset
            (<a href="@CTX@/rewrite/wp-login.php">open</a>: the browser shows a connection-reset error).
            <output for="rewrite-abort"></output></li>
          <li><a href="@CTX@/rewrite/static/site.css">/rewrite/static/site.css</a> &mdash; <code>None</code> with
            <code>stopProcessing</code>: served as asked.</li>
        </ul>

        <h2>Drain switch</h2>
        <p>While draining, every response on <code>/</code> and <code>/demo/*</code> gets <code>setNeedDisconnect()</code>:
        it is served in full with <code>Connection: close</code> (HTTP/2: GOAWAY), so clients reconnect, through a load
        balancer, elsewhere. <code>GET /admin/drain</code> shows the state; <code>POST /admin/drain?draining=true|false</code>
        switches it (loopback clients only).</p>
        <ul>
          <li><button id="drain-start" data-method="POST" data-url="@CTX@/admin/drain?draining=true" data-draining>Start draining</button>
            <output for="drain-start"></output></li>
          <li><button id="drain-stop" data-method="POST" data-url="@CTX@/admin/drain?draining=false" data-draining>Stop draining</button>
            <output for="drain-stop"></output></li>
        </ul>

        <h2>Benchmark</h2>
        <p><a href="@CTX@/bench/plain">/bench/plain</a> is a servlet without a filter; <a href="@CTX@/bench/filtered">/bench/filtered</a>
        is the same servlet behind an <code>IisModuleFilter</code> with a no-op module. Point a load tool at both, e.g.
        <code>h2load -n 100000 -c 16 http://127.0.0.1:8080/bench/filtered</code>.</p>

        <script>
        // Each button writes what came back into its output element, right under it.
        // A fragment #run=id1,id2 clicks those buttons once the page is loaded.
        function forwardedFor() { return '198.51.100.' + (Math.floor(Math.random() * 200) + 1); }
        function summary(response, text) {
          // The first line of a plain-text answer: for the sample's errors, IIS's "HTTP Error 403.501 - Forbidden".
          let lines = text.split('\\n').map(line => line.trim()).filter(line => line.length > 0).slice(0, 1);
          if ((response.headers.get('Content-Type') || '').startsWith('text/html')) {
            // An error page of the container: its heading says it all.
            const heading = new DOMParser().parseFromString(text, 'text/html').querySelector('h1, h2');
            lines = heading ? [heading.textContent.trim()] : [];
          }
          return (response.status + ' ' + response.statusText).trim() + (lines.length ? ': ' + lines[0] : '');
        }
        async function send(method, url, forwarded) {
          const headers = forwarded ? { 'X-Forwarded-For': forwarded } : {};
          try {
            const response = await fetch(url, { method, headers, cache: 'no-store' });
            const result = summary(response, await response.text());
            return response.redirected ? 'redirected to ' + new URL(response.url).pathname + ', then ' + result : result;
          } catch (e) {
            return 'failed: ' + e.message + ' (no response: the connection was reset)';
          }
        }
        function clear(b) {
          const out = document.querySelector('output[for="' + b.id + '"]');
          out.textContent = '';
          return line => { out.textContent += (out.textContent ? '\\n' : '') + line; };
        }
        const actions = {
          url: async (b, show) => {
            show(b.dataset.method + ' ' + b.dataset.url + (b.dataset.forwarded ? ' as ' + b.dataset.forwarded : '')
                + ' -> ' + await send(b.dataset.method, b.dataset.url, b.dataset.forwarded));
            if (b.dataset.draining !== undefined) {
              const state = await fetch('@CTX@/admin/drain', { cache: 'no-store' }).then(r => r.text());
              document.getElementById('draining').textContent = state.includes('true') ? 'on' : 'off';
            }
          },
          burst: async (b, show) => {
            const ip = forwardedFor();
            show('GET ' + b.dataset.url + ' as ' + ip + ', ' + b.dataset.burst + ' times, one after another:');
            for (let i = 1; i <= Number(b.dataset.burst); i++) {
              show(i + ': ' + await send('GET', b.dataset.url, ip));
            }
          },
          concurrent: async (b, show) => {
            const ip = forwardedFor();
            const n = Number(b.dataset.concurrent);
            show('GET ' + b.dataset.url + '&request=1..' + n + ' as ' + ip + ', all at once:');
            const started = performance.now();
            // Distinct URLs, so that the browser sends them at once rather than one after another.
            await Promise.all(Array.from({ length: n }, (_, i) => send('GET', b.dataset.url + '&request=' + (i + 1), ip)
                .then(result => show('request ' + (i + 1) + ', after ' + Math.round(performance.now() - started) + ' ms: ' + result))));
          }
        };
        document.querySelectorAll('button[id]').forEach(b => b.addEventListener('click', async () => {
          const show = clear(b);
          b.disabled = true;
          try {
            const kind = b.dataset.burst ? 'burst' : b.dataset.concurrent ? 'concurrent' : 'url';
            await actions[kind](b, show);
          } finally {
            b.disabled = false;
          }
        }));
        const run = location.hash.match(/^#run=(.+)$/);
        if (run) {
          run[1].split(',').map(id => document.getElementById(id)).filter(b => b).forEach((b, i) => {
            if (i === 0) { b.scrollIntoView({ block: 'start' }); }
            b.click();
          });
        }
        </script>
        </body>
        </html>
        """;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String page = PAGE
                .replace("@CTX@", request.getContextPath())
                .replace("@DRAINING@", DrainSwitch.of(getServletContext()).get() ? "on" : "off")
                .replace("@LONG_PATH@", "x".repeat(1100))
                .replace("@LONG_QUERY@", "y".repeat(300))
                .replace("@DELAY@", String.valueOf(CONCURRENT_DEMO_DELAY_MILLIS));
        response.setContentType("text/html;charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().print(page);
    }
}
