package io.iisport.sample;

import io.iisport.httpserv.HttpDataChunk;
import io.iisport.httpserv.IHttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * Writes the short error responses the sample modules send, in the form of IIS's detailed error page:
 * {@code HTTP Error 404.7 - Not Found}, then what happened. IIS does not send the sub-status on the wire, so the
 * body names it for the reader; {@code RQ_LOG_REQUEST} modules read it from {@link IHttpResponse#getSubStatus()}.
 */
public final class ErrorResponses {
    private ErrorResponses() {
    }

    /**
     * Replaces the response with a plain-text error.
     *
     * @param response the response
     * @param statusCode the status code
     * @param reason the reason phrase
     * @param subStatus the IIS sub-status, 0 for none
     * @param description what happened, one sentence
     */
    public static void send(IHttpResponse response, int statusCode, String reason, int subStatus, String description) {
        response.clear();
        response.setStatus(statusCode, reason, subStatus);
        response.setHeader("Content-Type", "text/plain;charset=utf-8", true);
        response.setErrorDescription(description);
        String status = subStatus == 0 ? String.valueOf(statusCode) : statusCode + "." + subStatus;
        String body = "HTTP Error " + status + " - " + reason + "\n" + description + "\n";
        response.writeEntityChunks(HttpDataChunk.fromString(body, StandardCharsets.UTF_8));
    }
}
