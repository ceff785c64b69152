package io.iisport.sample.bodyinspection;

import static io.iisport.httpserv.RequestNotification.RQ_BEGIN_REQUEST;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_FINISH_REQUEST;

import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpEventProvider;
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.IHttpRequest;
import io.iisport.httpserv.IHttpResponse;
import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.ModuleSettings;
import io.iisport.httpserv.RegisterModule;
import io.iisport.httpserv.RequestNotificationStatus;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request-body inspector, as WAF modules (ModSecurity's IIS module) work: in {@code OnBeginRequest} it reads the
 * whole body of a POST with {@code IHttpRequest::ReadEntityBody}, matches it against a pattern, and either denies the
 * request with {@code 403} and a sub-status (custom errors render the error page) or re-inserts the body with
 * {@code InsertEntityBody}, so the servlet reads exactly the same bytes (stream, reader, form parameters, parts).
 *
 * <p>Settings (init-params {@code <module name>.<setting>}):
 * <ul>
 *   <li>{@code denyPattern} (required): a Java regular expression searched in the body decoded as ISO-8859-1
 *       (byte for byte), so any byte sequence can be matched; a bad expression fails the deployment.</li>
 *   <li>{@code subStatus}: the sub-status of the 403, default 501 (not an IIS-defined one: 403.501 is this
 *       module's).</li>
 * </ul>
 * A body over the filter's {@code requestBodyLimit} is refused by the filter with 413 as this module reads it.
 */
public final class RequestBodyInspectionModule implements RegisterModule {
    private static final Logger LOG = LoggerFactory.getLogger(RequestBodyInspectionModule.class);

    @Override
    public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer globalInfo) {
        ModuleSettings settings = moduleInfo.getSettings();
        String expression = settings.get("denyPattern", null);
        if (expression == null || expression.isEmpty()) {
            throw settings.invalid("denyPattern", expression, "is required: a regular expression the body must not match");
        }
        Pattern pattern;
        try {
            pattern = Pattern.compile(expression);
        } catch (PatternSyntaxException e) {
            throw settings.invalid("denyPattern", expression, "is not a regular expression: " + e.getDescription());
        }
        int subStatus = (int) settings.getLong("subStatus", 501, 0, 999);
        String name = moduleInfo.getName();
        moduleInfo.setRequestNotifications(() -> new Inspector(name, pattern, subStatus), RQ_BEGIN_REQUEST, 0);
    }

    /** The per-request module. */
    static final class Inspector extends CHttpModule {
        private final String name;
        private final Pattern pattern;
        private final int subStatus;

        Inspector(String name, Pattern pattern, int subStatus) {
            this.name = name;
            this.pattern = pattern;
            this.subStatus = subStatus;
        }

        @Override
        public RequestNotificationStatus onBeginRequest(IHttpContext httpContext, IHttpEventProvider provider) {
            IHttpRequest request = httpContext.getRequest();
            if (!"POST".equals(request.getHttpMethod())) {
                return RQ_NOTIFICATION_CONTINUE;
            }
            // Read all of it, as ModSecurity does: ReadEntityBody until it returns no bytes.
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            while (request.getRemainingEntityBytes() > 0) {
                int read = request.readEntityBody(buffer, 0, buffer.length);
                if (read == 0) {
                    break;
                }
                body.write(buffer, 0, read);
            }
            byte[] bytes = body.toByteArray();
            if (pattern.matcher(new String(bytes, StandardCharsets.ISO_8859_1)).find()) {
                LOG.info("{}: denied {} {}: the body matches {}", name, request.getHttpMethod(), request.getRawUrl(),
                        pattern);
                IHttpResponse response = httpContext.getResponse();
                response.setStatus(403, "Forbidden", subStatus);
                response.setErrorDescription("The request body matches a pattern the " + name + " module denies.");
                return RQ_NOTIFICATION_FINISH_REQUEST;
            }
            request.insertEntityBody(bytes, 0, bytes.length);
            return RQ_NOTIFICATION_CONTINUE;
        }
    }
}
