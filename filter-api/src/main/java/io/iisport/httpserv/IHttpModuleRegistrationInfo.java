package io.iisport.httpserv;

/**
 * Ports {@code IHttpModuleRegistrationInfo}, handed to {@link RegisterModule#registerModule}: the module's name,
 * its settings, and where it subscribes its factory to request notifications and its {@link CGlobalModule} to
 * global notifications. A module subscribes to one or both.
 */
public interface IHttpModuleRegistrationInfo {
    /**
     * Ports {@code GetName()}: the name given to the module in the filter's {@code modules} parameter.
     *
     * @return the module name
     */
    String getName();

    /**
     * Ports {@code GetId()}: the module's {@code HTTP_MODULE_ID}, the key of its stored contexts in an
     * {@link IHttpModuleContextContainer}.
     *
     * @return an id unique to this module of this filter, the same for the filter's life; by default this
     *     registration object itself
     */
    default Object getId() {
        return this;
    }

    /**
     * Ports {@code SetRequestNotifications(IHttpModuleFactory* pModuleFactory, DWORD dwRequestNotifications,
     * DWORD dwPostRequestNotifications)}.
     *
     * @param moduleFactory the factory that makes a module per request
     * @param requestNotifications an OR of {@link RequestNotification} values for the notifications
     * @param postRequestNotifications an OR of {@link RequestNotification} values for the post-notifications;
     *        {@code RQ_SEND_RESPONSE} has no post-notification
     * @throws IllegalArgumentException if the factory is {@code null}, both masks are empty, or a post mask names
     *         {@code RQ_SEND_RESPONSE}
     * @throws IllegalStateException if this module already subscribed a factory (IIS allows one per module)
     */
    void setRequestNotifications(IHttpModuleFactory moduleFactory, int requestNotifications, int postRequestNotifications);

    /**
     * Ports {@code SetPriorityForRequestNotification(DWORD dwRequestNotification, PCWSTR pszPriority)}: sets the
     * priority of this module for one notification (and its post-notification). The default is MEDIUM.
     *
     * @param requestNotification one {@link RequestNotification} value
     * @param priority one of the {@link PriorityAlias} values
     * @throws IllegalArgumentException if the notification is not a single known value or the alias is unknown
     */
    void setPriorityForRequestNotification(int requestNotification, String priority);

    /**
     * Ports {@code SetGlobalNotifications(CGlobalModule* pGlobalModule, DWORD dwGlobalNotifications)}: subscribes the
     * module's one application-wide object to global notifications. The filter raises
     * {@link GlobalNotification#GL_APPLICATION_START} (the filter starts), {@link GlobalNotification#GL_APPLICATION_STOP}
     * (it is destroyed) and {@link GlobalNotification#GL_PRE_BEGIN_REQUEST} (each request, before
     * {@code RQ_BEGIN_REQUEST}).
     *
     * @param globalModule the module's global object
     * @param globalNotifications an OR of those {@link GlobalNotification} values
     * @throws IllegalArgumentException naming the notification if the mask is empty, holds an unknown bit, or a
     *     notification the filter never raises (the worker-process, cache, configuration and tracing events, such as
     *     {@code GL_CACHE_CLEANUP} or {@code GL_CONFIGURATION_CHANGE}, which have no servlet meaning)
     * @throws NullPointerException if the module is {@code null}
     * @throws IllegalStateException if this module already subscribed a global module (IIS allows one per module)
     */
    void setGlobalNotifications(CGlobalModule globalModule, int globalNotifications);

    /**
     * Ports {@code SetPriorityForGlobalNotification(DWORD dwGlobalNotification, PCWSTR pszPriority)}: sets the priority
     * of this module's global module for one global notification. The default is MEDIUM; equal priorities run in
     * configuration order.
     *
     * @param globalNotification one {@link GlobalNotification} value the filter raises
     * @param priority one of the {@link PriorityAlias} values
     * @throws IllegalArgumentException if the notification is not one the filter raises or the alias is unknown
     */
    void setPriorityForGlobalNotification(int globalNotification, String priority);

    /**
     * Returns the module's settings: the filter init-params named {@code <module name>.<setting>} (Java addition,
     * standing for the configuration section an IIS module reads). Read them during {@code registerModule}: a
     * setting no module read fails the deployment as unknown.
     *
     * @return the module's settings
     */
    ModuleSettings getSettings();
}
