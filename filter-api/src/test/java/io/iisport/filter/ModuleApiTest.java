package io.iisport.filter;

import static io.iisport.httpserv.RequestNotification.RQ_BEGIN_REQUEST;
import static io.iisport.httpserv.RequestNotification.RQ_END_REQUEST;
import static io.iisport.httpserv.RequestNotification.RQ_EXECUTE_REQUEST_HANDLER;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_FINISH_REQUEST;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpEventProvider;
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.IHttpStoredContext;
import io.iisport.httpserv.ModuleSettings;
import io.iisport.httpserv.RegisterModule;
import io.iisport.httpserv.RequestNotification;
import io.iisport.httpserv.RequestNotificationStatus;
import jakarta.servlet.ServletException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The IIS members real modules need, on a real Jetty: SetUrl, custom errors, stored contexts and server variables.
 * Each test module is driven by its settings, so tests share no state.
 */
class ModuleApiTest {
    private TestServer server;

    @BeforeEach
    void setUp() {
        server = new TestServer();
        server.handle("/echo/*", (req, resp) -> resp.getWriter().print(req.getDispatcherType() + " "
                + req.getRequestURI() + "?" + req.getQueryString() + " x=" + java.util.Arrays.toString(
                        req.getParameterValues("x")) + " y=" + java.util.Arrays.toString(req.getParameterValues("y"))
                + " original=" + req.getHeader("X-Original-URL")));
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    /** Calls SetUrl at BEGIN_REQUEST with its settings {@code url} and {@code reset}. */
    public static final class SetUrlModule implements RegisterModule {
        @Override
        public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer server) {
            ModuleSettings settings = moduleInfo.getSettings();
            String url = settings.get("url", "/echo/rewritten");
            boolean reset = settings.getBoolean("reset", false);
            moduleInfo.setRequestNotifications(() -> new CHttpModule() {
                @Override
                public RequestNotificationStatus onBeginRequest(IHttpContext context, IHttpEventProvider provider) {
                    context.getRequest().setUrl(context.getServletRequest().getContextPath() + url, reset);
                    context.getResponse().setHeader("X-Url-Variable", context.getServerVariable("URL"), true);
                    context.getResponse().setHeader("X-Unencoded-Url", context.getServerVariable("UNENCODED_URL"),
                            true);
                    return RQ_NOTIFICATION_CONTINUE;
                }
            }, RQ_BEGIN_REQUEST, 0);
        }
    }

    @Test
    void setUrlHandsTheRequestToTheServletOfTheNewPathAndKeepsTheOriginal() throws Exception {
        server.handle("/asked", (req, resp) -> resp.getWriter().print("the original servlet"));
        server.moduleFilter("modules", "Rewrite=" + SetUrlModule.class.getName(), "Rewrite.url", "/echo/new?y=2");
        server.start();

        HttpTester.Response response = server.get("/asked?x=1");
        assertThat(response.getStatus(), is(200));
        assertThat(response.getContent(), is("FORWARD /echo/new?y=2 x=null y=[2] original=/asked?x=1"));
        assertThat(response.get("X-Url-Variable"), is("/echo/new"));
        assertThat(response.get("X-Unencoded-Url"), is("/asked?x=1"));
    }

    @Test
    void setUrlKeepsTheOriginalQueryUnlessTold() throws Exception {
        server.moduleFilter("modules", "Rewrite=" + SetUrlModule.class.getName(), "Rewrite.url", "/echo/kept");
        server.start();
        assertThat(server.get("/asked?x=1&x=2").getContent(),
                is("FORWARD /echo/kept?x=1&x=2 x=[1, 2] y=null original=/asked?x=1&x=2"));
    }

