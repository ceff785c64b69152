package io.iisport.spring.boot;

/** {@link EtagFilterAroundTestBase} on the embedded Jetty. */
class JettyEtagFilterAroundTest extends EtagFilterAroundTestBase {
}
