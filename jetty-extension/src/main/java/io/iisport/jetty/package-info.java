/**
 * <p>The Jetty 12 side of iisport: the connection actions the Servlet API cannot express (graceful disconnect,
 * TCP reset, HTTP/2 RST_STREAM and GOAWAY, close without a response), published to web applications as request
 * attributes by {@link io.iisport.jetty.IisportConnectionCustomizer}.</p>
 * <p>Only public Jetty API is used, except in {@code HttpConnectionInternals}, the one class that reaches into
 * {@code org.eclipse.jetty.server.internal} (to make an HTTP/1 connection non-persistent after its response
 * is committed).</p>
 */
package io.iisport.jetty;