    @Test
    void setUrlWithResetQueryStringDropsTheOriginalParameters() throws Exception {
        server.moduleFilter("modules", "Rewrite=" + SetUrlModule.class.getName(), "Rewrite.url", "/echo/reset",
                "Rewrite.reset", "true");
        server.start();
        assertThat(server.get("/asked?x=1").getContent(), is("FORWARD /echo/reset?null x=null y=null original=/asked?x=1"));
    }

    @Test
    void setUrlOutsideTheApplicationOrAfterTheHandlerIsRefused() throws Exception {
        List<String> outcomes = Collections.synchronizedList(new ArrayList<>());
        server.handle("/late", (req, resp) -> resp.getWriter().print("served"));
        server.moduleFilter("modules", "Late=" + LateSetUrlModule.class.getName());
        server.context.setAttribute("outcomes", outcomes);
        server.start();

        assertThat(server.get("/late").getContent(), is("served"));
        assertThat(outcomes, is(List.of("IllegalArgumentException", "IllegalStateException")));
    }

    /** Records what SetUrl outside the application (at BEGIN_REQUEST) and after the handler does. */
    public static final class LateSetUrlModule implements RegisterModule {
        @Override
        @SuppressWarnings("unchecked")
        public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer server) {
            List<String> outcomes = (List<String>) server.getServletContext().getAttribute("outcomes");
            moduleInfo.setRequestNotifications(() -> new CHttpModule() {
                @Override
                public RequestNotificationStatus onBeginRequest(IHttpContext context, IHttpEventProvider provider) {
                    try {
                        context.getRequest().setUrl("http://elsewhere/", false);
                    } catch (RuntimeException e) {
                        outcomes.add(e.getClass().getSimpleName());
                    }
                    return RQ_NOTIFICATION_CONTINUE;
                }

                @Override
                public RequestNotificationStatus onPostExecuteRequestHandler(IHttpContext context,
                        IHttpEventProvider provider) {
                    try {
                        context.getRequest().setUrl("/echo/late", false);
                    } catch (RuntimeException e) {
                        outcomes.add(e.getClass().getSimpleName());
                    }
                    return RQ_NOTIFICATION_CONTINUE;
                }
            }, RQ_BEGIN_REQUEST, RQ_EXECUTE_REQUEST_HANDLER);
        }
    }

    /** A deny module: sets its settings' status at BEGIN_REQUEST and finishes the request, as IIS modules do. */
    public static final class DenyModule implements RegisterModule {
        @Override
        public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer server) {
            ModuleSettings settings = moduleInfo.getSettings();
            int status = (int) settings.getLong("status", 403, 400, 999);
            int subStatus = (int) settings.getLong("subStatus", 502, 0, 65535);
            boolean skip = settings.getBoolean("skip", false);
            String description = settings.get("description", "Denied by the test");
            moduleInfo.setRequestNotifications(() -> new CHttpModule() {
                @Override
                public RequestNotificationStatus onBeginRequest(IHttpContext context, IHttpEventProvider provider) {
                    context.getResponse().setStatus(status, "Forbidden", subStatus, skip);
                    context.getResponse().setErrorDescription(description);
                    return RQ_NOTIFICATION_FINISH_REQUEST;
                }
            }, RQ_BEGIN_REQUEST, 0);
        }
    }

    @Test
    void aBlankErrorAModuleSetGetsTheApplicationsErrorPageWithSubStatusAndDescription() throws Exception {
        server.handle("/error-page", (req, resp) -> resp.getWriter().print("error page: "
                + req.getAttribute(jakarta.servlet.RequestDispatcher.ERROR_STATUS_CODE) + "."
                + req.getAttribute(IisModuleFilter.SUB_STATUS_ATTRIBUTE) + " "
                + req.getAttribute(IisModuleFilter.ERROR_DESCRIPTION_ATTRIBUTE) + " / "
                + req.getAttribute(jakarta.servlet.RequestDispatcher.ERROR_MESSAGE)));
        ErrorPageErrorHandler errors = new ErrorPageErrorHandler();
        errors.addErrorPage(403, "/error-page");
        server.context.setErrorHandler(errors);
        server.moduleFilter("modules", "Deny=" + DenyModule.class.getName());
        server.start();

        HttpTester.Response response = server.get("/anything");
        assertThat(response.getStatus(), is(403));
        assertThat(response.getContent(), is("error page: 403.502 Denied by the test / Denied by the test"));
    }

    @Test
    void withoutAnErrorPageTheContainersOwnShowsTheDescription() throws Exception {
        server.moduleFilter("modules", "Deny=" + DenyModule.class.getName(), "Deny.status", "401",
                "Deny.description", "No ticket");
        server.start();

        HttpTester.Response response = server.get("/anything");
        assertThat(response.getStatus(), is(401));
        assertThat(response.getContent(), containsString("No ticket"));
    }

    @Test
    void trySkipCustomErrorsSendsTheBlankResponse() throws Exception {
        server.moduleFilter("modules", "Deny=" + DenyModule.class.getName(), "Deny.skip", "true");
        server.start();

        HttpTester.Response response = server.get("/anything");
        assertThat(response.getStatus(), is(403));
        assertThat(response.getContent(), is(""));
    }

    @Test
    void aServletsOwnErrorStatusStaysAsTheServletLeftIt() throws Exception {
        server.handle("/own", (req, resp) -> resp.setStatus(404));
        server.moduleFilter("modules", "Every=" + Recorder.class.getName());
        server.start();

        HttpTester.Response response = server.get("/own");
        assertThat(response.getStatus(), is(404));
        assertThat(response.getContent(), is(""));
    }

    /** Keeps a per-request and a per-application stored context; reports them in a response header. */
    public static final class StoredContextModule implements RegisterModule {
        @Override
        public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer server) {
            Object id = moduleInfo.getId();
            Events cleaned = Events.of(server.getServletContext());
            final class Counter implements IHttpStoredContext {
                int requests;

                @Override
                public void cleanupStoredContext() {
                    cleaned.add("application after " + requests);
                }
            }
            server.getModuleContextContainer().setModuleContext(new Counter(), id);
            moduleInfo.setRequestNotifications(() -> new CHttpModule() {
                @Override
                public RequestNotificationStatus onBeginRequest(IHttpContext context, IHttpEventProvider provider) {
                    String uri = context.getServletRequest().getRequestURI();
                    context.getModuleContextContainer().setModuleContext(() -> cleaned.add("request " + uri), id);
                    ((Counter) server.getModuleContextContainer().getModuleContext(id)).requests++;
                    return RQ_NOTIFICATION_CONTINUE;
                }

                @Override
                public RequestNotificationStatus onEndRequest(IHttpContext context, IHttpEventProvider provider) {
                    boolean found = context.getModuleContextContainer().getModuleContext(id) != null;
                    try {
                        context.getModuleContextContainer().setModuleContext(() -> { }, id);
                    } catch (IllegalStateException alreadyAssigned) {
                        cleaned.add("found " + found + ", second set refused");
                    }
                    return RQ_NOTIFICATION_CONTINUE;
                }
            }, RQ_BEGIN_REQUEST | RQ_END_REQUEST, 0);
        }
    }

    @Test
    void storedContextsAreKeptPerModuleAndReleasedWithTheirRequestOrApplication() throws Exception {
        server.handle("/*", (req, resp) -> resp.getWriter().print("ok"));
        server.moduleFilter("modules", "Stored=" + StoredContextModule.class.getName());
        server.start();

        // END_REQUEST and the request's cleanup run after the response is sent: the client can have it first.
        server.get("/one");
        server.events.await("request /one");
        server.get("/two");
        server.events.await("request /two");
        server.close();
        assertThat(server.events.all(), is(List.of("found true, second set refused", "request /one",
                "found true, second set refused", "request /two", "application after 2")));
    }

    /** Sets server variables at BEGIN_REQUEST: a header one and an IIS one. */
    public static final class VariableModule implements RegisterModule {
        @Override
        public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer server) {
            moduleInfo.setRequestNotifications(() -> new CHttpModule() {
                @Override
                public RequestNotificationStatus onBeginRequest(IHttpContext context, IHttpEventProvider provider) {
                    context.setServerVariable("HTTP_X_FORWARDED_PROTO", "https");
                    context.setServerVariable("Custom_Var", "value");
                    context.getResponse().setHeader("X-Seen", context.getServerVariable("CUSTOM_VAR") + ","
                            + context.getServerVariable("HTTP_X_FORWARDED_PROTO") + ","
                            + context.getServerVariable("SERVER_PORT_SECURE"), true);
                    return RQ_NOTIFICATION_CONTINUE;
                }
            }, RQ_BEGIN_REQUEST, 0);
        }
    }

    @Test
    void serverVariablesAModuleSetsReachOtherModulesAndTheServlet() throws Exception {
        server.handle("/vars", (req, resp) -> resp.getWriter().print(req.getHeader("X-Forwarded-Proto") + " "
                + req.getAttribute("io.iisport.serverVariable.CUSTOM_VAR")));
        server.moduleFilter("modules", "Vars=" + VariableModule.class.getName());
        server.start();

        HttpTester.Response response = server.get("/vars");
        assertThat(response.get("X-Seen"), is("value,https,0"));
        assertThat(response.getContent(), is("https value"));
    }

    /** Subscribes to the notification its setting names. */
    public static final class SubscribeModule implements RegisterModule {
        @Override
        public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer server)
                throws Exception {
            int mask = RequestNotification.class.getField(moduleInfo.getSettings().get("to", "")).getInt(null);
            moduleInfo.setRequestNotifications(() -> new CHttpModule() { }, mask, 0);
        }
    }

    @Test
    void aNotificationIisportNeverRaisesIsRefusedAtRegistration() {
        for (String never : List.of("RQ_READ_ENTITY", "RQ_MAP_PATH", "RQ_CUSTOM_NOTIFICATION")) {
            try (TestServer other = new TestServer()) {
                other.moduleFilter("modules", "Sub=" + SubscribeModule.class.getName(), "Sub.to", never);
                Exception failure = assertThrows(Exception.class, other::start);
                Throwable cause = failure;
                while (!(cause instanceof ServletException) && cause.getCause() != null) {
                    cause = cause.getCause();
                }
                assertThat(cause.getMessage(), containsString(never + " is never raised by the iisport filter"));
                assertThat(cause.getMessage(), not(containsString("null")));
            }
        }
    }

    /** Throws in OnSendResponse. */
    public static final class ThrowOnSendModule implements RegisterModule {
        @Override
        public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer server) {
            moduleInfo.setRequestNotifications(() -> new CHttpModule() {
                @Override
                public RequestNotificationStatus onSendResponse(IHttpContext context,
                        io.iisport.httpserv.ISendResponseProvider provider) {
                    throw new IllegalStateException("failing on purpose");
                }
            }, RequestNotification.RQ_SEND_RESPONSE, 0);
        }
    }

    @Test
    void aModuleFailingAtTheFirstFlushGivesTheErrorPageNotTheServletsHeaders() throws Exception {
        server.handle("/events", (req, resp) -> {
            resp.setContentType("text/event-stream");
            resp.getWriter().print("data: one\n\n");
            resp.flushBuffer();
            resp.getWriter().print("data: two\n\n");
            resp.flushBuffer();
        });
        server.moduleFilter("modules", "Throw=" + ThrowOnSendModule.class.getName());
        server.start();

        HttpTester.Response response = server.get("/events");
        assertThat(response.getStatus(), is(500));
        assertThat(response.get("Content-Type"), not(containsString("event-stream")));
        assertThat(response.getContent(), not(containsString("data:")));
    }
}
