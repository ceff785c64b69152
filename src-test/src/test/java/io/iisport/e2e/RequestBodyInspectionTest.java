package io.iisport.e2e;

import io.iisport.sample.server.SampleServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The request-body inspector of the built WAR on Jetty (see {@link RequestBodyInspection}). */
class RequestBodyInspectionTest {
    private static SampleServer sample;

    @BeforeAll
    static void start() throws Exception {
        sample = JettySample.start(false, null);
    }

    @AfterAll
    static void stop() {
        if (sample != null) {
            sample.stop();
        }
    }

    @Test
    void aFormPostPassesAndTheServletReadsItsParameters() throws Exception {
        RequestBodyInspection.aFormPostPassesAndTheServletReadsItsParameters(sample.getHttpPort());
    }

    @Test
    void aMultipartUploadPassesAndTheServletSeesItsParts() throws Exception {
        RequestBodyInspection.aMultipartUploadPassesAndTheServletSeesItsParts(sample.getHttpPort());
    }

    @Test
    void aRawBodyReachesTheServletWhole() throws Exception {
        RequestBodyInspection.aRawBodyReachesTheServletWhole(sample.getHttpPort());
    }

    @Test
    void aMatchingBodyIsDenied() throws Exception {
        RequestBodyInspection.aMatchingBodyIsDenied(sample.getHttpPort());
    }

    @Test
    void aDeclaredBodyOverTheLimitIsRefusedWith413() throws Exception {
        RequestBodyInspection.aDeclaredBodyOverTheLimitIsRefusedWith413(sample.getHttpPort());
    }

    @Test
    void aChunkedBodyOverTheLimitIsRefusedWith413() throws Exception {
        RequestBodyInspection.aChunkedBodyOverTheLimitIsRefusedWith413(sample.getHttpPort());
    }

    @Test
    void aChunkedBodyOfExactlyTheLimitPasses() throws Exception {
        RequestBodyInspection.aChunkedBodyOfExactlyTheLimitPasses(sample.getHttpPort());
    }
}
