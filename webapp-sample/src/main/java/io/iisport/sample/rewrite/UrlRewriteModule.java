package io.iisport.sample.rewrite;

import static io.iisport.httpserv.RequestNotification.RQ_BEGIN_REQUEST;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_FINISH_REQUEST;

import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpEventProvider;
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.IHttpResponse;
import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.ModuleSettings;
import io.iisport.httpserv.RegisterModule;
import io.iisport.httpserv.RequestNotificationStatus;
import io.iisport.sample.rewrite.RewriteEngine.Aborted;
import io.iisport.sample.rewrite.RewriteEngine.CustomResponded;
import io.iisport.sample.rewrite.RewriteEngine.Outcome;
import io.iisport.sample.rewrite.RewriteEngine.Redirected;
import io.iisport.sample.rewrite.RewriteEngine.Rewritten;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A port of the IIS URL Rewrite module's distributed rules: the {@code <rewrite><rules>} section of a
 * {@code web.config}, copied as is into a file of the web application, runs at {@code RQ_BEGIN_REQUEST}, before the
 * handler (the servlet) is chosen, as URL Rewrite does.
 *
 * <p>Setting (init-param {@code <module name>.configSource}, after IIS's attribute for a section kept in its own
 * file): the rule file's path in the web application, read through the {@link ServletContext} (so also from a packed
 * WAR); default {@code /WEB-INF/rewrite.config}. The file's root element is {@code <rewrite>}.
 *
 * <p>Semantics, from the URL Rewrite Module Configuration Reference
 * (https://learn.microsoft.com/iis/extensions/url-rewrite-module/url-rewrite-module-configuration-reference) and
 * "Using Back References" (https://learn.microsoft.com/previous-versions/windows/it-pro/windows-server-2008-r2-and-2008/ee215190(v=ws.10)):
 * <ul>
 *   <li>Rules run in file order. A rule's {@code <match url>} pattern is matched against the URL path relative to
 *       the rules' location (here the web application), without its leading '/' and without the query string,
 *       decoded: {@code /app/article/12/x?a=1} is matched as {@code article/12/x}. {@code ignoreCase} defaults to
 *       {@code true}; {@code negate="true"} applies the rule when the pattern does not match.</li>
 *   <li>{@code <conditions logicalGrouping="MatchAll|MatchAny" trackAllCaptures="false|true">} with
 *       {@code <add input=".." pattern=".." negate=".." ignoreCase=".." matchType="Pattern|IsFile|IsDirectory"/>}.
 *       Inputs expand server variables ({@code {HTTP_HOST}}, {@code {HTTPS}} as {@code on}/{@code off},
 *       {@code {QUERY_STRING}}, {@code {REQUEST_URI}} (path and query as received), {@code {HTTP_<HEADER>}}, and
 *       every variable {@link IHttpContext#getServerVariable(String)} knows) and back-references. {@code IsFile} and
 *       {@code IsDirectory} look the input up as a path of the web application: {@code {REQUEST_FILENAME}} is the
 *       request's path in the application (IIS gives a physical path; a servlet application need not have one).</li>
 *   <li>Back-references {@code {R:n}} (groups of the match) and {@code {C:n}} (groups of the last matched
 *       condition, or of all with {@code trackAllCaptures}); functions {@code {ToLower:..}}, {@code {UrlEncode:..}},
 *       {@code {UrlDecode:..}}. See {@link Substitution}.</li>
 *   <li>Actions: {@code Rewrite} changes the URL (later rules see the new one) and the request goes on; its
 *       {@code url} is relative to the application root. {@code Redirect} sends {@code redirectType}
 *       {@code Permanent} (301, the default), {@code Found} (302), {@code SeeOther} (303), {@code Temporary} (307)
 *       or {@code PermanentRedirect} (308) with {@code Location}; {@code CustomResponse} sets {@code statusCode},
 *       {@code subStatusCode}, {@code statusReason} and {@code statusDescription} (the error description);
 *       {@code AbortRequest} resets the connection; {@code None} does nothing. {@code appendQueryString} defaults to
 *       {@code true} for Rewrite and Redirect. Redirect, CustomResponse and AbortRequest end the request
 *       ({@code RQ_NOTIFICATION_FINISH_REQUEST}) and the rule evaluation.</li>
 *   <li>{@code stopProcessing="true"} ends the evaluation once its rule applied; {@code enabled="false"} skips the
 *       rule (it must still be valid); {@code <clear/>} and {@code <remove name>} edit the list as in IIS.</li>
 * </ul>
 * A file that is no well-formed XML, an unknown or unsupported element or attribute, a bad regular expression, an
 * unknown action type or a back-reference to a group that cannot exist fails the deployment: {@code registerModule}
 * throws, naming the file, the line, the rule and the attribute.
 *
 * <p>The Rewrite action calls {@code IHttpRequest.setUrl} (IIS {@code SetUrl}): the servlet mapped to the new path
 * serves the request, which carries the original URL in {@code X-Original-URL}.
 */
public final class UrlRewriteModule implements RegisterModule {
    private static final Logger LOG = LoggerFactory.getLogger(UrlRewriteModule.class);

    /** The default {@code configSource}. */
    static final String DEFAULT_CONFIG_SOURCE = "/WEB-INF/rewrite.config";

    @Override
    public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer globalInfo)
            throws IOException {
        ModuleSettings settings = moduleInfo.getSettings();
        String configSource = settings.get("configSource", DEFAULT_CONFIG_SOURCE);
        if (!configSource.startsWith("/")) {
            throw settings.invalid("configSource", configSource,
                    "expected a path in the web application, starting with '/', such as " + DEFAULT_CONFIG_SOURCE);
        }
        ServletContext servletContext = globalInfo.getServletContext();
        List<RewriteRule> rules;
        try (InputStream input = servletContext.getResourceAsStream(configSource)) {
            if (input == null) {
                throw settings.invalid("configSource", configSource, "the web application has no such file");
            }
            rules = RewriteConfigParser.parse(input, configSource);
        } catch (IllegalArgumentException e) {
            throw settings.invalid("configSource", configSource, e.getMessage());
        }
        RewriteEngine engine = new RewriteEngine(rules);
        String name = moduleInfo.getName();
        moduleInfo.setRequestNotifications(() -> new UrlRewriteHttpModule(name, engine, servletContext),
                RQ_BEGIN_REQUEST, 0);
        LOG.info("{}: {} rule(s) from {}: {}", name, rules.size(), configSource,
                rules.stream().map(RewriteRule::name).toList());
    }

    /** The per-request module. */
    static final class UrlRewriteHttpModule extends CHttpModule {
        private final String name;
        private final RewriteEngine engine;
        private final ServletContext servletContext;

        UrlRewriteHttpModule(String name, RewriteEngine engine, ServletContext servletContext) {
            this.name = name;
            this.engine = engine;
            this.servletContext = servletContext;
        }

        @Override
        public RequestNotificationStatus onBeginRequest(IHttpContext httpContext, IHttpEventProvider provider) {
            HttpServletRequest request = httpContext.getServletRequest();
            String path = applicationPath(request);
            String query = request.getQueryString() == null ? "" : request.getQueryString();
            Outcome outcome = engine.evaluate(path.substring(1), query, new Facts(httpContext, path));
            IHttpResponse response = httpContext.getResponse();
            if (outcome instanceof Rewritten rewritten) {
                String url = request.getContextPath() + rewritten.url();
                if (LOG.isDebugEnabled()) {
                    LOG.debug("{}: rule '{}' rewrote {} to {}", name, rewritten.rule(), request.getRequestURI(), url);
                }
                httpContext.getRequest().setUrl(url, true);
                return RQ_NOTIFICATION_CONTINUE;
            }
            if (outcome instanceof Redirected redirected) {
                response.setStatus(redirected.type().status(), redirected.type().reason());
                response.redirect(redirected.location(), false, false);
                return RQ_NOTIFICATION_FINISH_REQUEST;
            }
            if (outcome instanceof CustomResponded custom) {
                response.setStatus(custom.statusCode(), custom.reason(), custom.subStatusCode());
                response.setErrorDescription(custom.description());
                return RQ_NOTIFICATION_FINISH_REQUEST;
            }
            if (outcome instanceof Aborted aborted) {
                LOG.info("{}: rule '{}' aborted {} {}", name, aborted.rule(), request.getMethod(), request.getRequestURI());
                response.resetConnection();
                return RQ_NOTIFICATION_FINISH_REQUEST;
            }
            return RQ_NOTIFICATION_CONTINUE;
        }

        /** @return the decoded request path in the application, starting with '/' */
        private static String applicationPath(HttpServletRequest request) {
            String pathInfo = request.getPathInfo();
            String path = request.getServletPath() + (pathInfo == null ? "" : pathInfo);
            return path.startsWith("/") ? path : "/" + path;
        }

        /** The request's server variables and the application's files, as the rules see them. */
        private final class Facts implements RewriteEngine.RequestFacts {
            private final IHttpContext httpContext;
            private final String applicationPath;

            Facts(IHttpContext httpContext, String applicationPath) {
                this.httpContext = httpContext;
                this.applicationPath = applicationPath;
            }

            @Override
            public String serverVariable(String variableName) {
                if (variableName.equals("REQUEST_FILENAME")) {
                    return applicationPath;
                }
                String value = httpContext.getServerVariable(variableName);
                if (value == null && variableName.equals("REQUEST_URI")) {
                    return httpContext.getRequest().getRawUrl();
                }
                return value;
            }

            @Override
            public boolean isFile(String path) {
                String resource = path.startsWith("/") ? path : "/" + path;
                return exists(resource) && !isDirectory(resource);
            }

            @Override
            public boolean isDirectory(String path) {
                String resource = path.startsWith("/") ? path : "/" + path;
                return servletContext.getResourcePaths(resource.endsWith("/") ? resource : resource + "/") != null;
            }

            private boolean exists(String resource) {
                try {
                    return servletContext.getResource(resource) != null;
                } catch (MalformedURLException e) {
                    return false;
                }
            }
        }
    }
}
