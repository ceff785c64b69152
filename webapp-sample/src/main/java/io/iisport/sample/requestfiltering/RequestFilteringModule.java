package io.iisport.sample.requestfiltering;

import static io.iisport.httpserv.RequestNotification.RQ_BEGIN_REQUEST;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_FINISH_REQUEST;

import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpEventProvider;
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.IHttpRequest;
import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.ModuleSettings;
import io.iisport.httpserv.PriorityAlias;
import io.iisport.httpserv.RegisterModule;
import io.iisport.httpserv.RequestNotificationStatus;
import io.iisport.sample.ErrorResponses;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A port of IIS Request Filtering ({@code <system.webServer><security><requestFiltering>}): rejects requests by
 * length, verb, URL sequence, file extension and hidden segment with the 404 sub-statuses IIS uses. The request is
 * still logged: the sub-status is on the response for {@code RQ_LOG_REQUEST} modules (see
 * {@link io.iisport.sample.logging.HttpLoggingModule}), and each rejection is logged at INFO here.
 *
 * <p>Settings (init-params {@code <module name>.<setting>}, named after the IIS elements and attributes; lists are
 * comma-separated, matched ignoring case):
 * <table>
 *   <caption>Settings, in the order they are checked</caption>
 *   <tr><th>setting</th><th>default</th><th>rejected with</th></tr>
 *   <tr><td>{@code requestLimits.maxUrl}: longest URL path, in bytes as received</td><td>4096</td><td>404.14</td></tr>
 *   <tr><td>{@code requestLimits.maxQueryString}: longest query string, in bytes as received</td><td>2048</td><td>404.15</td></tr>
 *   <tr><td>{@code requestLimits.maxAllowedContentLength}: largest declared {@code Content-Length}</td><td>30000000</td><td>404.13</td></tr>
 *   <tr><td>{@code verbs.deny}: denied methods; {@code verbs.allowUnlisted} (true), {@code verbs.allow}</td><td>(none)</td><td>404.6</td></tr>
 *   <tr><td>{@code denyUrlSequences}: substrings of the URL path, as received or decoded</td><td>(none)</td><td>404.5</td></tr>
 *   <tr><td>{@code fileExtensions.deny}: extensions of the last path segment, with the dot ({@code .} for a segment
 *       without one); {@code fileExtensions.allowUnlisted} (true), {@code fileExtensions.allow}</td><td>(none)</td><td>404.7</td></tr>
 *   <tr><td>{@code hiddenSegments}: whole path segments</td><td>(none)</td><td>404.8</td></tr>
 * </table>
 * A file extension without a leading dot, or a verb that is no HTTP token, fails the deployment.
 */
public final class RequestFilteringModule implements RegisterModule {
    private static final Logger LOG = LoggerFactory.getLogger(RequestFilteringModule.class);

    /** The module configuration, read once at registration. */
    record Configuration(long maxUrl, long maxQueryString, long maxAllowedContentLength, Set<String> deniedVerbs,
            boolean verbsAllowUnlisted, Set<String> allowedVerbs, List<String> denyUrlSequences,
            Set<String> deniedExtensions, boolean extensionsAllowUnlisted, Set<String> allowedExtensions,
            Set<String> hiddenSegments) {

        static Configuration read(ModuleSettings settings) {
            return new Configuration(
                    settings.getLong("requestLimits.maxUrl", 4096, 1, Integer.MAX_VALUE),
                    settings.getLong("requestLimits.maxQueryString", 2048, 0, Integer.MAX_VALUE),
                    settings.getLong("requestLimits.maxAllowedContentLength", 30_000_000, 0, Long.MAX_VALUE),
                    verbs(settings, "verbs.deny"),
                    settings.getBoolean("verbs.allowUnlisted", true),
                    verbs(settings, "verbs.allow"),
                    lowerCase(settings.getList("denyUrlSequences")),
                    extensions(settings, "fileExtensions.deny"),
                    settings.getBoolean("fileExtensions.allowUnlisted", true),
                    extensions(settings, "fileExtensions.allow"),
                    Set.copyOf(lowerCase(settings.getList("hiddenSegments"))));
        }

        private static Set<String> verbs(ModuleSettings settings, String name) {
            Set<String> verbs = new LinkedHashSet<>();
            for (String verb : settings.getList(name)) {
                if (!verb.matches("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+")) {
                    throw settings.invalid(name, verb, "expected HTTP methods such as TRACE, separated by commas");
                }
                verbs.add(verb.toUpperCase(Locale.ROOT));
            }
            return Set.copyOf(verbs);
        }

        private static Set<String> extensions(ModuleSettings settings, String name) {
            Set<String> extensions = new LinkedHashSet<>();
            for (String extension : settings.getList(name)) {
                if (!extension.startsWith(".") || extension.indexOf('/') >= 0 || extension.indexOf('.', 1) >= 0) {
                    throw settings.invalid(name, extension,
                            "expected file extensions with their dot, such as .config (\".\" for none)");
                }
                extensions.add(extension.toLowerCase(Locale.ROOT));
            }
            return Set.copyOf(extensions);
        }

        private static List<String> lowerCase(List<String> items) {
            return items.stream().map(item -> item.toLowerCase(Locale.ROOT)).toList();
        }
    }

    /** A rejection: the IIS sub-status of 404 and its description. */
    record Rejection(int subStatus, String description) {
    }

