package io.iisport.sample.logging;

import static io.iisport.httpserv.RequestNotification.RQ_BEGIN_REQUEST;
import static io.iisport.httpserv.RequestNotification.RQ_LOG_REQUEST;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;

import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpEventProvider;
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.IHttpResponse;
import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.ModuleSettings;
import io.iisport.httpserv.PriorityAlias;
import io.iisport.httpserv.RegisterModule;
import io.iisport.httpserv.RequestNotificationStatus;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A port of the IIS HTTP logging module ({@code <system.webServer><httpLogging>}): at {@code RQ_LOG_REQUEST}, which
 * runs even when another module ended the request with {@code RQ_NOTIFICATION_FINISH_REQUEST}, it writes one line
 * per request through SLF4J (logger {@code io.iisport.sample.logging.HttpLoggingModule}, level INFO) with the W3C
 * fields IIS logs by default:
 * {@code cs-method cs-uri-stem cs-uri-query c-ip cs-version sc-status sc-substatus time-taken}.
 *
 * <p>Settings: {@code dontLog} (false) turns logging off; {@code selectiveLogging} (LogAll) is one of LogAll,
 * LogSuccessful (status below 400) and LogError (400 and above), as in IIS.
 */
public final class HttpLoggingModule implements RegisterModule {
    private static final Logger LOG = LoggerFactory.getLogger(HttpLoggingModule.class);

    /** IIS {@code selectiveLogging} values. */
    public enum SelectiveLogging {
        /** Every request. */
        LogAll,
        /** Requests with a status below 400. */
        LogSuccessful,
        /** Requests with a status of 400 or more. */
        LogError
    }

    @Override
    public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer globalInfo) {
        ModuleSettings settings = moduleInfo.getSettings();
        boolean dontLog = settings.getBoolean("dontLog", false);
        SelectiveLogging selective = settings.getEnum("selectiveLogging", SelectiveLogging.class, SelectiveLogging.LogAll);
        moduleInfo.setRequestNotifications(() -> new LoggingModule(dontLog, selective), RQ_BEGIN_REQUEST | RQ_LOG_REQUEST, 0);
        // Sees the request first, so that time-taken covers the other modules too.
        moduleInfo.setPriorityForRequestNotification(RQ_BEGIN_REQUEST, PriorityAlias.PRIORITY_ALIAS_FIRST);
    }

    /** The per-request module. */
    static final class LoggingModule extends CHttpModule {
        private final boolean dontLog;
        private final SelectiveLogging selective;
        private long start;

        LoggingModule(boolean dontLog, SelectiveLogging selective) {
            this.dontLog = dontLog;
            this.selective = selective;
        }

        @Override
        public RequestNotificationStatus onBeginRequest(IHttpContext httpContext, IHttpEventProvider provider) {
            start = System.nanoTime();
            return RQ_NOTIFICATION_CONTINUE;
        }

        @Override
        public RequestNotificationStatus onLogRequest(IHttpContext httpContext, IHttpEventProvider provider) {
            IHttpResponse response = httpContext.getResponse();
            int status = response.getStatus();
            boolean selected = switch (selective) {
                case LogSuccessful -> status < 400;
                case LogError -> status >= 400;
                default -> true;
            };
            if (dontLog || !selected || !LOG.isInfoEnabled()) {
                return RQ_NOTIFICATION_CONTINUE;
            }
            String url = httpContext.getServerVariable("URL");
            String query = httpContext.getServerVariable("QUERY_STRING");
            LOG.info("{} {} {} {} {} {} {} {}",
                    httpContext.getRequest().getHttpMethod(),
                    dash(url),
                    dash(query),
                    dash(httpContext.getServerVariable("REMOTE_ADDR")),
                    httpContext.getRequest().getHttpVersion(),
                    status,
                    response.getSubStatus(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            return RQ_NOTIFICATION_CONTINUE;
        }

        private static String dash(String value) {
            return value == null || value.isEmpty() ? "-" : value.replace(' ', '+');
        }
    }
}
