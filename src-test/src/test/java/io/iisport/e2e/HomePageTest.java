package io.iisport.e2e;

import static io.iisport.e2e.Wire.connect;
import static io.iisport.e2e.Wire.exchange;
import static io.iisport.e2e.Wire.get;
import static io.iisport.e2e.Wire.readToReset;
import static io.iisport.e2e.Wire.request;
import static io.iisport.e2e.Wire.send;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.in;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.iisport.sample.server.SampleServer;
import java.net.Socket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The home page of the built WAR on Jetty with the iisport extension: every path of the sample is linked, each
 * button's result shows right under the button, and what the buttons send gets the answers the page describes,
 * among them the 403.501 of Dynamic IP Restrictions' concurrency limit.
 */
class HomePageTest {
    private static final Pattern BUTTON = Pattern.compile("<button ([^>]*)>");
    private static final Pattern ATTRIBUTE = Pattern.compile("([a-z-]+)(?:=\"([^\"]*)\")?");
    /** What may follow a button before its result: anything but these. */
    private static final Pattern NEXT_BLOCK = Pattern.compile("<button |<output |<li>|</li>|<p>|</p>");

    private static SampleServer sample;
    private static String page;

    @BeforeAll
    static void start() throws Exception {
        sample = JettySample.start(false, null);
        HttpTester.Response home = exchange(sample.getHttpPort(), get("/"));
        assertThat(home.getStatus(), is(200));
        assertThat(home.get("Content-Type"), is("text/html;charset=utf-8"));
        page = home.getContent();
    }

    @AfterAll
    static void stop() {
        if (sample != null) {
            sample.stop();
        }
    }

    /** @return the buttons of the page by id, each with its attributes, in page order */
    private static Map<String, Map<String, String>> buttons() {
        Map<String, Map<String, String>> buttons = new LinkedHashMap<>();
        Matcher button = BUTTON.matcher(page);
        while (button.find()) {
            Map<String, String> attributes = new LinkedHashMap<>();
            Matcher attribute = ATTRIBUTE.matcher(button.group(1));
            while (attribute.find()) {
                attributes.put(attribute.group(1), attribute.group(2) == null ? "" : attribute.group(2));
            }
            assertThat("a button without an id: " + button.group(), attributes.containsKey("id"), is(true));
            assertThat("two buttons with id " + attributes.get("id"), buttons.put(attributes.get("id"), attributes),
                    nullValue());
        }
        return buttons;
    }

    @Test
    void theHomePageLinksEveryPathOfTheSample() {
        for (String path : List.of("/seed/set-need-disconnect", "/seed/reset-connection", "/demo/~backup",
                "/demo/settings.bak", "/demo/App_Data/users.txt", "/dynamic-ip/forbidden/", "/dynamic-ip/abort/",
                "/dynamic-ip/not-found/", "/dynamic-ip/unauthorized/", "/dynamic-ip/logging-only/",
                "/rewrite/article/234/some-title", "/rewrite/canonical/products/7?color=red", "/rewrite/secure/cart",
                "/rewrite/private/report.pdf", "/rewrite/wp-login.php", "/rewrite/static/site.css",
                "/admin/drain?draining=true", "/bench/plain", "/bench/filtered")) {
            assertThat(page, containsString("\"" + path + "\""));
        }
        assertThat(page, containsString("draining is <strong id=\"draining\">off</strong>"));
    }

    @Test
    void eachButtonsResultSitsRightUnderIt() {
        Map<String, Map<String, String>> buttons = buttons();
        assertThat(List.copyOf(buttons.keySet()), is(List.of("verbs", "rate", "concurrent",
                "deny-list", "abort", "rewrite", "rewrite-condition", "redirect", "custom-response", "rewrite-abort",
                "drain-start", "drain-stop")));
        for (String id : buttons.keySet()) {
            // Past the button's own label and the text that explains it, the next element of substance is its
            // result: no other button, list item or paragraph in between.
            int after = page.indexOf("</button>", page.indexOf("<button id=\"" + id + "\"")) + "</button>".length();
            Matcher next = NEXT_BLOCK.matcher(page);
            assertThat(id, next.find(after), is(true));
            assertThat(id, page.substring(next.start()), startsWith("<output for=\"" + id + "\"></output>"));
        }
        // One result box per button, and none elsewhere.
        List<String> outputs = new ArrayList<>();
        Matcher output = Pattern.compile("<output([^>]*)>").matcher(page);
        while (output.find()) {
            outputs.add(output.group(1));
        }
        assertThat(outputs.size(), is(buttons.size()));
        assertThat(outputs, everyItem(startsWith(" for=\"")));
        assertThat(outputs.stream().map(attributes -> attributes.replaceAll("^ for=\"([^\"]*)\"$", "$1")).toList(),
                everyItem(is(in(buttons.keySet()))));
    }

