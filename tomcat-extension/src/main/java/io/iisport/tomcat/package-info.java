/**
 * <p>The Tomcat 10.1 and 11 side of iisport: the connection actions the Servlet API cannot express (graceful
 * disconnect, TCP reset, HTTP/2 RST_STREAM and GOAWAY, close without a response), published to web applications as
 * request attributes by {@link io.iisport.tomcat.IisportConnectionValve}, installed in {@code server.xml}.</p>
 * <p>Tomcat has no public API for any of these once a request is being served; {@code TomcatInternals} is the one
 * class that reaches its internals, guarded so that a Tomcat that changed them only loses the actions.</p>
 */
package io.iisport.tomcat;
