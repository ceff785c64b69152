package io.iisport.httpserv;

import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;

/**
 * Ports {@code IHttpContext}: the request, the response and what belongs to one request.
 */
public interface IHttpContext {
    /**
     * Ports {@code GetRequest()}.
     *
     * @return the request
     */
    IHttpRequest getRequest();

    /**
     * Ports {@code GetResponse()}.
     *
     * @return the response
     */
    IHttpResponse getResponse();

    /**
     * Ports {@code GetUser()}: the authenticated user, as the servlet container knows it.
     *
     * @return the user, or {@code null} if the request is not authenticated
     */
    Principal getUser();

    /**
     * Ports {@code GetServerVariable(PCSTR pszVariableName, ...)} for the variables that have a servlet meaning:
     * {@code REMOTE_ADDR}, {@code REMOTE_HOST}, {@code REMOTE_PORT}, {@code REMOTE_USER}, {@code AUTH_TYPE},
     * {@code LOCAL_ADDR}, {@code SERVER_NAME}, {@code SERVER_PORT}, {@code SERVER_PROTOCOL}, {@code REQUEST_METHOD},
     * {@code URL}, {@code PATH_INFO}, {@code QUERY_STRING}, {@code HTTPS} ({@code "on"}/{@code "off"}),
     * {@code CONTENT_TYPE}, {@code CONTENT_LENGTH}, {@code HTTP_URL} (path and query as received), and
     * {@code HTTP_<NAME>} for request header {@code <NAME>} with '_' standing for '-'.
     *
     * @param variableName the variable name, case-insensitive
     * @return its value, or {@code null} if it has none here (IIS: {@code ERROR_INVALID_INDEX})
     */
    String getServerVariable(String variableName);

    /**
     * Ports {@code SetServerVariable(PCSTR pszVariableName, PCWSTR pszVariableValue)}: later
     * {@link #getServerVariable} calls of every module of the request return the value. Setting
     * {@code HTTP_<NAME>} sets request header {@code <NAME>} ('_' read as '-'), which the servlet sees; any other
     * variable reaches the servlet as the request attribute {@code io.iisport.serverVariable.<NAME>} (upper case).
     *
     * @param variableName the variable name, case-insensitive
     * @param variableValue its value; {@code null} removes a value set before
     * @throws IllegalArgumentException if the name is empty or a value holds CR, LF or NUL
     */
    void setServerVariable(String variableName, String variableValue);

    /**
     * Ports {@code GetModuleContextContainer()}: the request's stored contexts of the modules, released (each
     * context's {@code cleanupStoredContext()}) after the request's last notification.
     *
     * @return the request's container
     */
    IHttpModuleContextContainer getModuleContextContainer();

    /**
     * Ports {@code IndicateCompletion(REQUEST_NOTIFICATION_STATUS notificationStatus)}: finishes a notification for
     * which the module returned {@link RequestNotificationStatus#RQ_NOTIFICATION_PENDING}. Callable from any thread,
     * once per pending notification.
     *
     * @param notificationStatus {@code RQ_NOTIFICATION_CONTINUE} or {@code RQ_NOTIFICATION_FINISH_REQUEST}
     * @throws IllegalStateException if no notification of this request is pending
     * @throws IllegalArgumentException if the status is {@code RQ_NOTIFICATION_PENDING} or {@code null}
     */
    void indicateCompletion(RequestNotificationStatus notificationStatus);

    /**
     * Returns the servlet request this context wraps (Java addition: attributes, session, body).
     *
     * @return the servlet request
     */
    HttpServletRequest getServletRequest();
}
