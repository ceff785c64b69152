package io.iisport.httpserv;

import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;

/**
 * Ports {@code IHttpContext}: the request, the response and what belongs to one request.
 *
 * <p>Valid until the request's {@code RQ_END_REQUEST} notifications returned, as in IIS, where the context is freed
 * with the request. A module's own thread that keeps it longer finds its response calls doing nothing, and its calls
 * that read or change the request, the server variables, the user, or the response's header fields and status
 * throwing {@link IllegalStateException}: the container may already serve another request with the same objects.
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
     * which the module returned {@link RequestNotificationStatus#RQ_NOTIFICATION_PENDING}; the pipeline goes on as if
     * the notification had returned {@code notificationStatus}. Callable from any thread, once per pending
     * notification; it returns at once, and the pipeline goes on on a container thread (see
     * {@link RequestNotificationStatus#RQ_NOTIFICATION_PENDING}).
     *
     * @param notificationStatus {@code RQ_NOTIFICATION_CONTINUE} or {@code RQ_NOTIFICATION_FINISH_REQUEST}
     * @throws IllegalStateException if no notification of this request is pending, or it was already completed
     * @throws IllegalArgumentException if the status is {@code RQ_NOTIFICATION_PENDING} or {@code null}
     */
    void indicateCompletion(RequestNotificationStatus notificationStatus);

    /**
     * Ports {@code PostCompletion(DWORD cbBytes)}: finishes a notification for which the module returned
     * {@link RequestNotificationStatus#RQ_NOTIFICATION_PENDING} by having the pipeline call the module's
     * {@link CHttpModule#onAsyncCompletion} for it, whose {@link IHttpCompletionInfo#getCompletionBytes()} is
     * {@code completionBytes} and whose return value is the notification's status. As in IIS, that call comes on
     * another thread than the caller's (the container's, through {@code AsyncContext.start}) and this method returns
     * at once. The request's own thread makes the call when it waits (see
     * {@link RequestNotificationStatus#RQ_NOTIFICATION_PENDING}), and when the module posted before its notification
     * method returned PENDING. Callable from any thread, once per pending notification.
     *
     * @param completionBytes the byte count {@code OnAsyncCompletion} sees; IIS's {@code DWORD}, here an
     *     {@code int} from 0 to {@link Integer#MAX_VALUE}
     * @throws IllegalArgumentException if {@code completionBytes} is negative
     * @throws IllegalStateException if no notification of this request is pending, or it was already completed
     */
    void postCompletion(int completionBytes);

    /**
     * Returns the servlet request this context wraps (Java addition: attributes, session, body).
     *
     * @return the servlet request
     */
    HttpServletRequest getServletRequest();
}
