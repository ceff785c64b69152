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
 * and the module methods of its notification and post-notification; adding a stage is one constant here.
 */
enum Stage {
    BEGIN_REQUEST(RQ_BEGIN_REQUEST, CHttpModule::onBeginRequest, CHttpModule::onPostBeginRequest),
    AUTHENTICATE_REQUEST(RQ_AUTHENTICATE_REQUEST, CHttpModule::onAuthenticateRequest,
            CHttpModule::onPostAuthenticateRequest),
    AUTHORIZE_REQUEST(RQ_AUTHORIZE_REQUEST, CHttpModule::onAuthorizeRequest, CHttpModule::onPostAuthorizeRequest),
    RESOLVE_REQUEST_CACHE(RQ_RESOLVE_REQUEST_CACHE, CHttpModule::onResolveRequestCache,
            CHttpModule::onPostResolveRequestCache),
    MAP_REQUEST_HANDLER(RQ_MAP_REQUEST_HANDLER, CHttpModule::onMapRequestHandler,
            CHttpModule::onPostMapRequestHandler),
    ACQUIRE_REQUEST_STATE(RQ_ACQUIRE_REQUEST_STATE, CHttpModule::onAcquireRequestState,
            CHttpModule::onPostAcquireRequestState),
    PRE_EXECUTE_REQUEST_HANDLER(RQ_PRE_EXECUTE_REQUEST_HANDLER, CHttpModule::onPreExecuteRequestHandler,
            CHttpModule::onPostPreExecuteRequestHandler),
    EXECUTE_REQUEST_HANDLER(RQ_EXECUTE_REQUEST_HANDLER, CHttpModule::onExecuteRequestHandler,
            CHttpModule::onPostExecuteRequestHandler),
    RELEASE_REQUEST_STATE(RQ_RELEASE_REQUEST_STATE, CHttpModule::onReleaseRequestState,
            CHttpModule::onPostReleaseRequestState),
    UPDATE_REQUEST_CACHE(RQ_UPDATE_REQUEST_CACHE, CHttpModule::onUpdateRequestCache,
            CHttpModule::onPostUpdateRequestCache),
    LOG_REQUEST(RQ_LOG_REQUEST, CHttpModule::onLogRequest, CHttpModule::onPostLogRequest),
    END_REQUEST(RQ_END_REQUEST, CHttpModule::onEndRequest, CHttpModule::onPostEndRequest),
    SEND_RESPONSE(RQ_SEND_RESPONSE, (module, context, provider) ->
            module.onSendResponse(context, (ISendResponseProvider) provider), null);

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

    /** A module method of one notification. */
    @FunctionalInterface
    interface Method {
        RequestNotificationStatus call(CHttpModule module, IHttpContext context, IHttpEventProvider provider);
    }

    final int mask;
    private final Method method;
    private final Method postMethod;

    Stage(int mask, Method method, Method postMethod) {
        this.mask = mask;
        this.method = method;
        this.postMethod = postMethod;
    }

    /** @return whether the stage has a post-notification ({@code RQ_SEND_RESPONSE} has none) */
    boolean hasPost() {
        return postMethod != null;
    }

    /** Calls the module's method for this notification or its post-notification. */
    RequestNotificationStatus invoke(boolean post, CHttpModule module, IHttpContext context,
            IHttpEventProvider provider) {
        return (post ? postMethod : method).call(module, context, provider);
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
