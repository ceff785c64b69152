package io.iisport.httpserv;

/**
 * Ports {@code IHttpModuleRegistrationInfo}, handed to {@link RegisterModule#registerModule}: the module's name,
 * its settings, and where it subscribes its factory to request notifications.
 *
 * <p>Global notifications ({@code SetGlobalNotifications}) have no servlet meaning and are absent.
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
     * Returns the module's settings: the filter init-params named {@code <module name>.<setting>} (Java addition,
     * standing for the configuration section an IIS module reads). Read them during {@code registerModule}: a
     * setting no module read fails the deployment as unknown.
     *
     * @return the module's settings
     */
    ModuleSettings getSettings();
}
