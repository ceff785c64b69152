package io.iisport.e2e;

import static io.iisport.e2e.Wire.connect;
import static io.iisport.e2e.Wire.readResponse;
import static io.iisport.e2e.Wire.readToEof;
import static io.iisport.e2e.Wire.readToReset;
import static io.iisport.e2e.Wire.send;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import io.iisport.filter.IisModuleFilter;
import io.iisport.filter.TestServer;
import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpEventProvider;
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.IHttpResponse;
import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.RegisterModule;
import io.iisport.httpserv.RequestNotification;
import io.iisport.httpserv.RequestNotificationStatus;
import io.iisport.jetty.IisportConnectionCustomizer;
import io.iisport.spi.ConnectionBridge;
import io.iisport.tomcat.IisportConnectionValve;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The precedence of the connection actions, {@link ConnectionBridge}'s "Precedence" section, as one contract for
 * both halves: the same table of call sequences and expected HTTP/1.1 wire outcomes, driven through the module filter
 * (a module calling the sequence on {@link IHttpResponse} at BEGIN_REQUEST, the container's extension installed) and
 * through each extension alone (a servlet calling the {@link ConnectionBridge} request attributes, no filter), on
 * Jetty 12.1 with {@code iisport-jetty-extension} and Tomcat 10.1 with {@code iisport-tomcat-extension}. Each
 * exchange is a raw keep-alive request on a new connection to 127.0.0.1; the client asserts what it sees.
 */
class ConnectionPrecedenceContractTest {
    /** What the servlet writes after the sequence; only a disconnect lets it reach the client. */
    private static final String BODY = "the response body";

    /** One connection action, named as in {@link ConnectionBridge}. */
    enum Action {
        DISCONNECT, CLOSE, RESET
    }

    /** What the client sees on the connection. */
    enum Outcome {
        /** The full response, then FIN: {@code read() == -1}. */
        FULL_RESPONSE_THEN_FIN,
        /** FIN without any byte of a response. */
        FIN_WITHOUT_RESPONSE,
        /** "Connection reset" without any byte of a response. */
        RST
    }

    /** Where the sequence is called from. */
    enum Half {
        JETTY_FILTER, JETTY_EXTENSION, TOMCAT_FILTER, TOMCAT_EXTENSION
    }

    /** The contract: a call sequence and what the client sees, the same for every half. */
    static Stream<Arguments> table() {
        Map<List<Action>, Outcome> table = new java.util.LinkedHashMap<>();
        table.put(List.of(Action.DISCONNECT), Outcome.FULL_RESPONSE_THEN_FIN);
        table.put(List.of(Action.DISCONNECT, Action.DISCONNECT), Outcome.FULL_RESPONSE_THEN_FIN);
        table.put(List.of(Action.CLOSE), Outcome.FIN_WITHOUT_RESPONSE);
        table.put(List.of(Action.DISCONNECT, Action.CLOSE), Outcome.FIN_WITHOUT_RESPONSE);
        table.put(List.of(Action.CLOSE, Action.DISCONNECT), Outcome.FIN_WITHOUT_RESPONSE);
        table.put(List.of(Action.CLOSE, Action.CLOSE), Outcome.FIN_WITHOUT_RESPONSE);
        table.put(List.of(Action.RESET), Outcome.RST);
        table.put(List.of(Action.DISCONNECT, Action.RESET), Outcome.RST);
        table.put(List.of(Action.RESET, Action.DISCONNECT), Outcome.RST);
        table.put(List.of(Action.CLOSE, Action.RESET), Outcome.RST);
        table.put(List.of(Action.RESET, Action.CLOSE), Outcome.RST);
        table.put(List.of(Action.RESET, Action.RESET), Outcome.RST);
        return Arrays.stream(Half.values()).flatMap(half -> table.entrySet().stream()
                .map(row -> Arguments.of(half, row.getKey(), row.getValue())));
    }

    private static final Map<Half, Integer> PORTS = new EnumMap<>(Half.class);
    private static TestServer jetty;
    private static Tomcat tomcat;
    private static Path tomcatBase;

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @MethodSource("table")
    void theStrongestActionAskedDecidesWhatTheClientSees(Half half, List<Action> sequence, Outcome expected)
            throws Exception {
        String path = (half == Half.JETTY_FILTER || half == Half.TOMCAT_FILTER ? "/filter" : "/bridge")
                + "?sequence=" + sequence.stream().map(Enum::name).collect(Collectors.joining(","));
        try (Socket socket = connect(port(half))) {
            send(socket, "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
            switch (expected) {
                case FULL_RESPONSE_THEN_FIN -> {
                    HttpTester.Response response = readResponse(socket.getInputStream());
                    assertThat(response.getStatus(), is(200));
                    assertThat(response.getContent(), is(BODY));
                    assertThat(socket.getInputStream().read(), is(-1));
                }
                case FIN_WITHOUT_RESPONSE -> assertThat(readToEof(socket.getInputStream()), is(""));
                case RST -> {
                    Wire.Reset reset = readToReset(socket.getInputStream());
                    assertThat(reset.before(), is(""));
                    assertThat(reset.failure().getMessage(), containsString("Connection reset"));
                }
            }
        }
    }

    /** Calls the actions of {@code sequence}, a comma-separated list of {@link Action} names, in order. */
    private static void callSequence(String sequence, Runnable disconnect, Runnable close, IntConsumer reset) {
        for (String name : sequence.split(",")) {
            switch (Action.valueOf(name)) {
                case DISCONNECT -> disconnect.run();
                case CLOSE -> close.run();
                case RESET -> reset.accept(ConnectionBridge.CANCEL);
            }
        }
    }

    /** The servlet of both halves: the extension half calls the bridge attributes itself; then it writes. */
    private static final class ActingServlet extends HttpServlet {
        private final boolean callBridge;

        ActingServlet(boolean callBridge) {
            this.callBridge = callBridge;
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            if (callBridge) {
                callSequence(req.getParameter("sequence"),
                        (Runnable) req.getAttribute(ConnectionBridge.DISCONNECT_ATTRIBUTE),
                        (Runnable) req.getAttribute(ConnectionBridge.CLOSE_ATTRIBUTE),
                        (IntConsumer) req.getAttribute(ConnectionBridge.RESET_ATTRIBUTE));
            }
            resp.setContentType("text/plain");
            resp.getWriter().print(BODY);
        }
    }

    /** The filter half: a module that calls the sequence on {@link IHttpResponse} at BEGIN_REQUEST. */
    public static final class SequenceModule implements RegisterModule {
        @Override
        public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer globalInfo) {
            moduleInfo.setRequestNotifications(() -> new CHttpModule() {
                @Override
                public RequestNotificationStatus onBeginRequest(IHttpContext context, IHttpEventProvider provider) {
                    IHttpResponse response = context.getResponse();
                    callSequence(context.getServletRequest().getParameter("sequence"), response::setNeedDisconnect,
                            response::closeConnection, code -> response.resetConnection());
                    return RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;
                }
            }, RequestNotification.RQ_BEGIN_REQUEST, 0);
        }
    }

    private static final String MODULES = "Sequence=" + SequenceModule.class.getName();

    private static int port(Half half) throws Exception {
        if (!PORTS.containsKey(half)) {
            switch (half) {
                case JETTY_FILTER, JETTY_EXTENSION -> startJetty();
                case TOMCAT_FILTER, TOMCAT_EXTENSION -> startTomcat();
            }
        }
        return PORTS.get(half);
    }

    private static void startJetty() throws Exception {
        jetty = new TestServer();
        jetty.servlet("/filter", new ActingServlet(false));
        jetty.servlet("/bridge", new ActingServlet(true));
        jetty.filterOn("/filter", new IisModuleFilter(), "modules", MODULES);
        new IisportConnectionCustomizer().install(jetty.server);
        jetty.start();
        PORTS.put(Half.JETTY_FILTER, jetty.port());
        PORTS.put(Half.JETTY_EXTENSION, jetty.port());
    }

    private static void startTomcat() throws Exception {
        tomcatBase = Files.createTempDirectory("iisport-precedence");
        tomcat = TomcatTest.newTomcat(tomcatBase);
        tomcat.getEngine().getPipeline().addValve(new IisportConnectionValve());
        Context context = tomcat.addContext("", tomcatBase.toString());
        Tomcat.addServlet(context, "filter", new ActingServlet(false));
        context.addServletMappingDecoded("/filter", "filter");
        Tomcat.addServlet(context, "bridge", new ActingServlet(true));
        context.addServletMappingDecoded("/bridge", "bridge");
        FilterDef filter = new FilterDef();
        filter.setFilterName("iis-modules");
        filter.setFilter(new IisModuleFilter());
        filter.addInitParameter("modules", MODULES);
        context.addFilterDef(filter);
        FilterMap map = new FilterMap();
        map.setFilterName("iis-modules");
        map.addURLPattern("/filter");
        map.setDispatcher(DispatcherType.REQUEST.name());
        context.addFilterMap(map);
        tomcat.start();
        PORTS.put(Half.TOMCAT_FILTER, tomcat.getConnector().getLocalPort());
        PORTS.put(Half.TOMCAT_EXTENSION, tomcat.getConnector().getLocalPort());
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (jetty != null) {
                jetty.close();
            }
            if (tomcat != null) {
                tomcat.stop();
                tomcat.destroy();
            }
        } finally {
            if (tomcatBase != null) {
                TomcatTest.deleteRecursively(tomcatBase);
            }
            PORTS.clear();
        }
    }
}
