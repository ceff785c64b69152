package io.iisport.filter;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The filter's objects for one request's response — what modules see ({@link ModuleResponse}, the
 * {@code IHttpResponse}), what the servlet sees ({@link IisResponse}), the buffered output and the metadata under
 * both, and the connection actions modules ask through the response ({@link ConnectionControl}) — built at the first
 * need: a module's {@code getResponse()}, the servlet getting the filter's response, or
 * the end of a request whose handler did not write to the container's own response.
 *
 * <p>A request whose modules never look at the response and whose servlet gets the container's own objects (see
 * {@link DirectHandler}) never builds them. Any thread may build them (a module's thread may call
 * {@code getResponse()} while the request runs, and a {@code RQ_LOG_REQUEST} module after the final send): objects
 * built late take the {@link Course} the response has come to.
 */
final class FilterResponse {

    /**
     * Where the response goes, in this order; a response the filter sends goes from {@code FILTER} to {@code ENDED}.
     * Changed by the thread that drives the request; read by any that builds the objects.
     */
    enum Course {
        /** Through the filter's output: its buffer, its sends, its final send. */
        FILTER,
        /**
         * The handler writes to the container's own response ({@link #handToContainer()}): writes that still come to
         * the filter's output go to the container's.
         */
        CONTAINER,
        /**
         * The handler wrote to the container's own response and is done with it ({@link #containerSends()}): the
         * container sends it, and the filter's output discards what it is given, as after its own final send.
         */
        CONTAINER_SENDS,
        /** The request ended ({@link #requestEnded()}): everything is discarded, and the request refuses calls. */
        ENDED
    }

    /** The built objects. */
    record Parts(ResponseOutput output, ModuleResponse modules, IisResponse servlet, ConnectionControl connection) {

        /** @return whether neither a module nor the servlet decided or wrote anything of the response yet */
        boolean untouched() {
            return servlet.untouched();
        }
    }

    /** Raises {@code RQ_SEND_RESPONSE} for a send of the response, once modules subscribed to it. */
    interface SendResponse {
        void raise(boolean headersBeingSent, boolean moreData);
    }

    private final HttpServletResponse real;
    /** The filter's request; the container's is {@link IisRequest#given()}. */
    private final IisRequest request;
    /** Counts the connection actions the container cannot carry out; for the {@link ConnectionControl} built here. */
    private final Degradation degradation;
    private final ModulePipeline pipeline;
    private final SendResponse sendResponse;
    private volatile Parts parts;
    /** Written, then {@link #parts} read; {@link #get()} does the opposite: objects built meanwhile see it either way. */
    private volatile Course course = Course.FILTER;

    FilterResponse(HttpServletResponse real, IisRequest request, Degradation degradation, ModulePipeline pipeline,
            SendResponse sendResponse) {
        this.real = real;
        this.request = request;
        this.degradation = degradation;
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
            take(built, course);
        }
        return built;
    }

    /** Brings {@code built} to {@code now}, the course the response has come to (idempotent). */
    private static void take(Parts built, Course now) {
        ResponseOutput output = built.output();
        switch (now) {
            case FILTER -> {
            }
            case CONTAINER -> output.handToContainer();
            case CONTAINER_SENDS -> {
                output.handToContainer();
                output.leftToContainer();
            }
            case ENDED -> {
                output.requestEnded();
                built.connection().ended();
            }
        }
    }

    /**
     * The request ended, and the container may recycle its request and response for another request: the output,
     * built already or built later by a module's thread that kept its context, discards every later write, flush and
     * header change, as IIS does once the response was sent; the request refuses the modules' calls that read or
     * change it ({@link IisRequest#ended}), and the connection actions do nothing once a call in progress on another
     * thread was carried out ({@link ConnectionControl#ended()}). (Written, then read, through volatile fields on both
     * sides, so objects built concurrently see one or the other; the request is marked first, so a connection action
     * on objects built meanwhile finds it ended.)
     */
    void requestEnded() {
        request.ended();
        changeCourse(Course.ENDED);
    }

    private void changeCourse(Course to) {
        course = to;
        Parts built = parts;
        if (built != null) {
            take(built, to);
        }
    }

    /** @return the filter's objects for the response, or {@code null} if nothing needed them yet */
    Parts ifBuilt() {
        return parts;
    }

    /**
     * The final send, if the handler wrote to the container's own response: the container sends it as it has it, and
     * the filter's output, built now or later (a {@code RQ_LOG_REQUEST} module's {@code GetResponse()}), discards
     * what it is given, as IIS does once the response was sent.
     *
     * @return whether the container sends the response; {@code false}: the filter makes the final send
     */
    boolean containerSends() {
        if (course != Course.CONTAINER) {
            return false;
        }
        changeCourse(Course.CONTAINER_SENDS);
        return true;
    }

    /** @return whether neither a module nor the servlet decided or wrote anything of the response yet */
    boolean untouched() {
        Parts built = parts;
        return built == null || built.untouched();
    }

    /**
     * @return the connection actions, or {@code null} if nothing built the response objects yet: then no module asked
     *     for one (modules ask through the response, {@link ModuleResponse})
     */
    ConnectionControl connectionIfBuilt() {
        Parts built = parts;
        return built == null ? null : built.connection();
    }

    /**
     * The handler writes to the container's response itself (see {@link DirectHandler}): writes that still come to
     * the filter's output, built now or later, go to the container's.
     */
    void handToContainer() {
        changeCourse(Course.CONTAINER);
    }

    private Parts build() {
        ConnectionControl connection = new ConnectionControl(request, degradation);
        ResponseMetadata metadata = new ResponseMetadata();
        boolean sendResponseModules = pipeline.order(Stage.SEND_RESPONSE, false).length > 0;
        HttpServletRequest servletRequest = request.given();
        ResponseOutput output = new ResponseOutput(servletRequest, real, new BodyBuffer(ChunkPool.SHARED), metadata,
                connection, pipeline.responseBufferLimit, sendResponseModules ? sendResponse::raise : null);
        ModuleResponse modules = new ModuleResponse(real, request, output, metadata, connection,
                this::keepWriterCharset);
        // Nothing here may read the container's request or response: a module's thread may build them after the end.
        IisResponse servlet = new IisResponse(real, output, metadata, servletRequest, pipeline, modules);
        return new Parts(output, modules, servlet, connection);
    }

    /** A module cleared the headers: the writer's charset stays (it is called once the parts are built). */
    private void keepWriterCharset() {
        parts.servlet().keepWriterCharset();
    }
}
