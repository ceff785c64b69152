package io.iisport.filter;

import static io.iisport.httpserv.RequestNotification.RQ_ACQUIRE_REQUEST_STATE;
import static io.iisport.httpserv.RequestNotification.RQ_AUTHENTICATE_REQUEST;
import static io.iisport.httpserv.RequestNotification.RQ_AUTHORIZE_REQUEST;
import static io.iisport.httpserv.RequestNotification.RQ_BEGIN_REQUEST;
import static io.iisport.httpserv.RequestNotification.RQ_END_REQUEST;
import static io.iisport.httpserv.RequestNotification.RQ_EXECUTE_REQUEST_HANDLER;
import static io.iisport.httpserv.RequestNotification.RQ_LOG_REQUEST;
import static io.iisport.httpserv.RequestNotification.RQ_MAP_REQUEST_HANDLER;
import static io.iisport.httpserv.RequestNotification.RQ_PRE_EXECUTE_REQUEST_HANDLER;
import static io.iisport.httpserv.RequestNotification.RQ_RELEASE_REQUEST_STATE;
import static io.iisport.httpserv.RequestNotification.RQ_RESOLVE_REQUEST_CACHE;
import static io.iisport.httpserv.RequestNotification.RQ_SEND_RESPONSE;
import static io.iisport.httpserv.RequestNotification.RQ_UPDATE_REQUEST_CACHE;

import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpEventProvider;
import io.iisport.httpserv.ISendResponseProvider;
import io.iisport.httpserv.RequestNotification;
import io.iisport.httpserv.RequestNotificationStatus;
import java.util.EnumSet;

/**
 * The notifications the filter raises: the twelve deterministic stages of the IIS integrated pipeline in their
 * order, then {@code RQ_SEND_RESPONSE}, which is raised whenever output goes out. Each carries its {@code RQ_*} mask
 * and calls the module methods of its notification and post-notification; adding a stage is one constant and one
 * case of {@link #invoke} here.
 */
enum Stage {
    BEGIN_REQUEST(RQ_BEGIN_REQUEST),
    AUTHENTICATE_REQUEST(RQ_AUTHENTICATE_REQUEST),
    AUTHORIZE_REQUEST(RQ_AUTHORIZE_REQUEST),
    RESOLVE_REQUEST_CACHE(RQ_RESOLVE_REQUEST_CACHE),
    MAP_REQUEST_HANDLER(RQ_MAP_REQUEST_HANDLER),
    ACQUIRE_REQUEST_STATE(RQ_ACQUIRE_REQUEST_STATE),
    PRE_EXECUTE_REQUEST_HANDLER(RQ_PRE_EXECUTE_REQUEST_HANDLER),
    EXECUTE_REQUEST_HANDLER(RQ_EXECUTE_REQUEST_HANDLER),
    RELEASE_REQUEST_STATE(RQ_RELEASE_REQUEST_STATE),
    UPDATE_REQUEST_CACHE(RQ_UPDATE_REQUEST_CACHE),
    LOG_REQUEST(RQ_LOG_REQUEST),
    END_REQUEST(RQ_END_REQUEST),
    SEND_RESPONSE(RQ_SEND_RESPONSE);

    /**
     * The notifications of one part of the pipeline, in the order they are raised: each stage's notification, then
     * its post-notification.
     */
    enum Section {
        /** BEGIN_REQUEST to PRE_EXECUTE_REQUEST_HANDLER, then the modules' part of EXECUTE_REQUEST_HANDLER. */
        BEFORE_HANDLER(false, BEGIN_REQUEST, PRE_EXECUTE_REQUEST_HANDLER, true),
        /** EXECUTE_REQUEST_HANDLER's post-notification, RELEASE_REQUEST_STATE and UPDATE_REQUEST_CACHE. */
        AFTER_HANDLER(false, EXECUTE_REQUEST_HANDLER, UPDATE_REQUEST_CACHE, false),
        /** LOG_REQUEST and END_REQUEST, raised for every request, also after FINISH_REQUEST and failures. */
        FINAL(true, LOG_REQUEST, END_REQUEST, false);

        /**
         * IIS: "guaranteed to execute": neither FINISH_REQUEST nor a failure skips the section's later notifications
         * (FINISH_REQUEST skips its notification's post-notification only); in the others they end the section.
         */
        final boolean guaranteed;
        private final Stage[] stages;
        private final boolean[] posts;

        /**
         * @param withHandler BEFORE_HANDLER: EXECUTE_REQUEST_HANDLER's notification ends the section; otherwise
         *     {@code first}'s post-notification starts it when {@code first} is EXECUTE_REQUEST_HANDLER
         */
        Section(boolean guaranteed, Stage first, Stage last, boolean withHandler) {
            this.guaranteed = guaranteed;
            int count = 2 * (last.ordinal() - first.ordinal() + 1) + (withHandler ? 1 : 0)
                    - (first == EXECUTE_REQUEST_HANDLER ? 1 : 0);
            this.stages = new Stage[count];
            this.posts = new boolean[count];
            int i = 0;
            for (Stage stage : EnumSet.range(first, last)) {
                if (stage != EXECUTE_REQUEST_HANDLER) {
                    stages[i++] = stage;
                }
                stages[i] = stage;
                posts[i++] = true;
            }
            if (withHandler) {
                stages[i] = EXECUTE_REQUEST_HANDLER;
            }
        }

