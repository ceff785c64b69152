package io.iisport.filter;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * What the servlet and the modules decided about the response apart from its body and the container's headers:
 * the servlet's Content-Length while the filter holds it back, the servlet's deferred ending, and IIS's status
 * details (sub-status, reason, error description), and the trailer fields once set. Used on the request's thread
 * only (the container reads the trailers through their own lock).
 */
final class ResponseMetadata {
    /** See {@link IisModuleFilter#SUB_STATUS_ATTRIBUTE}. */
    static final String SUB_STATUS_ATTRIBUTE = "io.iisport.error.subStatus";
    /** See {@link IisModuleFilter#ERROR_DESCRIPTION_ATTRIBUTE}. */
    static final String ERROR_DESCRIPTION_ATTRIBUTE = "io.iisport.error.description";

    /** The servlet's Content-Length, held back while buffered; -1 for none. */
    long contentLength = -1;
    /** A module changed the body: the servlet's declared Content-Length no longer holds. */
    boolean bodyEdited;
    /** The servlet's sendError or sendRedirect, carried out at the final send; {@code null} for none. */
    DeferredEnding ending;
    int subStatus;
    String reason;
    String errorDescription;
    /** A module set the status: a blank error response gets the application's error page (IIS custom errors). */
    boolean moduleSetStatus;
    /** The module's {@code fTrySkipCustomErrors}. */
    boolean trySkipCustomErrors;
    /** The trailer fields, once the servlet or a module set one: {@code null} keeps the container's framing. */
    private ResponseTrailers trailers;

    /** @return the response's trailer fields, made on first use (nothing reaches the container until one is set) */
    ResponseTrailers trailers(HttpServletResponse real) {
        if (trailers == null) {
            trailers = new ResponseTrailers(real);
        }
        return trailers;
    }

    /** @return the response's trailer fields, or {@code null} if neither the servlet nor a module set any */
    ResponseTrailers trailersIfSet() {
        return trailers;
    }

    /** The container's response was reset: its trailer supplier goes back if trailers are still set. */
    void afterRealReset(boolean servletReset) {
        if (trailers != null) {
            trailers.afterReset(servletReset);
        }
    }

    /**
     * The end of an uncommitted response at the final send: IIS's custom errors if it is {@code blank} (the custom
     * error module runs last), then the deferred {@code sendError} or {@code sendRedirect}, on the container's response.
     *
     * @param blank whether no body was written or handed to the container
     * @param keepBody puts the buffered body into the container's buffer, unsent, for a redirect that keeps it
     * @return whether the response ended here (the container renders the error page or the redirect)
     */
    boolean endOn(HttpServletRequest request, HttpServletResponse real, boolean blank,
            DeferredEnding.SendRedirect.KeepBody keepBody) throws IOException {
        if (blank) {
            applyCustomError(request, real.getStatus());
        }
        if (ending instanceof DeferredEnding.SendError error) {
            real.sendError(real.getStatus(), error.message() != null ? error.message() : errorDescription);
            return true;
        }
        if (ending instanceof DeferredEnding.SendRedirect redirect) {
            return redirect.carryOut(real, keepBody);
        }
        return false;
    }

    /**
     * IIS's custom errors for a response that ends blank: if a module set this error {@code status}, the response
     * becomes the application's error page, with the sub-status and description as request attributes for it.
     */
    private void applyCustomError(HttpServletRequest request, int status) {
        if (!moduleSetStatus || trySkipCustomErrors || status < 400 || ending != null) {
            return;
        }
        request.setAttribute(SUB_STATUS_ATTRIBUTE, subStatus);
        if (errorDescription != null) {
            request.setAttribute(ERROR_DESCRIPTION_ATTRIBUTE, errorDescription);
        }
        ending = new DeferredEnding.SendError(errorDescription != null ? errorDescription : reason);
    }

    /** @return whether nothing was decided yet: no status details, ending, held-back length or trailer field */
    boolean untouched() {
        return contentLength == -1 && !bodyEdited && ending == null && subStatus == 0 && reason == null
                && errorDescription == null && !moduleSetStatus && !trySkipCustomErrors && trailers == null;
    }

    /** @return the Content-Length to send with the headers, or -1 to let the container frame the body */
    long declaredLength() {
        return bodyEdited ? -1 : contentLength;
    }

    /** A module rewrote the response: a pending sendError or sendRedirect of the servlet no longer applies. */
    void moduleTookOver() {
        ending = null;
    }

    /** {@code reset()}: the servlet's header decisions are gone. */
    void reset() {
        contentLength = -1;
        subStatus = 0;
        reason = null;
        moduleSetStatus = false;
        trySkipCustomErrors = false;
    }
}
