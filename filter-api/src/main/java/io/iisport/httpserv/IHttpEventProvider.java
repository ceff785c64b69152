package io.iisport.httpserv;

/**
 * Ports {@code IHttpEventProvider}, the second argument of every notification method.
 */
public interface IHttpEventProvider {
    /**
     * Ports {@code SetErrorStatus(HRESULT hrError)}: reports that the module failed. The pipeline then behaves as
     * if the module had thrown this error: it is logged with the module's name, the response becomes a 500 if it is
     * not yet committed, and only {@code RQ_SEND_RESPONSE}, {@code RQ_LOG_REQUEST} and {@code RQ_END_REQUEST} run.
     *
     * @param error what went wrong, not {@code null}
     */
    void setErrorStatus(Throwable error);
}
