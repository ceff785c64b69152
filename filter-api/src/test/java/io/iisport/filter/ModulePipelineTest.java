package io.iisport.filter;

import static io.iisport.httpserv.RequestNotification.RQ_AUTHORIZE_REQUEST;
import static io.iisport.httpserv.RequestNotification.RQ_BEGIN_REQUEST;
import static io.iisport.httpserv.RequestNotification.RQ_END_REQUEST;
import static io.iisport.httpserv.RequestNotification.RQ_EXECUTE_REQUEST_HANDLER;
import static io.iisport.httpserv.RequestNotification.RQ_LOG_REQUEST;
import static io.iisport.httpserv.RequestNotification.RQ_RELEASE_REQUEST_STATE;
import static io.iisport.httpserv.RequestNotification.RQ_SEND_RESPONSE;
import static io.iisport.httpserv.RequestNotification.RQ_UPDATE_REQUEST_CACHE;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.ModuleSettings;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Which pipelines can see what the handler does (those with a module subscribed to a notification after it), and the
 * pipeline's timer of suspensions' own timeouts.
 */
class ModulePipelineTest {
    private static ModulePipeline pipeline(int... notificationsAndPosts) {
        RegisteredModule module = new RegisteredModule("M", new ModuleSettings("M", Map.of()));
        module.setRequestNotifications(() -> new CHttpModule() { }, notificationsAndPosts[0],
                notificationsAndPosts[1]);
        return new ModulePipeline(List.of(module), 4096);
    }

    @Test
    void notificationsBeforeTheHandlerDoNotEditItsOutput() {
        assertThat(pipeline(RQ_BEGIN_REQUEST | RQ_AUTHORIZE_REQUEST, RQ_BEGIN_REQUEST).editsHandlerOutput, is(false));
        // Modules subscribed to EXECUTE_REQUEST_HANDLER run before the servlet.
        assertThat(pipeline(RQ_EXECUTE_REQUEST_HANDLER, 0).editsHandlerOutput, is(false));
    }

    @Test
    void notificationsAfterTheResponseWasSentDoNotEditItsOutput() {
        // IIS sends the response before RQ_LOG_REQUEST: those modules read it as it was sent.
        assertThat(pipeline(RQ_LOG_REQUEST, 0).editsHandlerOutput, is(false));
        assertThat(pipeline(0, RQ_END_REQUEST).editsHandlerOutput, is(false));
        assertThat(pipeline(RQ_BEGIN_REQUEST | RQ_LOG_REQUEST | RQ_END_REQUEST, RQ_LOG_REQUEST).editsHandlerOutput,
                is(false));
    }

    @Test
    void everyNotificationBetweenTheHandlersStartAndTheSendEditsItsOutput() {
        assertThat(pipeline(0, RQ_EXECUTE_REQUEST_HANDLER).editsHandlerOutput, is(true));
        assertThat(pipeline(RQ_RELEASE_REQUEST_STATE, 0).editsHandlerOutput, is(true));
        assertThat(pipeline(0, RQ_UPDATE_REQUEST_CACHE).editsHandlerOutput, is(true));
        assertThat(pipeline(RQ_SEND_RESPONSE, 0).editsHandlerOutput, is(true));
        assertThat(pipeline(RQ_SEND_RESPONSE | RQ_END_REQUEST, 0).editsHandlerOutput, is(true));
    }

    /**
     * The timer of suspensions' own timeouts runs what is scheduled on one daemon thread of its own, and stops with
     * the pipeline: that thread is gone once {@code terminate()} returned, and later schedules are refused.
     */
    @Test
    void theTimerRunsOnItsOwnDaemonThreadUntilThePipelineTerminates() throws Exception {
        ModulePipeline pipeline = pipeline(RQ_LOG_REQUEST, 0);
        CompletableFuture<Thread> ran = new CompletableFuture<>();
        assertThat(pipeline.schedule(() -> ran.complete(Thread.currentThread()), 10), is(notNullValue()));
        Thread timer = ran.get(10, TimeUnit.SECONDS);
        assertThat(timer.getName(), is("iisport-pending-timeout"));
        assertThat(timer.isDaemon(), is(true));
        pipeline.terminate();
        assertThat("the timer thread ended", timer.isAlive(), is(false));
        assertThat(pipeline.schedule(() -> { }, 10), is(nullValue()));
    }
}
