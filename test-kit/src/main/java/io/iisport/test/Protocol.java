package io.iisport.test;

/** The protocol a {@link ModuleTestServer} request is sent with, over clear text to 127.0.0.1. */
public enum Protocol {
    /** HTTP/1.1 (RFC 9112) on a new connection. */
    HTTP_1_1,
    /** HTTP/2 in clear text with prior knowledge (h2c, RFC 9113 §3.3) on a new connection, as stream 1. */
    H2C
}
