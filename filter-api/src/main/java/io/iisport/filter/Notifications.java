package io.iisport.filter;

import static io.iisport.httpserv.RequestNotification.*;

import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpEventProvider;
import io.iisport.httpserv.ISendResponseProvider;
import io.iisport.httpserv.RequestNotificationStatus;

/**
 * The notifications the filter raises, by index: the twelve deterministic stages in IIS order, then
 * {@code RQ_SEND_RESPONSE}. Dispatch is a switch, with no reflection on the request path.
 */
final class Notifications {
    static final int BEGIN_REQUEST = 0;
    static final int AUTHENTICATE_REQUEST = 1;
    static final int AUTHORIZE_REQUEST = 2;
    static final int RESOLVE_REQUEST_CACHE = 3;
    static final int MAP_REQUEST_HANDLER = 4;
    static final int ACQUIRE_REQUEST_STATE = 5;
    static final int PRE_EXECUTE_REQUEST_HANDLER = 6;
    static final int EXECUTE_REQUEST_HANDLER = 7;
    static final int RELEASE_REQUEST_STATE = 8;
    static final int UPDATE_REQUEST_CACHE = 9;
    static final int LOG_REQUEST = 10;
    static final int END_REQUEST = 11;
    static final int SEND_RESPONSE = 12;
    static final int COUNT = 13;

    private static final int[] MASKS = {
        RQ_BEGIN_REQUEST, RQ_AUTHENTICATE_REQUEST, RQ_AUTHORIZE_REQUEST, RQ_RESOLVE_REQUEST_CACHE,
        RQ_MAP_REQUEST_HANDLER, RQ_ACQUIRE_REQUEST_STATE, RQ_PRE_EXECUTE_REQUEST_HANDLER, RQ_EXECUTE_REQUEST_HANDLER,
        RQ_RELEASE_REQUEST_STATE, RQ_UPDATE_REQUEST_CACHE, RQ_LOG_REQUEST, RQ_END_REQUEST, RQ_SEND_RESPONSE
    };

    private Notifications() {
    }

    /** @return the {@code RQ_*} mask of a notification index */
    static int mask(int index) {
        return MASKS[index];
    }

    /**
     * @return the index of a single {@code RQ_*} value, or -1 for a known notification the filter never raises
     * @throws IllegalArgumentException if the value is not a single known notification
     */
    static int indexOf(int notification) {
        for (int i = 0; i < COUNT; i++) {
            if (MASKS[i] == notification) {
                return i;
            }
        }
        nameOf(notification); // throws for an unknown value
        return -1;
    }

    /** @return the IIS name of a notification, with " (post)" for a post-notification */
    static String describe(int index, boolean post) {
        return nameOf(MASKS[index]) + (post ? " (post)" : "");
    }

    /** Calls the module's method for a notification. */
    static RequestNotificationStatus invoke(int index, boolean post, CHttpModule module, IHttpContext context,
            IHttpEventProvider provider) {
        switch (index) {
            case BEGIN_REQUEST:
                return post ? module.onPostBeginRequest(context, provider) : module.onBeginRequest(context, provider);
            case AUTHENTICATE_REQUEST:
                return post ? module.onPostAuthenticateRequest(context, provider)
                        : module.onAuthenticateRequest(context, provider);
            case AUTHORIZE_REQUEST:
                return post ? module.onPostAuthorizeRequest(context, provider)
                        : module.onAuthorizeRequest(context, provider);
            case RESOLVE_REQUEST_CACHE:
                return post ? module.onPostResolveRequestCache(context, provider)
                        : module.onResolveRequestCache(context, provider);
            case MAP_REQUEST_HANDLER:
                return post ? module.onPostMapRequestHandler(context, provider)
                        : module.onMapRequestHandler(context, provider);
            case ACQUIRE_REQUEST_STATE:
                return post ? module.onPostAcquireRequestState(context, provider)
                        : module.onAcquireRequestState(context, provider);
            case PRE_EXECUTE_REQUEST_HANDLER:
                return post ? module.onPostPreExecuteRequestHandler(context, provider)
                        : module.onPreExecuteRequestHandler(context, provider);
            case EXECUTE_REQUEST_HANDLER:
                return post ? module.onPostExecuteRequestHandler(context, provider)
                        : module.onExecuteRequestHandler(context, provider);
            case RELEASE_REQUEST_STATE:
                return post ? module.onPostReleaseRequestState(context, provider)
                        : module.onReleaseRequestState(context, provider);
            case UPDATE_REQUEST_CACHE:
                return post ? module.onPostUpdateRequestCache(context, provider)
                        : module.onUpdateRequestCache(context, provider);
            case LOG_REQUEST:
                return post ? module.onPostLogRequest(context, provider) : module.onLogRequest(context, provider);
            case END_REQUEST:
                return post ? module.onPostEndRequest(context, provider) : module.onEndRequest(context, provider);
            case SEND_RESPONSE:
                return module.onSendResponse(context, (ISendResponseProvider) provider);
            default:
                throw new IllegalArgumentException("notification index " + index);
        }
    }
}
