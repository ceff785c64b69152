package io.iisport.httpserv;

/**
 * Ports {@code IPreBeginRequestProvider}, handed to {@link CGlobalModule#onGlobalPreBeginRequest}.
 * {@link #setErrorStatus} fails the request as throwing does (a 500).
 */
public interface IPreBeginRequestProvider extends IHttpEventProvider {
    /**
     * Ports {@code GetHttpContext()}.
     *
     * @return the context of the request about to enter the pipeline: its request, response and server variables
     */
    IHttpContext getHttpContext();
}
