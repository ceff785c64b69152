package io.iisport.filter;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.Mockito.when;

import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code CGlobalModule} on a real Jetty: {@code GL_APPLICATION_START} when the filter starts, {@code GL_PRE_BEGIN_REQUEST}
 * before each request's modules, {@code GL_APPLICATION_STOP} when it is destroyed, in priority order; and what fails
 * the deployment.
 */
class GlobalModulesTest {
    private static final String GLOBAL = GlobalModule.class.getName();

    private final AtomicInteger servletCalls = new AtomicInteger();
    private TestServer server;
    private Events events;

    @BeforeEach
    void setUp() {
        server = new TestServer();
        events = server.events;
        server.handle("/*", (req, resp) -> {
            servletCalls.incrementAndGet();
            events.add("servlet");
            resp.getWriter().print("servlet body");
        });
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private void start(String... params) throws Exception {
        server.moduleFilter(params);
        server.start();
    }

    @Test
    void startAndStopAreRaisedOnceEachInPriorityOrderAndPreBeginRequestBeforeBeginRequest() throws Exception {
        start("modules", "A=" + GLOBAL + "\nB=" + GLOBAL + "\nC=" + GLOBAL,
                "A.priority", "LOW", "C.priority", "FIRST", "C.requestModule", "true");
        assertThat(events.all(), is(List.of("C GL_APPLICATION_START /LM/W3SVC/1/ROOT",
                "B GL_APPLICATION_START /LM/W3SVC/1/ROOT", "A GL_APPLICATION_START /LM/W3SVC/1/ROOT")));
        events.clear();

        HttpTester.Response response = server.get("/page");
        assertThat(response.getStatus(), is(200));
        assertThat(response.getContent(), is("servlet body"));
        events.await("C RQ_LOG_REQUEST 200");
        assertThat(events.all(), is(List.of("C GL_PRE_BEGIN_REQUEST GET", "B GL_PRE_BEGIN_REQUEST GET",
                "A GL_PRE_BEGIN_REQUEST GET", "C RQ_BEGIN_REQUEST", "servlet", "C RQ_LOG_REQUEST 200")));
        events.clear();

        server.close();
        // The application stops, then every module terminates (in configuration order), once.
        assertThat(events.all(), is(List.of("C GL_APPLICATION_STOP /LM/W3SVC/1/ROOT",
                "B GL_APPLICATION_STOP /LM/W3SVC/1/ROOT", "A GL_APPLICATION_STOP /LM/W3SVC/1/ROOT",
                "A terminate", "B terminate", "C terminate")));
        server.close();
        assertThat(events.all().size(), is(6));
    }

    @Test
    void handledInPreBeginRequestEndsTheRequestWithTheModulesResponse() throws Exception {
        start("modules", "A=" + GLOBAL + "\nB=" + GLOBAL + "\nLogger=" + GLOBAL,
                "A.preBeginRequest", "handled", "Logger.requestModule", "true",
                "Logger.notifications", "GL_APPLICATION_START");
        events.clear();

        HttpTester.Response response = server.get("/page");
        assertThat(response.getStatus(), is(203));
        assertThat(response.getContent(), is("handled by A"));
        events.await("Logger RQ_LOG_REQUEST 203");
        // B is not called; no request module before the handler, nor the servlet; LOG_REQUEST still runs.
        assertThat(events.all(), is(List.of("A GL_PRE_BEGIN_REQUEST GET", "Logger RQ_LOG_REQUEST 203")));
        assertThat(servletCalls.get(), is(0));
    }

    @Test
    void aGlobalModuleFailingInPreBeginRequestGivesA500AndTheNextRequestIsServed() throws Exception {
        start("modules", "A=" + GLOBAL + "\nLogger=" + GLOBAL, "A.preBeginRequest", "throw",
                "Logger.requestModule", "true", "Logger.notifications", "GL_APPLICATION_STOP");
        events.clear();

        assertThat(server.get("/page").getStatus(), is(500));
        events.await("Logger RQ_LOG_REQUEST 500");
        assertThat(servletCalls.get(), is(0));
        assertThat(events.all(), is(List.of("A GL_PRE_BEGIN_REQUEST GET", "Logger RQ_LOG_REQUEST 500")));
    }

    @Test
    void errorStatusInPreBeginRequestIsAFailureToo() throws Exception {
        start("modules", "A=" + GLOBAL, "A.preBeginRequest", "errorStatus");
        assertThat(server.get("/page").getStatus(), is(500));
        assertThat(servletCalls.get(), is(0));
    }

    private static FilterConfig config(String... params) {
        FilterConfig config = ConfigurationTest.config(params);
        when(config.getServletContext().getContextPath()).thenReturn("/shop");
        return config;
    }

    private static Events eventsOf(FilterConfig config) {
        return Events.of(config.getServletContext());
    }

    @Test
    void aFailingApplicationStartFailsTheDeploymentNamingTheModuleAndTerminatesEveryModule() {
        FilterConfig config = config("modules", "A=" + GLOBAL + "\nB=" + GLOBAL + "\nC=" + GLOBAL,
                "B.start", "throw");
        ServletException e = assertThrows(ServletException.class, () -> new IisModuleFilter().init(config));
        assertThat(e.getMessage(), allOf(containsString("'modules'"), containsString("B=" + GLOBAL),
                containsString("GL_APPLICATION_START failed"), containsString("B refuses")));
        // C is not started, nobody is stopped (the application never started), every module terminates.
        assertThat(eventsOf(config).all(), is(List.of("A GL_APPLICATION_START /LM/W3SVC/1/ROOT/shop",
                "B GL_APPLICATION_START /LM/W3SVC/1/ROOT/shop", "A terminate", "B terminate", "C terminate")));
    }

    @Test
    void errorStatusInApplicationStartFailsTheDeployment() {
        FilterConfig config = config("modules", "A=" + GLOBAL, "A.start", "errorStatus");
        ServletException e = assertThrows(ServletException.class, () -> new IisModuleFilter().init(config));
        assertThat(e.getMessage(), allOf(containsString("A=" + GLOBAL), containsString("A reports an error")));
    }

    @Test
    void aGlobalNotificationWithoutServletMeaningFailsTheDeploymentNamingIt() {
        FilterConfig config = config("modules", "A=" + GLOBAL + "\nB=" + GLOBAL,
                "B.notifications", "GL_APPLICATION_START, GL_CACHE_CLEANUP");
        ServletException e = assertThrows(ServletException.class, () -> new IisModuleFilter().init(config));
        assertThat(e.getMessage(), allOf(containsString("B=" + GLOBAL),
                containsString("GL_CACHE_CLEANUP is never raised by the iisport filter"), containsString("'B'")));
        // A registered and is rolled back; nothing started.
        assertThat(eventsOf(config).all(), is(List.of("A terminate")));
    }

    @Test
    void aPriorityForANotificationWithoutServletMeaningIsRefused() {
        RegisteredModule module = new RegisteredModule("M", new io.iisport.httpserv.ModuleSettings("M", java.util.Map.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> module.setPriorityForGlobalNotification(
                        io.iisport.httpserv.GlobalNotification.GL_CONFIGURATION_CHANGE, "HIGH"));
        assertThat(e.getMessage(), containsString("GL_CONFIGURATION_CHANGE is never raised"));
        assertThrows(IllegalArgumentException.class, () -> module.setGlobalNotifications(
                new io.iisport.httpserv.CGlobalModule() { }, 0x40000000));
    }
}
