package io.iisport.spi;

/**
 * The connection SPI: how the module filter, which lives inside a web application, asks the container for the
 * connection actions the Servlet API cannot express.
 *
 * <p>A container extension installed at server level (for Jetty 12, {@code iisport-jetty-extension}) publishes
 * the actions as request attributes whose values are typed with JDK types only, because a web application's
 * class loader cannot see the container's classes. The filter looks an attribute up only when a module asks for
 * the action, so requests that never call one pay nothing.
 *
 * <table>
 *   <caption>Request attributes</caption>
 *   <tr><th>attribute</th><th>type</th><th>contract</th></tr>
 *   <tr><td>{@link #DISCONNECT_ATTRIBUTE}</td><td>{@link Runnable}</td>
 *       <td>the current response completes normally, then the connection closes gracefully: HTTP/1 adds
 *       {@code Connection: close} if the headers are not yet sent and closes (FIN) after the last byte;
 *       HTTP/2 completes the stream, then sends GOAWAY(NO_ERROR).</td></tr>
 *   <tr><td>{@link #RESET_ATTRIBUTE}</td><td>{@link java.util.function.IntConsumer}</td>
 *       <td>reset now, with the given HTTP/2 error code: HTTP/1 sends a TCP RST (the code is not sent),
 *       HTTP/2 sends RST_STREAM with the code on this stream only. Later writes to the response are
 *       discarded by the container without throwing.</td></tr>
 *   <tr><td>{@link #CLOSE_ATTRIBUTE}</td><td>{@link Runnable}</td>
 *       <td>close the connection without a response (HTTP/1: a FIN, not a RST) at once or when the request
 *       completes, as each container documents, so long as a later reset can still reset (see
 *       <a href="#precedence">Precedence</a>).</td></tr>
 * </table>
 *
 * <h2 id="precedence">Precedence</h2>
 *
 * <p>The actions of one request are ordered by strength, NONE &lt; DISCONNECT &lt; CLOSE &lt; RESET, and a request
 * only ever moves up that order. Each call raises the request to its action's level and carries the action out,
 * or, if the request is at that level or a stronger one already, does nothing:
 * <ul>
 *   <li>a call never weakens an earlier stronger one: a disconnect after a close or a reset, and a close after a
 *       reset, do nothing;</li>
 *   <li>a reset after a close still resets, and a close after a disconnect closes: IIS's {@code ResetConnection}
 *       is never weaker than a close, whatever was asked before;</li>
 *   <li>every action is idempotent: calling it again does nothing;</li>
 *   <li>any thread may call, concurrently with the request's own thread and with each other; of racing calls the
 *       strongest wins;</li>
 *   <li>once the request has completed, every action does nothing.</li>
 * </ul>
 *
 * <p>So the strongest action asked decides what the client sees on HTTP/1: after DISCONNECT alone, the full
 * response then FIN; after CLOSE (with or without a disconnect), FIN without a response on a connection whose
 * response was not sent yet; after RESET, whatever came before, a TCP RST. Both halves obey this one contract:
 * the filter's {@code ConnectionControl}, and each extension's {@code ConnectionActions} (Jetty, Tomcat); the
 * {@code ConnectionPrecedenceContractTest} of the end-to-end tests drives them with the same table of sequences.
 *
 * <p>An absent attribute means the container cannot do the action, and the filter degrades as documented in
 * {@link io.iisport.filter.IisModuleFilter}.
 */
public final class ConnectionBridge {
    /** Request attribute holding a {@link Runnable}: close gracefully after the current response. */
    public static final String DISCONNECT_ATTRIBUTE = "io.iisport.connection.disconnect";
    /** Request attribute holding a {@link java.util.function.IntConsumer}: reset now with an HTTP/2 error code. */
    public static final String RESET_ATTRIBUTE = "io.iisport.connection.reset";
    /** Request attribute holding a {@link Runnable}: close the connection now, without a response. */
    public static final String CLOSE_ATTRIBUTE = "io.iisport.connection.close";

    /** HTTP/2 error code NO_ERROR (0x0). */
    public static final int NO_ERROR = 0x0;
    /** HTTP/2 error code CANCEL (0x8), the code IIS sends for {@code ResetConnection} on HTTP/2. */
    public static final int CANCEL = 0x8;

    private ConnectionBridge() {
    }
}
