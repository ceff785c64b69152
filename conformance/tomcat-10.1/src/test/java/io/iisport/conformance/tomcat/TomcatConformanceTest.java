package io.iisport.conformance.tomcat;

import io.iisport.conformance.ConformanceSuite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.http2.Http2Protocol;
import org.apache.tomcat.util.scan.StandardJarScanner;

/**
 * The catalogue on embedded Tomcat: the WAR deployed with {@code addWebapp} (its own class loader, unpacked as a
 * host deploys it), HTTP/1.1 and h2c on one connector with compression on, jakarta.websocket from
 * tomcat-embed-websocket. One source for Tomcat 10.1 and 11: the module sets {@code iisport.conformance.container}.
 */
class TomcatConformanceTest extends ConformanceSuite {
    private Path baseDir;
    private Tomcat tomcat;

    @Override
    protected String container() {
        String container = System.getProperty("iisport.conformance.container");
        if (container == null) {
            throw new IllegalStateException("system property iisport.conformance.container is not set");
        }
        return container;
    }

    @Override
    protected int start(Path war) throws Exception {
        baseDir = Files.createTempDirectory("iisport-conformance-tomcat");
        tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        connector.setProperty("compression", "on");
        connector.addUpgradeProtocol(new Http2Protocol());
        tomcat.setConnector(connector);
        // Error reports without stack traces, as in production: a stack names the filter's frames.
        ErrorReportValve errorReport = new ErrorReportValve();
        errorReport.setShowReport(false);
        tomcat.getHost().getPipeline().addValve(errorReport);
        tomcat.getHost().setAppBase(Files.createDirectories(baseDir.resolve("webapps")).toString());
        // Tomcat's default web.xml would add its JSP servlet, which tomcat-embed-core does not have: add the
        // default servlet and the MIME types only.
        tomcat.setAddDefaultWebXmlToWebapp(false);
        Context context = tomcat.addWebapp("", war.toAbsolutePath().toString());
        Tomcat.addServlet(context, "default", "org.apache.catalina.servlets.DefaultServlet");
        context.addServletMappingDecoded("/", "default");
        Tomcat.addDefaultMimeTypeMappings(context);
        ((StandardJarScanner) context.getJarScanner()).setScanClassPath(false);
        tomcat.start();
        return connector.getLocalPort();
    }

    @Override
    protected void stop() throws Exception {
        try {
            if (tomcat != null) {
                tomcat.stop();
                tomcat.destroy();
            }
        } finally {
            if (baseDir != null) {
                try (Stream<Path> paths = Files.walk(baseDir)) {
                    for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(path);
                    }
                } catch (IOException e) {
                    // best effort: the directory is under java.io.tmpdir
                }
            }
        }
    }
}
