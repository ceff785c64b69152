package io.iisport.sample.dynamicip;

import static io.iisport.httpserv.RequestNotification.RQ_BEGIN_REQUEST;
import static io.iisport.httpserv.RequestNotification.RQ_SEND_RESPONSE;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_FINISH_REQUEST;

import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpEventProvider;
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.IHttpResponse;
import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.ISendResponseProvider;
import io.iisport.httpserv.ModuleSettings;
import io.iisport.httpserv.PriorityAlias;
import io.iisport.httpserv.RegisterModule;
import io.iisport.httpserv.RequestNotificationStatus;
import io.iisport.sample.ErrorResponses;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A port of IIS Dynamic IP Restrictions ({@code <system.webServer><security><dynamicIpSecurity>}, with the deny
 * entries of {@code <ipSecurity>}): denies clients that open too many concurrent requests, that send too many
 * requests in an interval, or whose address is on the deny list.
 *
 * <p>Settings (init-params {@code <module name>.<setting>}, named after the IIS attributes):
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th><th>IIS attribute</th></tr>
 *   <tr><td>{@code denyByConcurrentRequests.enabled}</td><td>false</td><td>{@code denyByConcurrentRequests/@enabled}</td></tr>
 *   <tr><td>{@code denyByConcurrentRequests.maxConcurrentRequests}</td><td>5</td><td>{@code denyByConcurrentRequests/@maxConcurrentRequests}</td></tr>
 *   <tr><td>{@code denyByRequestRate.enabled}</td><td>false</td><td>{@code denyByRequestRate/@enabled}</td></tr>
 *   <tr><td>{@code denyByRequestRate.maxRequests}</td><td>20</td><td>{@code denyByRequestRate/@maxRequests}</td></tr>
 *   <tr><td>{@code denyByRequestRate.requestIntervalInMilliseconds}</td><td>200</td><td>{@code denyByRequestRate/@requestIntervalInMilliseconds}</td></tr>
 *   <tr><td>{@code denyAction}</td><td>Forbidden</td><td>{@code dynamicIpSecurity/@denyAction}: AbortRequest, Unauthorized, Forbidden or NotFound</td></tr>
 *   <tr><td>{@code enableLoggingOnlyMode}</td><td>false</td><td>{@code dynamicIpSecurity/@enableLoggingOnlyMode}: log what would be denied, deny nothing</td></tr>
 *   <tr><td>{@code enableProxyMode}</td><td>false</td><td>{@code dynamicIpSecurity/@enableProxyMode}: take the client address from the first
 *       {@code X-Forwarded-For} entry (only behind a proxy that sets it)</td></tr>
 *   <tr><td>{@code ipSecurity.deny}</td><td>(none)</td><td>{@code ipSecurity/add[@allowed='false']}: addresses and CIDR blocks, comma-separated</td></tr>
 *   <tr><td>{@code maxTrackedClients}</td><td>10000</td><td>(Java addition) how many client addresses are tracked before idle ones are evicted</td></tr>
 * </table>
 *
 * <p>A denied request gets, as in IIS: with {@code Forbidden}, 403.501 (too many concurrent requests), 403.502
 * (too many requests in the interval) or 403.503 (address denied); with {@code NotFound} 404; with
 * {@code Unauthorized} 401; with {@code AbortRequest} a connection reset ({@link IHttpResponse#resetConnection()}:
 * TCP RST, on HTTP/2 RST_STREAM CANCEL). Denials are logged at WARN, at most ten a second with a count of those
 * left out (at INFO in logging-only mode).
 *
 * <p>The module runs at {@code RQ_BEGIN_REQUEST} with priority FIRST. Requests are counted per client address
 * whether or not they are denied. A request's concurrency slot is released when its response is handed to the
 * client: at the final {@code RQ_SEND_RESPONSE} (the one without {@code HTTP_SEND_RESPONSE_FLAG_MORE_DATA}), which
 * the pipeline raises before it writes the last of the response, or just before an {@code AbortRequest} reset;
 * on the paths with neither (a handler that throws), when the module is disposed. It is not left to
 * {@code dispose()} alone, which runs only after the response went out: a client that waits for each response
 * before sending its next request would otherwise be counted twice now and then, and denied with 403.501 without
 * ever having more than one request in flight.
 */
public final class DynamicIpRestrictionModule implements RegisterModule {
    private static final Logger LOG = LoggerFactory.getLogger(DynamicIpRestrictionModule.class);
    /** Denials logged a second at most, so that an attack cannot flood the log; the others are counted. */
    static final int DENIALS_LOGGED_PER_SECOND = 10;

    /** IIS {@code denyAction} values. */
    public enum DenyAction {
        /** Reset the connection. */
        AbortRequest,
        /** 401. */
        Unauthorized,
        /** 403 with sub-status 501, 502 or 503. */
        Forbidden,
        /** 404. */
        NotFound
    }

    /** Why a request is denied, with the IIS 403 sub-status. */
    enum Denial {
        CONCURRENT(501, "too many concurrent requests from the same client IP (Dynamic IP Restriction)"),
        RATE(502, "too many requests from the same client IP within the interval (Dynamic IP Restriction)"),
        DENIED_ADDRESS(503, "the client IP address is included in the deny list");

        final int subStatus;
        final String description;

        Denial(int subStatus, String description) {
            this.subStatus = subStatus;
            this.description = description;
        }
    }

    /** The module configuration, read once at registration. */
    record Configuration(boolean denyByConcurrentRequests, int maxConcurrentRequests, boolean denyByRequestRate,
            int maxRequests, long requestIntervalInMilliseconds, DenyAction denyAction, boolean enableLoggingOnlyMode,
            boolean enableProxyMode, List<IpAddressRange> deniedAddresses, int maxTrackedClients) {

        static Configuration read(ModuleSettings settings) {
            List<IpAddressRange> denied = new ArrayList<>();
            for (String entry : settings.getList("ipSecurity.deny")) {
                try {
                    denied.add(IpAddressRange.parse(entry));
                } catch (IllegalArgumentException e) {
                    throw settings.invalid("ipSecurity.deny", entry, e.getMessage());
                }
            }
            return new Configuration(
                    settings.getBoolean("denyByConcurrentRequests.enabled", false),
                    (int) settings.getLong("denyByConcurrentRequests.maxConcurrentRequests", 5, 1, 100_000),
                    settings.getBoolean("denyByRequestRate.enabled", false),
                    (int) settings.getLong("denyByRequestRate.maxRequests", 20, 1, 1_000_000),
                    settings.getLong("denyByRequestRate.requestIntervalInMilliseconds", 200, 1, TimeUnit.DAYS.toMillis(1)),
                    settings.getEnum("denyAction", DenyAction.class, DenyAction.Forbidden),
                    settings.getBoolean("enableLoggingOnlyMode", false),
                    settings.getBoolean("enableProxyMode", false),
                    List.copyOf(denied),
                    (int) settings.getLong("maxTrackedClients", 10_000, 1, 10_000_000));
        }
    }

    @Override
    public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer globalInfo) {
        Configuration configuration = Configuration.read(moduleInfo.getSettings());
        ClientTracker tracker = new ClientTracker(configuration.maxTrackedClients(),
                configuration.requestIntervalInMilliseconds());
        String name = moduleInfo.getName();
        DenialLog denialLog = new DenialLog(DENIALS_LOGGED_PER_SECOND, System::currentTimeMillis);
        moduleInfo.setRequestNotifications(() -> new DynamicIpModule(name, configuration, tracker, denialLog),
                configuration.denyByConcurrentRequests() ? RQ_BEGIN_REQUEST | RQ_SEND_RESPONSE : RQ_BEGIN_REQUEST, 0);
        moduleInfo.setPriorityForRequestNotification(RQ_BEGIN_REQUEST, PriorityAlias.PRIORITY_ALIAS_FIRST);
        LOG.info("{}: {}", name, configuration);
    }

    /** The per-request module. */
    static final class DynamicIpModule extends CHttpModule {
        private final String name;
        private final Configuration configuration;
        private final ClientTracker tracker;
        private final DenialLog denialLog;
        /** The client whose concurrency slot this request holds until {@link #release()}; {@code null} if none. */
        private ClientTracker.Client holding;

        DynamicIpModule(String name, Configuration configuration, ClientTracker tracker, DenialLog denialLog) {
            this.name = name;
            this.configuration = configuration;
            this.tracker = tracker;
            this.denialLog = denialLog;
        }

        @Override
        public RequestNotificationStatus onBeginRequest(IHttpContext httpContext, IHttpEventProvider provider) {
            InetAddress address = clientAddress(httpContext);
            if (address == null) {
                return RQ_NOTIFICATION_CONTINUE;
            }
            Denial denial = null;
            for (IpAddressRange range : configuration.deniedAddresses()) {
                if (range.contains(address)) {
                    denial = Denial.DENIED_ADDRESS;
                    break;
                }
            }
            if (configuration.denyByConcurrentRequests() || configuration.denyByRequestRate()) {
                long now = TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
                ClientTracker.Client client = tracker.client(address.getHostAddress(), now);
                if (configuration.denyByConcurrentRequests()) {
                    holding = client;
                    int concurrent = client.concurrentRequests.incrementAndGet();
                    if (denial == null && concurrent > configuration.maxConcurrentRequests()) {
                        denial = Denial.CONCURRENT;
                    }
                }
                if (configuration.denyByRequestRate()) {
                    int inInterval = client.countRequest(now, configuration.requestIntervalInMilliseconds());
                    if (denial == null && inInterval > configuration.maxRequests()) {
                        denial = Denial.RATE;
                    }
                }
            }
            if (denial == null) {
                return RQ_NOTIFICATION_CONTINUE;
            }
            String url = httpContext.getRequest().getRawUrl();
            if (configuration.enableLoggingOnlyMode()) {
                LOG.info("{}: logging only: would deny {} {} from {} ({}), with {}", name,
                        httpContext.getRequest().getHttpMethod(), url, address.getHostAddress(), denial.description,
                        configuration.denyAction());
                return RQ_NOTIFICATION_CONTINUE;
            }
            long leftOut = denialLog.tryLog();
            if (leftOut >= 0) {
                LOG.warn("{}: denied {} {} from {} ({}), with {}{}", name, httpContext.getRequest().getHttpMethod(), url,
                        address.getHostAddress(), denial.description, configuration.denyAction(),
                        leftOut > 0 ? " (" + leftOut + " more denials not logged)" : "");
            }
            deny(httpContext.getResponse(), denial);
            return RQ_NOTIFICATION_FINISH_REQUEST;
        }

        private void deny(IHttpResponse response, Denial denial) {
            switch (configuration.denyAction()) {
                case AbortRequest:
                    // No final send follows a reset, and the client sees it at once.
                    release();
                    response.resetConnection();
                    break;
                case Unauthorized:
                    ErrorResponses.send(response, 401, "Unauthorized", 0, "Access is denied.");
                    break;
                case NotFound:
                    ErrorResponses.send(response, 404, "Not Found", 0,
                            "The resource you are looking for has been removed, had its name changed, or is temporarily unavailable.");
                    break;
                case Forbidden:
                default:
                    ErrorResponses.send(response, 403, "Forbidden", denial.subStatus, "Forbidden: " + denial.description + ".");
                    break;
            }
        }

        private InetAddress clientAddress(IHttpContext httpContext) {
            if (configuration.enableProxyMode()) {
                String forwarded = httpContext.getRequest().getHeader("X-Forwarded-For");
                if (forwarded != null) {
                    int comma = forwarded.indexOf(',');
                    InetAddress address = IpAddressRange.parseLiteral(comma < 0 ? forwarded : forwarded.substring(0, comma));
                    if (address != null) {
                        return address;
                    }
                }
            }
            InetSocketAddress remote = httpContext.getRequest().getRemoteAddress();
            if (remote != null && remote.getAddress() != null) {
                return remote.getAddress();
            }
            String remoteAddr = httpContext.getServerVariable("REMOTE_ADDR");
            return remoteAddr == null ? null : IpAddressRange.parseLiteral(remoteAddr);
        }

        /** The final send: the request no longer counts as in flight once its response goes to the client. */
        @Override
        public RequestNotificationStatus onSendResponse(IHttpContext httpContext, ISendResponseProvider provider) {
            if ((provider.getFlags() & ISendResponseProvider.HTTP_SEND_RESPONSE_FLAG_MORE_DATA) == 0) {
                release();
            }
            return RQ_NOTIFICATION_CONTINUE;
        }

        @Override
        public void dispose() {
            release();
        }

        /** Gives back the concurrency slot, once: the pipeline calls a request's notifications one at a time. */
        private void release() {
            if (holding != null) {
                holding.concurrentRequests.decrementAndGet();
                holding = null;
            }
        }
    }
}
