package io.iisport.sample.web;

import io.iisport.sample.drain.DrainSwitch;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The home page ({@code /}): what each module of the sample does, with links and buttons that exercise it and what
 * the browser should show.
 */
public class HomeServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

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
          output { display: block; white-space: pre-wrap; font-family: monospace; background: #fafae0; min-height: 1.4em; }
        </style>
        </head>
        <body>
        <h1>iisport sample</h1>
        <p>IIS native modules ported to Java run here inside the servlet container, each pipeline configured in
        <code>WEB-INF/web.xml</code> as an <code>IisModuleFilter</code> with IIS-named settings.
        Connection status: draining is <strong>@DRAINING@</strong>.</p>

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
          <li><button data-method="DELETE" data-url="@CTX@/demo/hello">DELETE /demo/hello</button> &mdash; <code>verbs</code>: HTTP Error 404.6</li>
          <li><a href="@CTX@/demo/settings.bak">/demo/settings.bak</a> &mdash; <code>fileExtensions</code>: HTTP Error 404.7</li>
          <li><a href="@CTX@/demo/App_Data/users.txt">/demo/App_Data/users.txt</a> &mdash; <code>hiddenSegments</code>: HTTP Error 404.8</li>
          <li><a href="@CTX@/demo/@LONG_PATH@">a URL longer than 1024 bytes</a> &mdash; <code>requestLimits/@maxUrl</code>: HTTP Error 404.14</li>
          <li><a href="@CTX@/demo/hello?q=@LONG_QUERY@">a query string longer than 256 bytes</a> &mdash; <code>requestLimits/@maxQueryString</code>: HTTP Error 404.15</li>
        </ul>

        <h2>Dynamic IP Restrictions (<code>&lt;dynamicIpSecurity&gt;</code>)</h2>
        <p>Each path has its own pipeline and <code>denyAction</code>. Requests are counted per client address for 10 seconds.
        The buttons send requests with <code>X-Forwarded-For</code> (the pipelines run in proxy mode), so each click acts as a fresh client.</p>
        <ul>
          <li><button data-burst="@CTX@/dynamic-ip/forbidden/">8 requests to /dynamic-ip/forbidden/</button>
            &mdash; at most 5 per 10 s, then <code>Forbidden</code>: 403 with body <em>HTTP Error 403.502</em>.</li>
          <li><button data-concurrent="@CTX@/dynamic-ip/forbidden/">4 concurrent slow requests</button>
            &mdash; at most 2 in flight per client, the others get 403.501 (a browser's requests overlap only briefly,
            so all four may pass; the end-to-end tests hold requests open to show it).</li>
          <li><button data-method="GET" data-forwarded="192.0.2.7" data-url="@CTX@/dynamic-ip/forbidden/">a request from 192.0.2.7</button>
            &mdash; on the deny list: 403.503.</li>
          <li><a href="@CTX@/dynamic-ip/abort/">/dynamic-ip/abort/</a> &mdash; <code>AbortRequest</code>: reload it 4 times;
            from the 4th load the browser shows a connection-reset error. (<button data-burst="@CTX@/dynamic-ip/abort/">5 requests</button>: the last ones fail.)</li>
          <li><a href="@CTX@/dynamic-ip/not-found/">/dynamic-ip/not-found/</a> &mdash; <code>NotFound</code>: from the 4th load, 404.</li>
          <li><a href="@CTX@/dynamic-ip/unauthorized/">/dynamic-ip/unauthorized/</a> &mdash; <code>Unauthorized</code>: from the 4th load, 401.</li>
          <li><a href="@CTX@/dynamic-ip/logging-only/">/dynamic-ip/logging-only/</a> &mdash; <code>enableLoggingOnlyMode</code>: every
            address is on the deny list, yet every request is served; the server log shows <em>logging only: would deny</em>.</li>
        </ul>

        <h2>URL Rewrite (<code>&lt;rewrite&gt;&lt;rules&gt;</code>)</h2>
        <p>On <code>/rewrite/*</code>, with the rules of <code>WEB-INF/rewrite.config</code>: the <code>&lt;rewrite&gt;</code>
        section of an IIS <code>web.config</code>, copied as is. The handler answers <em>Served GET &lt;URL it served&gt;</em>.</p>
        <ul>
          <li><a href="@CTX@/rewrite/article/234/some-title">/rewrite/article/234/some-title</a> &mdash; <code>Rewrite</code>
            to <code>rewrite/article.aspx?id={R:1}&amp;title={R:2}</code> (served as the new URL once the filter API has
            <code>IHttpRequest.setUrl</code>; until then the request fails with 500).</li>
          <li><a href="@CTX@/rewrite/canonical/products/7?color=red">/rewrite/canonical/products/7?color=red</a> &mdash;
            <code>Redirect</code> 301 to <code>http://www.example.com/...</code>, a negated <code>{HTTP_HOST}</code> condition.</li>
          <li><a href="@CTX@/rewrite/secure/cart">/rewrite/secure/cart</a> &mdash; <code>Redirect</code> 302 to HTTPS on the same host.</li>
          <li><a href="@CTX@/rewrite/private/report.pdf">/rewrite/private/report.pdf</a> &mdash; <code>CustomResponse</code> 403
            with IIS's reason and description.</li>
          <li><a href="@CTX@/rewrite/wp-login.php">/rewrite/wp-login.php</a> &mdash; <code>AbortRequest</code>: the browser shows a
            connection-reset error.</li>
          <li><a href="@CTX@/rewrite/static/site.css">/rewrite/static/site.css</a> &mdash; <code>None</code> with
            <code>stopProcessing</code>: served as asked.</li>
        </ul>

        <h2>Drain switch</h2>
        <p>While draining, every response on <code>/</code> and <code>/demo/*</code> gets <code>setNeedDisconnect()</code>:
        it is served in full with <code>Connection: close</code> (HTTP/2: GOAWAY), so clients reconnect, through a load
        balancer, elsewhere. <code>GET /admin/drain</code> shows the state; <code>POST /admin/drain?draining=true|false</code>
        switches it (loopback clients only).</p>
        <p><button data-method="POST" data-url="@CTX@/admin/drain?draining=true" data-reload>Start draining</button>
        <button data-method="POST" data-url="@CTX@/admin/drain?draining=false" data-reload>Stop draining</button></p>

        <h2>Benchmark</h2>
        <p><a href="@CTX@/bench/plain">/bench/plain</a> is a servlet without a filter; <a href="@CTX@/bench/filtered">/bench/filtered</a>
        is the same servlet behind an <code>IisModuleFilter</code> with a no-op module. Point a load tool at both, e.g.
        <code>h2load -n 100000 -c 16 http://127.0.0.1:8080/bench/filtered</code>.</p>

        <h2>Results</h2>
        <output id="out">Button results appear here.</output>

        <script>
        const out = document.getElementById('out');
        function show(line) { out.textContent = line + '\\n' + out.textContent; }
        function forwardedFor() { return '198.51.100.' + (Math.floor(Math.random() * 200) + 1); }
        async function send(method, url, forwarded) {
          const headers = forwarded ? { 'X-Forwarded-For': forwarded } : {};
          try {
            const response = await fetch(url, { method, headers, cache: 'no-store', body: method === 'POST' && forwarded ? 'x' : undefined });
            const text = await response.text();
            return response.status + ' ' + text.split('\\n')[0];
          } catch (e) {
            return 'failed: ' + e.message + ' (connection reset)';
          }
        }
        document.querySelectorAll('button[data-url]').forEach(b => b.addEventListener('click', async () => {
          const result = await send(b.dataset.method, b.dataset.url, b.dataset.forwarded);
          show(b.dataset.method + ' ' + b.dataset.url + ' -> ' + result);
          if (b.dataset.reload !== undefined) { setTimeout(() => location.reload(), 500); }
        }));
        document.querySelectorAll('button[data-burst]').forEach(b => b.addEventListener('click', async () => {
          const ip = forwardedFor();
          const n = b.dataset.burst.includes('forbidden') ? 8 : 5;
          for (let i = 1; i <= n; i++) { show(i + ': GET ' + b.dataset.burst + ' as ' + ip + ' -> ' + await send('GET', b.dataset.burst, ip)); }
        }));
        document.querySelectorAll('button[data-concurrent]').forEach(b => b.addEventListener('click', async () => {
          const ip = forwardedFor();
          // Streamed request bodies would hold requests open; a browser cannot, so these overlap only briefly.
          const results = await Promise.all([1, 2, 3, 4].map(() => send('POST', b.dataset.concurrent, ip)));
          results.forEach((r, i) => show((i + 1) + ': POST ' + b.dataset.concurrent + ' as ' + ip + ' -> ' + r));
        }));
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
                .replace("@LONG_QUERY@", "y".repeat(300));
        response.setContentType("text/html;charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().print(page);
    }
}
