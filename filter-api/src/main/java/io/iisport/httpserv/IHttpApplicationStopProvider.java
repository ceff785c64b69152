package io.iisport.httpserv;

/**
 * Ports {@code IHttpApplicationStopProvider}, handed to {@link CGlobalModule#onGlobalApplicationStop}.
 * {@link #setErrorStatus} is logged as throwing is; the other modules still stop.
 */
public interface IHttpApplicationStopProvider extends IHttpEventProvider {
    /**
     * Ports {@code GetApplication()}.
     *
     * @return the application that stops
     */
    IHttpApplication getApplication();
}
