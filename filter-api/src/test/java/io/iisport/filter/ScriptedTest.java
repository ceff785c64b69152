package io.iisport.filter;

import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.iisport.httpserv.RequestNotification;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The test fixtures themselves: a scripted step runs for every notification, or scripting it fails. */
class ScriptedTest {
    private TestServer server;

    @BeforeEach
    void setUp() {
        server = new TestServer();
        server.handle("/*", (req, resp) -> resp.getWriter().print("ok"));
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    @Test
    void aStepScriptedForAnyNotificationTheFilterRaisesRuns() throws Exception {
        Scripted.Script script = server.scripted("Every");
        List<String> expected = new ArrayList<>();
        for (Stage stage : Stage.values()) {
            String name = RequestNotification.nameOf(stage.mask);
            script.on(stage.mask, (c, p) -> {
                server.events.add(name);
                return RQ_NOTIFICATION_CONTINUE;
            });
            expected.add(name);
            if (stage.hasPost()) {
                script.onPost(stage.mask, (c, p) -> {
                    server.events.add(name + "/post");
                    return RQ_NOTIFICATION_CONTINUE;
                });
                expected.add(name + "/post");
            }
        }
        server.scriptedFilter(new IisModuleFilter(), script);
        server.start();

        assertThat(server.get("/page").getContent(), is("ok"));
        server.events.await("RQ_END_REQUEST/post");
        assertThat(expected.size(), is(25));
        assertThat(server.events.all(), containsInAnyOrder(expected.toArray()));
    }

    @Test
    void aStepThatCouldNeverRunIsRefusedWhenScripted() throws Exception {
        Scripted.Script script = server.scripted("M");
        Scripted.Step step = (c, p) -> RQ_NOTIFICATION_CONTINUE;
        assertThat(assertThrows(IllegalArgumentException.class,
                () -> script.on(RequestNotification.RQ_READ_ENTITY, step)).getMessage(),
                containsString("never raises RQ_READ_ENTITY"));
        assertThat(assertThrows(IllegalArgumentException.class,
                () -> script.onPost(RequestNotification.RQ_SEND_RESPONSE, step)).getMessage(),
                containsString("RQ_SEND_RESPONSE has no post-notification"));
        assertThrows(IllegalArgumentException.class,
                () -> script.on(RequestNotification.RQ_BEGIN_REQUEST | RequestNotification.RQ_END_REQUEST, step));

        server.scriptedFilter(new IisModuleFilter(), script);
        server.start();
        assertThat(assertThrows(IllegalStateException.class,
                () -> script.on(RequestNotification.RQ_BEGIN_REQUEST, step)).getMessage(),
                containsString("module M registered already"));
    }

    @Test
    void eachServerHasItsOwnEventLogAndScripts() throws Exception {
        try (TestServer other = new TestServer()) {
            server.events.add("here");
            assertThat(other.events.all(), is(List.of()));
            assertThat(other.scripted("M") == server.scripted("M"), is(false));
        }
    }
}
