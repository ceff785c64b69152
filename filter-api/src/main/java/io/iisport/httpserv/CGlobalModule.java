package io.iisport.httpserv;

import static io.iisport.httpserv.GlobalNotificationStatus.GL_NOTIFICATION_CONTINUE;

/**
 * Ports {@code CGlobalModule}: a module's one application-wide object for global notifications, registered with
 * {@link IHttpModuleRegistrationInfo#setGlobalNotifications}. The web application is the IIS application; a filter's
 * global modules see its start, its stop and each request it runs, before the request modules.
 *
 * <p>Override the methods of the notifications the module registered for; the others are never called. Global
 * modules of one notification run in priority order ({@link IHttpModuleRegistrationInfo#setPriorityForGlobalNotification}),
 * equal priorities in configuration order. The methods may be called on several threads at once
 * ({@code onGlobalPreBeginRequest} for concurrent requests), as in IIS.
 *
 * <p>A method that throws, or calls {@code setErrorStatus} on its provider, is logged with the module's name; from
 * {@code onGlobalApplicationStart} it fails the deployment (every module is terminated), from
 * {@code onGlobalPreBeginRequest} the request gets a 500, from {@code onGlobalApplicationStop} the other modules
 * still stop.
 */
public abstract class CGlobalModule {
    /**
     * Ports {@code OnGlobalApplicationStart(IHttpApplicationStartProvider*)}: the application starts, once, when the
     * filter starts, after every module of the filter registered and before the first request.
     *
     * @param provider the application
     * @return {@code GL_NOTIFICATION_HANDLED} to keep the later global modules from this notification
     */
    public GlobalNotificationStatus onGlobalApplicationStart(IHttpApplicationStartProvider provider) {
        return GL_NOTIFICATION_CONTINUE;
    }

    /**
     * Ports {@code OnGlobalApplicationStop(IHttpApplicationStopProvider*)}: the application stops, once, when the
     * filter is destroyed (undeploy, server stop), before any module's {@code terminate()}.
     *
     * @param provider the application
     * @return {@code GL_NOTIFICATION_HANDLED} to keep the later global modules from this notification
     */
    public GlobalNotificationStatus onGlobalApplicationStop(IHttpApplicationStopProvider provider) {
        return GL_NOTIFICATION_CONTINUE;
    }

    /**
     * Ports {@code OnGlobalPreBeginRequest(IPreBeginRequestProvider*)}: "occurs before a request enters the
     * pipeline" — each request, before {@code RQ_BEGIN_REQUEST}.
     *
     * <p>{@code GL_NOTIFICATION_HANDLED} keeps the later global modules from this request and, since the module
     * answered it through {@code provider.getHttpContext().getResponse()}, ends the request as
     * {@code RQ_NOTIFICATION_FINISH_REQUEST} does: no request module's notification up to and including
     * {@code RQ_EXECUTE_REQUEST_HANDLER} is raised and the servlet is not called; the response the module wrote is
     * sent, and {@code RQ_SEND_RESPONSE}, {@code RQ_LOG_REQUEST} and {@code RQ_END_REQUEST} still run, so logging
     * modules see the request. (The IIS documentation says only that no further global notification is processed;
     * ending the request is how global modules such as a response cache use it.)
     *
     * @param provider the request's context
     * @return {@code GL_NOTIFICATION_CONTINUE}, or {@code GL_NOTIFICATION_HANDLED} when the module answered the request
     */
    public GlobalNotificationStatus onGlobalPreBeginRequest(IPreBeginRequestProvider provider) {
        return GL_NOTIFICATION_CONTINUE;
    }

    /**
     * Ports {@code Terminate()}: called once when the filter is destroyed, after {@code GL_APPLICATION_STOP}, or when
     * the deployment fails after the module registered. The IIS form deletes the module; in Java release what it
     * holds, if anything.
     */
    public void terminate() {
    }
}
