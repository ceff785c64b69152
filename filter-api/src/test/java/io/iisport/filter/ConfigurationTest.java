package io.iisport.filter;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.IHttpModuleFactory;
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.RegisterModule;
import io.iisport.httpserv.RequestNotification;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;

/** web.xml configuration: every kind of wrong value fails init with a message naming the param, value and reason. */
class ConfigurationTest {
    private static final String RECORDER = Recorder.class.getName();

    static FilterConfig config(String... params) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < params.length; i += 2) {
            map.put(params[i], params[i + 1]);
        }
        FilterConfig config = mock(FilterConfig.class);
        when(config.getFilterName()).thenReturn("iis-modules");
        ServletContext context = mock(ServletContext.class);
        when(context.getAttribute(Events.ATTRIBUTE)).thenReturn(new Events()); // where Recorder modules record
        when(config.getServletContext()).thenReturn(context);
        when(config.getInitParameterNames()).thenAnswer(i -> Collections.enumeration(map.keySet()));
        when(config.getInitParameter(org.mockito.ArgumentMatchers.anyString())).thenAnswer(i -> map.get(i.<String>getArgument(0)));
        return config;
    }

    static Stream<Arguments> wrongConfigurations() {
        return Stream.of(
                Arguments.of(Named.of("no modules param", new String[] {}), new String[] {"'modules'", "is required"}),
                Arguments.of(Named.of("blank modules", new String[] {"modules", "  \n "}), new String[] {"'modules'", "is required"}),
                Arguments.of(Named.of("entry without =", new String[] {"modules", "Foo"}), new String[] {"'modules'", "'Foo'", "not name=class"}),
                Arguments.of(Named.of("bad module name", new String[] {"modules", "a.b=" + RECORDER}), new String[] {"'modules'", "module name 'a.b'"}),
                Arguments.of(Named.of("missing class", new String[] {"modules", "X=com.example.Missing"}),
                        new String[] {"'modules'", "X=com.example.Missing", "cannot be loaded"}),
                Arguments.of(Named.of("not a RegisterModule", new String[] {"modules", "X=java.lang.String"}),
                        new String[] {"'modules'", "X=java.lang.String", "does not implement io.iisport.httpserv.RegisterModule"}),
                Arguments.of(Named.of("no public constructor", new String[] {"modules", "X=" + NoConstructor.class.getName()}),
                        new String[] {"'modules'", "no public no-argument constructor"}),
                Arguments.of(Named.of("registration throws", new String[] {"modules", "X=" + Failing.class.getName()}),
                        new String[] {"'modules'", "X=" + Failing.class.getName(), "registration failed: no database"}),
                Arguments.of(Named.of("no subscription", new String[] {"modules", "X=" + Silent.class.getName()}),
                        new String[] {"'modules'", "called neither setRequestNotifications nor setGlobalNotifications"}),
                Arguments.of(Named.of("duplicate name", new String[] {"modules", "A=" + RECORDER + "\na=" + RECORDER}),
                        new String[] {"'modules'", "'a=" + RECORDER + "' repeats the module name 'A' of an earlier entry"}),
                Arguments.of(Named.of("non-numeric limit", new String[] {"modules", "A=" + RECORDER, "responseBufferLimit", "4MB"}),
                        new String[] {"'responseBufferLimit'", "'4MB'", "not a whole number"}),
                Arguments.of(Named.of("negative limit", new String[] {"modules", "A=" + RECORDER, "responseBufferLimit", "-1"}),
                        new String[] {"'responseBufferLimit'", "'-1'", "must be from 0"}),
                Arguments.of(Named.of("limit too large", new String[] {"modules", "A=" + RECORDER, "responseBufferLimit", "99999999999"}),
                        new String[] {"'responseBufferLimit'", "'99999999999'"}),
                Arguments.of(Named.of("non-numeric request body limit", new String[] {"modules", "A=" + RECORDER, "requestBodyLimit", "64k"}),
                        new String[] {"'requestBodyLimit'", "'64k'", "not a whole number"}),
                Arguments.of(Named.of("negative request body limit", new String[] {"modules", "A=" + RECORDER, "requestBodyLimit", "-5"}),
                        new String[] {"'requestBodyLimit'", "'-5'", "must be from 0"}),
                Arguments.of(Named.of("pending timeout with a unit", new String[] {"modules", "A=" + RECORDER, "pendingTimeout", "5s"}),
                        new String[] {"'pendingTimeout'", "'5s'", "not a whole number of milliseconds"}),
                Arguments.of(Named.of("negative pending timeout", new String[] {"modules", "A=" + RECORDER, "pendingTimeout", "-1"}),
                        new String[] {"'pendingTimeout'", "'-1'", "must be from 0 (no limit) to 2147483647 milliseconds"}),
                Arguments.of(Named.of("pending timeout too large", new String[] {"modules", "A=" + RECORDER, "pendingTimeout", "2147483648"}),
                        new String[] {"'pendingTimeout'", "'2147483648'", "must be from 0"}),
                Arguments.of(Named.of("filters around not a choice", new String[] {"modules", "A=" + RECORDER, "filtersAround", "yes"}),
                        new String[] {"'filtersAround'", "'yes'", "must be auto, ignore or present"}),
                Arguments.of(Named.of("unknown param", new String[] {"modules", "A=" + RECORDER, "bufferLimit", "10"}),
                        new String[] {"'bufferLimit'", "'10'", "is unknown", "pendingTimeout", "filtersAround"}),
                Arguments.of(Named.of("setting of an unknown module", new String[] {"modules", "A=" + RECORDER, "B.priority", "LOW"}),
                        new String[] {"'B.priority'", "'LOW'", "is unknown"}),
                Arguments.of(Named.of("setting no module reads", new String[] {"modules", "A=" + RECORDER, "A.colour", "red"}),
                        new String[] {"'A.colour'", "'red'", "does not read a setting 'colour'"}),
                Arguments.of(Named.of("bad priority alias", new String[] {"modules", "A=" + RECORDER, "A.priority", "URGENT"}),
                        new String[] {"'modules'", "unknown priority alias 'URGENT'"}),
                Arguments.of(Named.of("CR/LF in a value is shown escaped", new String[] {"modules", "A=" + RECORDER, "responseBufferLimit", "1\r\nX: y"}),
                        new String[] {"'responseBufferLimit'", "1\\r\\nX: y"}));
    }

    @ParameterizedTest
    @MethodSource("wrongConfigurations")
    void aWrongConfigurationFailsInitNamingParamValueAndReason(String[] params, String[] expected) {
        IisModuleFilter filter = new IisModuleFilter();
        ServletException e = assertThrows(ServletException.class, () -> filter.init(config(params)));
        for (String part : expected) {
            assertThat(e.getMessage(), containsString(part));
        }
        assertThat(e.getMessage(), containsString("iisport filter 'iis-modules'"));
    }

    @Test
    void destroyAfterAFailedInitDoesNothing() {
        IisModuleFilter filter = new IisModuleFilter();
        FilterConfig config = config("modules", "X=" + Failing.class.getName());
        assertThrows(ServletException.class, () -> filter.init(config));
        filter.destroy();
        org.mockito.Mockito.verify(config.getServletContext(), org.mockito.Mockito.never())
                .setAttribute(org.mockito.ArgumentMatchers.anyString(), org.mockito.ArgumentMatchers.any());
        org.mockito.Mockito.verify(config.getServletContext(), org.mockito.Mockito.never())
                .removeAttribute(org.mockito.ArgumentMatchers.any());
        assertThat(filter.getDegradedCallCount(), is(0L));
    }

    @Test
    void registrationErrorsKeepTheirCause() {
        ServletException e = assertThrows(ServletException.class,
                () -> new IisModuleFilter().init(config("modules", "X=" + Failing.class.getName())));
        assertThat(e.getCause().getMessage(), is("no database"));
    }

    @Test
    void aModuleSettingWithAWrongValueNamesTheSetting() {
        ServletException e = assertThrows(ServletException.class, () -> new IisModuleFilter().init(
                config("modules", "Limit=" + Typed.class.getName(), "Limit.maxRequests", "lots")));
        assertThat(e.getMessage(), allOf(containsString("init-param 'Limit.maxRequests' has value 'lots'"),
                containsString("expected a whole number")));
    }

    @Test
    void whenALaterModuleFailsTheEarlierFactoriesAreTerminated() {
        Terminating.TERMINATED.set(0);
        assertThrows(ServletException.class, () -> new IisModuleFilter().init(config("modules",
                "T=" + Terminating.class.getName() + "\nX=" + Failing.class.getName())));
        assertThat(Terminating.TERMINATED.get(), is(1));
    }

    @Test
    void destroyTerminatesEveryFactoryOnce() throws Exception {
        Terminating.TERMINATED.set(0);
        IisModuleFilter filter = new IisModuleFilter();
        filter.init(config("modules", "T=" + Terminating.class.getName() + ", U=" + Terminating.class.getName(),
                "responseBufferLimit", "0"));
        filter.destroy();
        assertThat(Terminating.TERMINATED.get(), is(2));
    }

    @Test
    void commentsBlankLinesAndCommasAreAccepted() throws Exception {
        IisModuleFilter filter = new IisModuleFilter();
        filter.init(config("modules", "\n  # the recorder\n  A = " + RECORDER + "  # trailing comment\n\n B=" + RECORDER + ",",
                "A.priority", "HIGH"));
        filter.destroy();
    }

    public static final class NoConstructor implements RegisterModule {
        private NoConstructor() {
        }

        @Override
        public void registerModule(int v, IHttpModuleRegistrationInfo info, IHttpServer server) {
        }
    }

    public static final class Failing implements RegisterModule {
        @Override
        public void registerModule(int v, IHttpModuleRegistrationInfo info, IHttpServer server) throws Exception {
            throw new java.io.IOException("no database");
        }
    }

    public static final class Silent implements RegisterModule {
        @Override
        public void registerModule(int v, IHttpModuleRegistrationInfo info, IHttpServer server) {
        }
    }

    public static final class Typed implements RegisterModule {
        @Override
        public void registerModule(int v, IHttpModuleRegistrationInfo info, IHttpServer server) {
            info.getSettings().getLong("maxRequests", 20, 1, 1000);
            info.setRequestNotifications(() -> new CHttpModule() { }, RequestNotification.RQ_BEGIN_REQUEST, 0);
        }
    }

    public static final class Terminating implements RegisterModule {
        static final AtomicInteger TERMINATED = new AtomicInteger();

        @Override
        public void registerModule(int v, IHttpModuleRegistrationInfo info, IHttpServer server) {
            info.setRequestNotifications(new IHttpModuleFactory() {
                @Override
                public CHttpModule getHttpModule() {
                    return new CHttpModule() { };
                }

                @Override
                public void terminate() {
                    TERMINATED.incrementAndGet();
                }
            }, RequestNotification.RQ_BEGIN_REQUEST, 0);
        }
    }
}
