/**
 * The iisport module test kit: {@link io.iisport.test.ModuleTestServer} runs ported IIS modules, with their
 * settings, around a servlet on an embedded Jetty with the iisport extension, and returns what the client saw as a
 * {@link io.iisport.test.ClientResult}: status, headers, body, and how the connection ended
 * ({@link io.iisport.test.ConnectionEnd}) over HTTP/1.1 and h2c.
 */
package io.iisport.test;
