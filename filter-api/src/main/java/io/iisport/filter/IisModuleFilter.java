package io.iisport.filter;

import io.iisport.httpserv.IHttpModuleContextContainer;
import io.iisport.httpserv.ModuleContextContainer;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.function.LongSupplier;

/**
 * Runs IIS native modules ported to Java around the servlet chain: a servlet port of the IIS integrated request
 * pipeline, configured in web.xml as IIS configures {@code <modules>}.
 *
 * <h2>Configuration (init-params)</h2>
 * <ul>
 *   <li>{@code modules} (required): one {@code name=class} per line, in IIS {@code <modules>} order; the class
 *       implements {@link io.iisport.httpserv.RegisterModule}. Commas also separate entries, {@code #} starts a
 *       comment. Names are letters, digits, '_' and '-', unique ignoring case.</li>
 *   <li>{@code responseBufferLimit}: bytes buffered before the response streams, default 4194304 (IIS's 4 MiB);
 *       0 streams from the start.</li>
 *   <li>{@code requestBodyLimit}: the most bytes of a request body modules may read
 *       ({@link io.iisport.httpserv.IHttpRequest#readEntityBody}) or hold inserted
 *       ({@link io.iisport.httpserv.IHttpRequest#insertEntityBody}), and the most the filter buffers to parse a form
 *       or multipart body they took; default 4194304 (4 MiB, the response buffer's memory). Over it the module gets
 *       an {@link io.iisport.httpserv.EntityBodyTooLargeException} naming the limit and the request is refused with
 *       {@code 413 Content Too Large}.</li>
 *   <li>{@code pendingTimeout}: milliseconds, from 0 (no limit) to 2147483647, that a module's
 *       {@code RQ_NOTIFICATION_PENDING} may stay uncompleted before the module counts as failed (see
 *       {@link io.iisport.httpserv.RequestNotificationStatus#RQ_NOTIFICATION_PENDING}); without it a suspended
 *       request keeps the container's async timeout and a waiting request thread waits at most 30 s.</li>
 *   <li>{@code filtersAround}: {@code auto} (default), {@code ignore} or {@code present}: whether application
 *       filters run around this one, for a module's {@code RQ_NOTIFICATION_PENDING}. With filters around, a PENDING
 *       keeps the request's thread (it waits for the completion), so that the servlet runs inside those filters and
 *       they find the request and response as without this filter once their chain returned (what they write then
 *       still goes out); without, a PENDING frees the thread and the response is sent before a pending LOG_REQUEST,
 *       as in IIS. {@code auto} looks for another
 *       filter's {@code doFilter} among the callers of this one's at the request's first PENDING.</li>
 *   <li>{@code <module name>.<setting>}: a setting of that module, read through
 *       {@link io.iisport.httpserv.ModuleSettings}.</li>
 * </ul>
 * Any other init-param, an unknown or wrong class, a failing registration, a duplicate name, a bad number or a
 * setting no module reads fails {@code init} with a {@link ServletException} naming the parameter, the value and
 * the reason, so the deployment fails at start.
 *
 * <h2>The pipeline</h2>
 * BEGIN_REQUEST to PRE_EXECUTE_REQUEST_HANDLER (each with its post-notification) run before the chain;
 * EXECUTE_REQUEST_HANDLER modules run next and the chain is the handler; then RELEASE_REQUEST_STATE and
 * UPDATE_REQUEST_CACHE; then the final send (SEND_RESPONSE); then LOG_REQUEST and END_REQUEST. FINISH_REQUEST skips
 * the rest of its notification, the remaining stages and the handler; SEND_RESPONSE, LOG_REQUEST and END_REQUEST
 * still run. A module that throws (or calls {@code setErrorStatus}) is logged with its name; the response becomes a
 * 500 rendered by the container if uncommitted, else the connection is reset; {@code dispose()} always runs. A
 * servlet that throws: LOG_REQUEST and END_REQUEST run with status 500, the buffered body is dropped and the
 * exception goes on to the container, whose error handling applies.
 *
 * <p>The servlet's output is buffered for the modules (up to {@code responseBufferLimit}) only when one can change it
 * before it is sent: when no module of this filter is subscribed to a notification raised once the handler started
 * and before the send (the stages after the handler, SEND_RESPONSE; LOG_REQUEST and END_REQUEST come once IIS sent the
 * response, and read it as the container sends it), and the modules changed nothing before the handler that the
 * servlet must see through the filter (a request header, {@code SetUrl}, the request body, the status or error details, an entity
 * chunk, a trailer, {@code disableBuffering}, a flush, a reset), the servlet gets the container's own request and
 * response and runs as without the filter; the modules are still disposed when the request ends.
 *
 * <p>Several module filters may map the same request (for example one filter declaration per module, each with its
 * own url-pattern): each runs its own pipeline, nested in filter-chain order, so that the outer filter's handler is
 * the inner filter with the servlet, and the inner filter's output goes through the outer filter's buffer.
 *
 * <p>RQ_NOTIFICATION_PENDING hands the container's thread back: the filter starts servlet async, and the module's
 * {@link io.iisport.httpserv.IHttpContext#indicateCompletion} or {@link io.iisport.httpserv.IHttpContext#postCompletion}
 * continues the pipeline on a container thread, then an ASYNC dispatch to the request's URI runs the handler (so the
 * filter must be mapped with {@code <dispatcher>ASYNC</dispatcher>}); the {@code pendingTimeout} init-param, or else
 * the container's async timeout, ends a module that never completes with a 500. Where async cannot be started the request's thread waits (see
 * {@link io.iisport.httpserv.RequestNotificationStatus#RQ_NOTIFICATION_PENDING}). An async servlet
 * ({@code startAsync}) gets an {@code AsyncContext} whose {@code complete()} runs the stages after the handler and the
 * final send; a servlet using {@code AsyncContext.dispatch} needs the filter mapped with
 * {@code <dispatcher>ASYNC</dispatcher>} (and REQUEST).
 *
 * <h2>Connection actions without a container extension</h2>
 * Where the container has no iisport extension (another container, or Jetty without {@code iisport-jetty-extension}):
 * {@code setNeedDisconnect()} sends {@code Connection: close} when the response is not yet committed (HTTP/1);
 * after commit, and on HTTP/2, it cannot. {@code resetConnection()}, {@code resetStream()} and
 * {@code closeConnection()} discard all later output as IIS does, then end the response as an empty 500 with
 * {@code Connection: close}, or, if it was already committed, abort it by rethrowing an {@link IOException} to the
 * container so it is not taken as complete; once the response was sent whole (a call at LOG_REQUEST or
 * END_REQUEST), nothing can be undone and the connection stays open. Each such call counts as degraded (see {@link #getDegradedCallCount()}, also
 * published as the servlet-context attribute {@code io.iisport.filter.IisModuleFilter.<filter-name>.degradedCalls},
 * a {@link LongSupplier}) and the first of each kind logs one WARN naming what to install.
 */
