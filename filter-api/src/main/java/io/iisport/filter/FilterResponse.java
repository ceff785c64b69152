package io.iisport.filter;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The filter's objects for one request's response — what modules see ({@link ModuleResponse}, the
 * {@code IHttpResponse}), what the servlet sees ({@link IisResponse}), the buffered output and the metadata under
 * both — built at the first need: a module's {@code getResponse()}, the servlet getting the filter's response, or
 * the end of a request whose handler did not write to the container's own response.
 *
 * <p>A request whose modules never look at the response and whose servlet gets the container's own objects (see
 * {@link DirectHandler}) never builds them. Any thread may build them (a module's thread may call
 * {@code getResponse()} while the request runs): once the handler writes to the container's response
 * ({@link #handToContainer()}), the output built after that writes there too.
 */
final class FilterResponse {

    /** The built objects. */
    record Parts(ResponseOutput output, ModuleResponse modules, IisResponse servlet) {

        /** @return whether neither a module nor the servlet decided or wrote anything of the response yet */
        boolean untouched() {
            return servlet.untouched();
        }
    }

    /** Raises {@code RQ_SEND_RESPONSE} for a send of the response, once modules subscribed to it. */
    interface SendResponse {
        void raise(boolean headersBeingSent, boolean moreData);
    }

    private final HttpServletRequest servletRequest;
    private final HttpServletResponse real;
    private final IisRequest request;
    private final ConnectionControl connection;
    private final ModulePipeline pipeline;
    private final SendResponse sendResponse;
    private volatile Parts parts;
    /** The handler writes to the container's own response. */
    private volatile boolean handedToContainer;
    /** The request ended: objects built from now on discard what they are given (see {@link #requestEnded()}). */
    private volatile boolean requestEnded;

    FilterResponse(HttpServletRequest servletRequest, HttpServletResponse real, IisRequest request,
            ConnectionControl connection, ModulePipeline pipeline, SendResponse sendResponse) {
        this.servletRequest = servletRequest;
        this.real = real;
        this.request = request;
        this.connection = connection;
        this.pipeline = pipeline;
        this.sendResponse = sendResponse;
    }

    /** @return the filter's objects for the response, built now if they are not yet */
    Parts get() {
        Parts built = parts;
        if (built == null) {
            synchronized (this) {
                built = parts;
                if (built == null) {
                    built = build();
                    parts = built;
                }
            }
            if (handedToContainer) {
                built.output().handToContainer();
            }
            if (requestEnded) {
                built.output().requestEnded();
            }
        }
        return built;
    }

    /**
     * The request ended, and the container may recycle its request and response for another request: the output,
     * built already or built later by a module's thread that kept its context, discards every later write, flush and
     * header change, as IIS does once the response was sent; the request refuses the modules' calls that read or
     * change it ({@link IisRequest#ended}). (Written, then read, through volatile fields on both sides, so objects
     * built concurrently see one or the other.)
     */
    void requestEnded() {
        request.ended();
        requestEnded = true;
        Parts built = parts;
        if (built != null) {
            built.output().requestEnded();
        }
    }

    /** @return the filter's objects for the response, or {@code null} if nothing needed them yet */
    Parts ifBuilt() {
        return parts;
    }

    /**
     * @return the objects whose output the final send completes: {@code null} when the handler wrote to the
     *     container's own response and nothing built them (the container completes its response itself)
     */
    Parts forFinalSend() {
        return handedToContainer ? parts : get();
    }

    /** @return whether neither a module nor the servlet decided or wrote anything of the response yet */
    boolean untouched() {
        Parts built = parts;
        return built == null || built.untouched();
    }

    /**
     * The handler writes to the container's response itself (see {@link DirectHandler}): writes that still come to
     * the filter's output, built now or later, go to the container's.
     */
    void handToContainer() {
        handedToContainer = true;
        Parts built = parts;
        if (built != null) {
            built.output().handToContainer();
        }
    }

    private Parts build() {
        ResponseMetadata metadata = new ResponseMetadata();
        boolean sendResponseModules = pipeline.order(Stage.SEND_RESPONSE, false).length > 0;
        ResponseOutput output = new ResponseOutput(servletRequest, real, new BodyBuffer(ChunkPool.SHARED), metadata,
                connection, pipeline.responseBufferLimit, sendResponseModules ? sendResponse::raise : null);
        ModuleResponse modules = new ModuleResponse(real, request, output, metadata, connection,
                this::keepWriterCharset);
        // Nothing here may read the container's request or response: a module's thread may build them after the end.
        IisResponse servlet = new IisResponse(real, output, metadata, servletRequest, pipeline, modules);
        return new Parts(output, modules, servlet);
    }

    /** A module cleared the headers: the writer's charset stays (it is called once the parts are built). */
    private void keepWriterCharset() {
        parts.servlet().keepWriterCharset();
    }
}
