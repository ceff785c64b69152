package io.iisport.e2e;

import io.iisport.sample.server.SampleServer;
import java.nio.file.Path;

/** The built WAR on the sample's embedded Jetty: iisport extension installed, 127.0.0.1, free ports. */
final class JettySample {
    private JettySample() {
    }

    /**
     * Starts the sample server.
     *
     * @param tls whether to add the TLS connector (h2 and http/1.1 through ALPN, self-signed certificate)
     * @param overrideDescriptor an override web.xml, or {@code null}
     * @return the started server
     * @throws Exception if the server or the web application fails to start
     */
    static SampleServer start(boolean tls, Path overrideDescriptor) throws Exception {
        SampleServer.Options options = new SampleServer.Options();
        options.host = "127.0.0.1";
        options.httpPort = 0;
        options.httpsPort = tls ? 0 : -1;
        options.war = Wire.war();
        options.overrideDescriptor = overrideDescriptor;
        return new SampleServer(options).start();
    }
}