        /** @return how many notifications the section has */
        int size() {
            return stages.length;
        }

        Stage stage(int index) {
            return stages[index];
        }

        boolean post(int index) {
            return posts[index];
        }

        /** @return the index of a notification in this section, or -1 */
        int indexOf(Stage stage, boolean post) {
            for (int i = 0; i < stages.length; i++) {
                if (stages[i] == stage && posts[i] == post) {
                    return i;
                }
            }
            return -1;
        }

        /** @return the section of a notification other than SEND_RESPONSE */
        static Section of(Stage stage, boolean post) {
            for (Section section : values()) {
                if (section.indexOf(stage, post) >= 0) {
                    return section;
                }
            }
            throw new IllegalArgumentException(stage.describe(post) + " belongs to no section");
        }
    }

    /** Every {@code RQ_*} bit the filter raises. */
    static final int RAISED_MASK;

    static {
        int raised = 0;
        for (Stage stage : values()) {
            raised |= stage.mask;
        }
        RAISED_MASK = raised;
    }

    final int mask;

    Stage(int mask) {
        this.mask = mask;
    }

    /** @return whether the stage has a post-notification ({@code RQ_SEND_RESPONSE} has none) */
    boolean hasPost() {
        return this != SEND_RESPONSE;
    }

    /**
     * Calls the module's method for this notification or its post-notification. A switch on the stage rather than a
     * method reference kept per constant: every pipeline of the JVM calls through here, so a functional interface's
     * call site sees every stage's implementation and is dispatched through a lookup stub on every notification.
     *
     * @throws IllegalArgumentException for the post-notification of {@code RQ_SEND_RESPONSE}, which has none
     */
    RequestNotificationStatus invoke(boolean post, CHttpModule module, IHttpContext context,
            IHttpEventProvider provider) {
        return switch (this) {
            case BEGIN_REQUEST -> post ? module.onPostBeginRequest(context, provider)
                    : module.onBeginRequest(context, provider);
            case AUTHENTICATE_REQUEST -> post ? module.onPostAuthenticateRequest(context, provider)
                    : module.onAuthenticateRequest(context, provider);
            case AUTHORIZE_REQUEST -> post ? module.onPostAuthorizeRequest(context, provider)
                    : module.onAuthorizeRequest(context, provider);
            case RESOLVE_REQUEST_CACHE -> post ? module.onPostResolveRequestCache(context, provider)
                    : module.onResolveRequestCache(context, provider);
            case MAP_REQUEST_HANDLER -> post ? module.onPostMapRequestHandler(context, provider)
                    : module.onMapRequestHandler(context, provider);
            case ACQUIRE_REQUEST_STATE -> post ? module.onPostAcquireRequestState(context, provider)
                    : module.onAcquireRequestState(context, provider);
            case PRE_EXECUTE_REQUEST_HANDLER -> post ? module.onPostPreExecuteRequestHandler(context, provider)
                    : module.onPreExecuteRequestHandler(context, provider);
            case EXECUTE_REQUEST_HANDLER -> post ? module.onPostExecuteRequestHandler(context, provider)
                    : module.onExecuteRequestHandler(context, provider);
            case RELEASE_REQUEST_STATE -> post ? module.onPostReleaseRequestState(context, provider)
                    : module.onReleaseRequestState(context, provider);
            case UPDATE_REQUEST_CACHE -> post ? module.onPostUpdateRequestCache(context, provider)
                    : module.onUpdateRequestCache(context, provider);
            case LOG_REQUEST -> post ? module.onPostLogRequest(context, provider)
                    : module.onLogRequest(context, provider);
            case END_REQUEST -> post ? module.onPostEndRequest(context, provider)
                    : module.onEndRequest(context, provider);
            case SEND_RESPONSE -> {
                if (post) {
                    throw new IllegalArgumentException("RQ_SEND_RESPONSE has no post-notification");
                }
                yield module.onSendResponse(context, (ISendResponseProvider) provider);
            }
        };
    }

    /** @return the IIS name of the notification, with " (post)" for the post-notification */
    String describe(boolean post) {
        return RequestNotification.nameOf(mask) + (post ? " (post)" : "");
    }

    /**
     * @return the stage of a single {@code RQ_*} value, or {@code null} for a known notification the filter never
     *     raises
     * @throws IllegalArgumentException if the value is not a single known notification
     */
    static Stage of(int notification) {
        for (Stage stage : values()) {
            if (stage.mask == notification) {
                return stage;
            }
        }
        RequestNotification.nameOf(notification); // throws for an unknown value
        return null;
    }
}
