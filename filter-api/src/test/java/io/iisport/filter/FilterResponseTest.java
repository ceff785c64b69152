package io.iisport.filter;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.sameInstance;

import io.iisport.httpserv.HttpDataChunk;
import io.iisport.spi.ConnectionBridge;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** When the filter's response objects are built, and what the output built after the handler started does. */
class FilterResponseTest {
    private final MockHttpServletRequest request = new MockHttpServletRequest("GET", "/page");
    private final MockHttpServletResponse real = new MockHttpServletResponse();

    private FilterResponse filterResponse() {
        IisRequest iisRequest = new IisRequest(request, null, FilterSettings.DEFAULT_REQUEST_BODY_LIMIT);
        return new FilterResponse(real, iisRequest, new Degradation("test"), new ModulePipeline(List.of(), 4096),
                (headersBeingSent, moreData) -> {
                    throw new AssertionError("no module is subscribed to RQ_SEND_RESPONSE");
                });
    }

    @Test
    void nothingIsBuiltUntilSomethingNeedsTheResponse() {
        FilterResponse response = filterResponse();
        assertThat(response.ifBuilt(), nullValue());
        assertThat(response.untouched(), is(true));

        FilterResponse.Parts parts = response.get();

        assertThat(response.ifBuilt(), sameInstance(parts));
        assertThat(response.get(), sameInstance(parts));
        assertThat(response.untouched(), is(true));
        parts.modules().setStatus(403, "Forbidden");
        assertThat(response.untouched(), is(false));
    }

    @Test
    void theContainerSendsOnlyAResponseTheHandlerWroteToItself() {
        FilterResponse buffered = filterResponse();
        assertThat("a module finished the request without looking at the response: the filter sends",
                buffered.containerSends(), is(false));

        FilterResponse direct = filterResponse();
        direct.handToContainer();
        assertThat(direct.containerSends(), is(true));
        assertThat("nothing built for it", direct.ifBuilt(), nullValue());
        assertThat("once", direct.containerSends(), is(false));
    }

    @Test
    void onceTheContainerSendsTheHandlersResponseAModuleReadsItAndChangesNothing() throws IOException {
        // RQ_LOG_REQUEST after a handler that wrote to the container's own response: IIS has sent the response by
        // then, so a module reads it as it is and its changes go nowhere, whether it built its objects before or after.
        real.setStatus(201);
        real.setHeader("X-Servlet", "yes");
        real.getOutputStream().write("servlet".getBytes(StandardCharsets.US_ASCII));
        FilterResponse builtBefore = filterResponse();
        FilterResponse.Parts early = builtBefore.get();
        builtBefore.handToContainer();
        builtBefore.containerSends();
        FilterResponse builtAfter = filterResponse();
        builtAfter.handToContainer();
        builtAfter.containerSends();
        FilterResponse.Parts late = builtAfter.get();

        for (FilterResponse.Parts parts : List.of(early, late)) {
            assertThat(parts.modules().getStatus(), is(201));
            assertThat(parts.modules().getHeader("X-Servlet"), is("yes"));
            parts.modules().setHeader("X-Late", "1", true);
            parts.modules().setStatus(503, "Late");
            parts.modules().clear();
            parts.modules().writeEntityChunks(new HttpDataChunk[] {HttpDataChunk.fromMemory(
                    "module".getBytes(StandardCharsets.US_ASCII))}, false, false);
            parts.modules().flush(false, true);
            assertThat(parts.output().isCompleted(), is(true));
        }
        assertThat(real.getHeader("X-Late"), nullValue());
        assertThat(real.getStatus(), is(201));
        assertThat(real.getContentAsString(), is("servlet"));
        assertThat("the container commits it when it completes the request", real.isCommitted(), is(false));
    }

