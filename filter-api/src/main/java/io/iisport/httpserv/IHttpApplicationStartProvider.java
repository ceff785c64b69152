package io.iisport.httpserv;

/**
 * Ports {@code IHttpApplicationStartProvider}, handed to {@link CGlobalModule#onGlobalApplicationStart}.
 * {@link #setErrorStatus} fails the start as throwing does.
 */
public interface IHttpApplicationStartProvider extends IHttpEventProvider {
    /**
     * Ports {@code GetApplication()}.
     *
     * @return the application that starts
     */
    IHttpApplication getApplication();
}
