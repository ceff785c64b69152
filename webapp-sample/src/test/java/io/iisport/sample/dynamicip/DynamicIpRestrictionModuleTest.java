package io.iisport.sample.dynamicip;

import static io.iisport.httpserv.RequestNotification.RQ_BEGIN_REQUEST;
import static io.iisport.httpserv.RequestNotification.RQ_SEND_RESPONSE;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_FINISH_REQUEST;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import io.iisport.httpserv.CGlobalModule;
import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpModuleFactory;
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.IHttpRequest;
import io.iisport.httpserv.IHttpResponse;
import io.iisport.httpserv.ISendResponseProvider;
import io.iisport.httpserv.ModuleSettings;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * When a request gives back its concurrency slot: at the final send, before the response reaches the client, so
 * that a client sending its requests one after the other is never counted twice.
 */
class DynamicIpRestrictionModuleTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress("192.0.2.1", 50_000);

    /** The module registered with one concurrent request allowed per client: its factory and subscriptions. */
    private static final class Registration implements IHttpModuleRegistrationInfo {
        IHttpModuleFactory factory;
        int notifications;

        Registration() {
            new DynamicIpRestrictionModule().registerModule(0, this, null);
        }

        @Override
        public String getName() {
            return "DynamicIpRestriction";
        }

        @Override
        public ModuleSettings getSettings() {
            return new ModuleSettings(getName(), Map.of("denyByConcurrentRequests.enabled", "true",
                    "denyByConcurrentRequests.maxConcurrentRequests", "1"));
        }

        @Override
        public void setRequestNotifications(IHttpModuleFactory moduleFactory, int requestNotifications,
                int postRequestNotifications) {
            factory = moduleFactory;
            notifications = requestNotifications;
        }

        @Override
        public void setPriorityForRequestNotification(int requestNotification, String priority) {
        }

        @Override
        public void setGlobalNotifications(CGlobalModule globalModule, int globalNotifications) {
            throw new AssertionError("the module registers no global notification");
        }

        @Override
        public void setPriorityForGlobalNotification(int globalNotification, String priority) {
            throw new AssertionError("the module registers no global notification");
        }
    }

    /** A stand-in whose methods answer from the map by name, else with the return type's default value. */
    private static <T> T fake(Class<T> type, Map<String, Object> answers) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (answers.containsKey(method.getName())) {
                return answers.get(method.getName());
            }
            Class<?> returned = method.getReturnType();
            if (returned == boolean.class) {
                return false;
            }
            if (returned == int.class) {
                return 0;
            }
            if (returned == long.class) {
                return 0L;
            }
            return null;
        }));
    }

    private static final IHttpContext CONTEXT = fake(IHttpContext.class, Map.of(
            "getRequest", fake(IHttpRequest.class, Map.of("getHttpMethod", "GET", "getRawUrl", "/",
                    "getRemoteAddress", CLIENT)),
            "getResponse", fake(IHttpResponse.class, Map.of())));

    private static ISendResponseProvider send(int flags) {
        return fake(ISendResponseProvider.class, Map.of("getFlags", flags));
    }

    @Test
    void theSlotIsGivenBackAtTheFinalSendBeforeDispose() {
        Registration registration = new Registration();
        assertThat(registration.notifications, is(RQ_BEGIN_REQUEST | RQ_SEND_RESPONSE));
        CHttpModule first = registration.factory.getHttpModule();
        assertThat(first.onBeginRequest(CONTEXT, null), is(RQ_NOTIFICATION_CONTINUE));

        // A send with more data to come: the first request is still in flight.
        first.onSendResponse(CONTEXT, send(ISendResponseProvider.HTTP_SEND_RESPONSE_FLAG_MORE_DATA));
        CHttpModule concurrent = registration.factory.getHttpModule();
        assertThat(concurrent.onBeginRequest(CONTEXT, null), is(RQ_NOTIFICATION_FINISH_REQUEST));
        concurrent.onSendResponse(CONTEXT, send(0));
        concurrent.dispose();

        // The final send: the response goes to the client, which may send its next request before the first
        // request's module is disposed. That one is not concurrent.
        first.onSendResponse(CONTEXT, send(0));
        CHttpModule next = registration.factory.getHttpModule();
        assertThat(next.onBeginRequest(CONTEXT, null), is(RQ_NOTIFICATION_CONTINUE));

        // Disposing the first request does not give its slot back twice.
        first.dispose();
        CHttpModule another = registration.factory.getHttpModule();
        assertThat(another.onBeginRequest(CONTEXT, null), is(RQ_NOTIFICATION_FINISH_REQUEST));
        another.dispose();
        next.dispose();
        CHttpModule last = registration.factory.getHttpModule();
        assertThat(last.onBeginRequest(CONTEXT, null), is(RQ_NOTIFICATION_CONTINUE));
        last.dispose();
    }

    @Test
    void aRequestWithoutFinalSendGivesTheSlotBackWhenDisposed() {
        Registration registration = new Registration();
        CHttpModule failed = registration.factory.getHttpModule();
        assertThat(failed.onBeginRequest(CONTEXT, null), is(RQ_NOTIFICATION_CONTINUE));
        failed.dispose();
        CHttpModule next = registration.factory.getHttpModule();
        assertThat(next.onBeginRequest(CONTEXT, null), is(RQ_NOTIFICATION_CONTINUE));
        next.dispose();
    }
}