    @Test
    void afterTheRequestEndedAModulesLateCallsReachNothingOfTheContainersResponse() throws IOException {
        // The container may now recycle its response for another request: nothing of a module's thread reaches it.
        FilterResponse builtBefore = filterResponse();
        builtBefore.handToContainer();
        FilterResponse.Parts early = builtBefore.get();
        builtBefore.requestEnded();
        FilterResponse builtAfter = filterResponse();
        builtAfter.handToContainer();
        builtAfter.requestEnded();
        FilterResponse.Parts late = builtAfter.get();

        for (FilterResponse.Parts parts : List.of(early, late)) {
            parts.modules().setHeader("X-Late", "1", true);
            parts.modules().setStatus(503, "Late");
            parts.modules().clearHeaders();
            parts.servlet().getOutputStream().write("late".getBytes(StandardCharsets.US_ASCII));
            parts.modules().flush(false, true);
            assertThat(parts.output().discarding(), is(true));
        }
        assertThat(real.getHeader("X-Late"), nullValue());
        assertThat(real.getStatus(), is(200));
        assertThat(real.getContentAsString(), is(""));
        assertThat(real.isCommitted(), is(false));
    }

    @Test
    void theConnectionActionsAreBuiltWithTheResponseAndDoNothingOnceTheRequestEnded() throws IOException {
        List<String> calls = new ArrayList<>();
        request.setAttribute(ConnectionBridge.DISCONNECT_ATTRIBUTE, (Runnable) () -> calls.add("disconnect"));
        request.setAttribute(ConnectionBridge.CLOSE_ATTRIBUTE, (Runnable) () -> calls.add("close"));
        request.setAttribute(ConnectionBridge.RESET_ATTRIBUTE, (IntConsumer) code -> calls.add("reset " + code));
        FilterResponse untouched = filterResponse();
        assertThat("no module asked for an action: none to end", untouched.connectionIfBuilt(), nullValue());

        // Built before the end, or by a module's thread once it ended: the container may recycle its request for
        // another one, whose actions a late call must not reach.
        FilterResponse builtBefore = filterResponse();
        FilterResponse.Parts early = builtBefore.get();
        assertThat(builtBefore.connectionIfBuilt(), sameInstance(early.connection()));
        builtBefore.requestEnded();
        FilterResponse builtAfter = filterResponse();
        builtAfter.requestEnded();
        FilterResponse.Parts late = builtAfter.get();

        for (FilterResponse.Parts parts : List.of(early, late)) {
            parts.modules().setNeedDisconnect();
            parts.modules().closeConnection();
            parts.modules().resetConnection();
            assertThat(parts.connection().leavesResponseAlone(), is(true));
        }
        assertThat(calls, is(List.of()));
    }

    @Test
    void anOutputBuiltAfterTheHandlerGotTheContainersResponseWritesThere() throws IOException {
        FilterResponse response = filterResponse();
        response.handToContainer();

        FilterResponse.Parts parts = response.get();
        parts.servlet().getOutputStream().write("late".getBytes(StandardCharsets.US_ASCII));

        assertThat(real.getContentAsString(), is("late"));
        assertThat(response.containerSends(), is(true));
        assertThat(parts.output().isCompleted(), is(true));
    }

    @Test
    void anOutputBuiltBeforeTheHandlerGotTheContainersResponseIsHandedOverToo() throws IOException {
        FilterResponse response = filterResponse();
        FilterResponse.Parts parts = response.get();

        response.handToContainer();
        parts.servlet().getOutputStream().write("direct".getBytes(StandardCharsets.US_ASCII));

        assertThat(real.getContentAsString(), is("direct"));
    }

    @Test
    void threadsAskingAtOnceGetTheSameObjects() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            for (int attempt = 0; attempt < 50; attempt++) {
                FilterResponse response = filterResponse();
                CountDownLatch start = new CountDownLatch(1);
                List<Future<FilterResponse.Parts>> asked = threads.invokeAll(List.of(
                        () -> {
                            start.await();
                            return response.get();
                        },
                        () -> {
                            start.await();
                            return response.get();
                        },
                        () -> {
                            start.countDown();
                            return response.get();
                        }), 10, TimeUnit.SECONDS);
                FilterResponse.Parts first = asked.get(0).get();
                for (Future<FilterResponse.Parts> parts : asked) {
                    assertThat(parts.get(), sameInstance(first));
                }
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