    @Test
    void theButtonsRequestsGetTheAnswersThePageDescribes() throws Exception {
        Map<String, Map<String, String>> buttons = buttons();
        // id -> status and the start of the body, as the page's text promises.
        Map<String, List<Object>> expected = Map.of(
                "verbs", List.of(404, "HTTP Error 404.6 - Not Found\n"),
                "deny-list", List.of(403, "HTTP Error 403.503 - Forbidden\n"),
                "rewrite", List.of(200, "Served GET /rewrite/article.aspx?id=234&title=some-title\n"),
                "rewrite-condition", List.of(200, "Served GET /rewrite/users/ada\n"),
                "redirect", List.of(308, ""),
                "custom-response", List.of(403, ""));
        for (Map.Entry<String, List<Object>> entry : expected.entrySet()) {
            Map<String, String> button = buttons.get(entry.getKey());
            List<String> headers = new ArrayList<>();
            if (button.containsKey("data-forwarded")) {
                headers.add("X-Forwarded-For: " + button.get("data-forwarded"));
            }
            HttpTester.Response response = exchange(sample.getHttpPort(),
                    request(button.get("data-method"), button.get("data-url"), headers.toArray(String[]::new)));
            assertThat(entry.getKey(), response.getStatus(), is(entry.getValue().get(0)));
            assertThat(entry.getKey(), response.getContent(), startsWith((String) entry.getValue().get(1)));
        }
        HttpTester.Response moved = exchange(sample.getHttpPort(), get(buttons.get("redirect").get("data-url")));
        assertThat(moved.get("Location"), is("new-page"));
        assertThat(exchange(sample.getHttpPort(), get("/rewrite/new-page")).getContent(),
                is("Served GET /rewrite/new-page\n"));
        // The custom response is the container's error page with the rule's statusDescription.
        assertThat(exchange(sample.getHttpPort(), get(buttons.get("custom-response").get("data-url"))).getContent(),
                containsString("You do not have permission to view this directory or page using the credentials"));
        // The abort gets no response at all: the connection is reset.
        try (Socket socket = connect(sample.getHttpPort())) {
            send(socket, get(buttons.get("rewrite-abort").get("data-url")));
            assertThat(readToReset(socket.getInputStream()).before(), is(emptyString()));
        }
    }

    @Test
    void theConcurrencyDemoGetsTwoRequestsServedAndTheOthersDeniedWith403501() throws Exception {
        Map<String, String> button = buttons().get("concurrent");
        int requests = Integer.parseInt(button.get("data-concurrent"));
        assertThat(requests, is(4));
        String client = "203.0.113.9";
        // As the page does: the same client, distinct URLs, all sent at once; the servlet holds each answer back.
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(requests);
        try {
            List<Future<HttpTester.Response>> responses = new ArrayList<>();
            for (int i = 1; i <= requests; i++) {
                String path = button.get("data-url") + "&request=" + i;
                responses.add(pool.submit(() -> {
                    go.await();
                    return exchange(sample.getHttpPort(), get(path, "X-Forwarded-For: " + client));
                }));
            }
            go.countDown();
            int served = 0;
            int denied = 0;
            for (Future<HttpTester.Response> future : responses) {
                HttpTester.Response response = future.get(30, TimeUnit.SECONDS);
                if (response.getStatus() == 200) {
                    assertThat(response.getContent(), is("Hello from GET /dynamic-ip/forbidden/slow\n"));
                    served++;
                } else {
                    assertThat(response.getStatus(), is(403));
                    assertThat(response.getContent(), startsWith("HTTP Error 403.501 - Forbidden\n"));
                    denied++;
                }
            }
            // maxConcurrentRequests is 2 in web.xml.
            assertThat("served", served, is(2));
            assertThat("denied", denied, is(2));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aDelayThatIsNoNumberOfMillisecondsInRangeIsABadRequest() throws Exception {
        for (String delay : List.of("soon", "-1", "10001")) {
            HttpTester.Response response = exchange(sample.getHttpPort(), get("/demo/hello?delay=" + delay));
            assertThat(delay, response.getStatus(), is(400));
            assertThat(delay, response.getContent(), containsString("delay must be a number of milliseconds from 0 to 10000"));
        }
    }
}