public class IisModuleFilter implements Filter {
    private static final System.Logger LOG = System.getLogger(IisModuleFilter.class.getName());
    /**
     * Request attribute, an {@link Integer}: the sub-status of the error a module set, for the error page that IIS's
     * custom errors give a blank error response (see {@code IHttpResponse.setStatus(int, String, int, boolean)}).
     */
    public static final String SUB_STATUS_ATTRIBUTE = ResponseMetadata.SUB_STATUS_ATTRIBUTE;
    /** Request attribute, a {@link String}: the module's {@code SetErrorDescription} text, for the error page. */
    public static final String ERROR_DESCRIPTION_ATTRIBUTE = ResponseMetadata.ERROR_DESCRIPTION_ATTRIBUTE;

    private volatile ModulePipeline pipeline;
    private volatile Degradation degradation;
    private String contextAttribute;
    private FilterConfig filterConfig;

    @Override
    public void init(FilterConfig filterConfig) throws ServletException {
        Degradation counts = new Degradation(filterConfig.getFilterName());
        ModulePipeline configured = ModuleLoader.load(FilterSettings.parse(filterConfig),
                filterConfig.getServletContext());
        String attribute = IisModuleFilter.class.getName() + "." + filterConfig.getFilterName() + ".degradedCalls";
        LongSupplier counter = counts::count;
        filterConfig.getServletContext().setAttribute(attribute, counter);
        this.filterConfig = filterConfig;
        this.contextAttribute = attribute;
        this.degradation = counts;
        this.pipeline = configured;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest httpRequest)
                || !(response instanceof HttpServletResponse httpResponse)) {
            chain.doFilter(request, response);
            return;
        }
        ModulePipeline current = pipeline;
        if (current == null) {
            throw new ServletException("iisport filter is not initialized or was destroyed");
        }
        IisRequest.Run running = IisRequest.runningFor(request, current);
        DispatcherType dispatcherType = request.getDispatcherType();
        boolean asyncDispatch = dispatcherType == DispatcherType.ASYNC;
        if (running == null && dispatcherType != DispatcherType.REQUEST) {
            running = DirectHandler.dispatchedFrom(request, dispatcherType, current);
        }
        if (running instanceof RequestRun run && asyncDispatch) {
            run.redispatch(chain, request, response);
        } else if (running != null) {
            // A forward or include of a request this pipeline already runs for: one pipeline per request.
            chain.doFilter(request, response);
        } else {
            RequestRun run = new RequestRun(current, degradation, httpRequest, httpResponse);
            if (run.start(chain)) {
                // The servlet gets the container's own objects: called here, as any filter calls the chain (see
                // RequestRun#start for why no frame of the filter's may be in between).
                try {
                    chain.doFilter(request, response);
                } catch (IOException | ServletException | RuntimeException | Error e) {
                    run.directHandlerFailed(e);
                } finally {
                    run.directHandlerReturned();
                }
            }
        }
    }

    @Override
    public void destroy() {
        ModulePipeline current = pipeline;
        pipeline = null;
        if (current != null) {
            // IIS: the application stops, then its modules terminate.
            current.globals.applicationStop();
            current.terminate();
        }
        if (contextAttribute != null) {
            ServletContext servletContext = filterConfig.getServletContext();
            servletContext.removeAttribute(contextAttribute);
            // The application's stored contexts (IHttpServer.getModuleContextContainer), as the application stops.
            if (servletContext.getAttribute(IHttpModuleContextContainer.class.getName())
                    instanceof ModuleContextContainer container) {
                for (RuntimeException failure : container.release()) {
                    LOG.log(System.Logger.Level.ERROR, "iisport: a stored context's cleanupStoredContext() failed",
                            failure);
                }
            }
        }
    }

    /**
     * Returns how many connection actions this filter could not carry out as asked because the container has no
     * iisport extension.
     *
     * @return the count since {@code init}
     */
    public long getDegradedCallCount() {
        Degradation current = degradation;
        return current == null ? 0 : current.count();
    }
}