    @Override
    public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer globalInfo) {
        Configuration configuration = Configuration.read(moduleInfo.getSettings());
        String name = moduleInfo.getName();
        moduleInfo.setRequestNotifications(() -> new RequestFilteringHttpModule(name, configuration), RQ_BEGIN_REQUEST, 0);
        moduleInfo.setPriorityForRequestNotification(RQ_BEGIN_REQUEST, PriorityAlias.PRIORITY_ALIAS_HIGH);
        LOG.info("{}: {}", name, configuration);
    }

    /** The per-request module. */
    static final class RequestFilteringHttpModule extends CHttpModule {
        private final String name;
        private final Configuration configuration;

        RequestFilteringHttpModule(String name, Configuration configuration) {
            this.name = name;
            this.configuration = configuration;
        }

        @Override
        public RequestNotificationStatus onBeginRequest(IHttpContext httpContext, IHttpEventProvider provider) {
            IHttpRequest request = httpContext.getRequest();
            Rejection rejection = check(request);
            if (rejection == null) {
                return RQ_NOTIFICATION_CONTINUE;
            }
            LOG.info("{}: rejected {} {} with 404.{}: {}", name, request.getHttpMethod(), abbreviate(request.getRawUrl()),
                    rejection.subStatus(), rejection.description());
            ErrorResponses.send(httpContext.getResponse(), 404, "Not Found", rejection.subStatus(),
                    rejection.description());
            return RQ_NOTIFICATION_FINISH_REQUEST;
        }

        Rejection check(IHttpRequest request) {
            String rawUrl = request.getRawUrl();
            int question = rawUrl.indexOf('?');
            String rawPath = question < 0 ? rawUrl : rawUrl.substring(0, question);
            String rawQuery = question < 0 ? "" : rawUrl.substring(question + 1);

            if (utf8Length(rawPath) > configuration.maxUrl()) {
                return new Rejection(14, "The request filtering module is configured to deny a request whose URL is longer than "
                        + configuration.maxUrl() + " bytes.");
            }
            if (utf8Length(rawQuery) > configuration.maxQueryString()) {
                return new Rejection(15, "The request filtering module is configured to deny a request whose query string is longer than "
                        + configuration.maxQueryString() + " bytes.");
            }
            String contentLength = request.getHeader("Content-Length");
            if (contentLength != null && exceeds(contentLength.trim(), configuration.maxAllowedContentLength())) {
                return new Rejection(13, "The request filtering module is configured to deny a request that exceeds the request content length.");
            }
            String verb = request.getHttpMethod().toUpperCase(Locale.ROOT);
            if (configuration.deniedVerbs().contains(verb)
                    || (!configuration.verbsAllowUnlisted() && !configuration.allowedVerbs().contains(verb))) {
                return new Rejection(6, "The request filtering module is configured to deny the HTTP verb.");
            }
            String path = percentDecode(rawPath).toLowerCase(Locale.ROOT);
            String rawLower = rawPath.toLowerCase(Locale.ROOT);
            for (String sequence : configuration.denyUrlSequences()) {
                if (rawLower.contains(sequence) || path.contains(sequence)) {
                    return new Rejection(5, "The request filtering module is configured to deny the URL sequence.");
                }
            }
            String[] segments = path.split("/");
            String last = segments.length == 0 ? "" : segments[segments.length - 1];
            int dot = last.lastIndexOf('.');
            // As in IIS, "." stands for a last segment without extension.
            String extension = dot < 0 || dot == last.length() - 1 ? "." : last.substring(dot);
            if (configuration.deniedExtensions().contains(extension)
                    || (!configuration.extensionsAllowUnlisted() && !configuration.allowedExtensions().contains(extension))) {
                return new Rejection(7, "The request filtering module is configured to deny the file extension.");
            }
            for (String segment : segments) {
                if (configuration.hiddenSegments().contains(segment)) {
                    return new Rejection(8, "The request filtering module is configured to deny a path in the URL that contains a hidden segment.");
                }
            }
            return null;
        }

        private static boolean exceeds(String number, long max) {
            if (!number.matches("\\d{1,19}")) {
                return false;
            }
            try {
                return Long.parseLong(number) > max;
            } catch (NumberFormatException e) {
                return true;
            }
        }

        private static int utf8Length(String text) {
            return text.getBytes(StandardCharsets.UTF_8).length;
        }

        private static String abbreviate(String url) {
            return url.length() <= 200 ? url : url.substring(0, 200) + "...";
        }

        /** Decodes %XX escapes as UTF-8; a malformed escape stays as it is. '+' stays '+', as in a path. */
        static String percentDecode(String raw) {
            if (raw.indexOf('%') < 0) {
                return raw;
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
            for (int i = 0; i < raw.length(); i++) {
                char c = raw.charAt(i);
                if (c == '%' && i + 2 < raw.length() && hex(raw.charAt(i + 1)) >= 0 && hex(raw.charAt(i + 2)) >= 0) {
                    bytes.write(hex(raw.charAt(i + 1)) * 16 + hex(raw.charAt(i + 2)));
                    i += 2;
                } else {
                    byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                    bytes.write(encoded, 0, encoded.length);
                }
            }
            return bytes.toString(StandardCharsets.UTF_8);
        }

        private static int hex(char c) {
            return Character.digit(c, 16);
        }
    }
}
