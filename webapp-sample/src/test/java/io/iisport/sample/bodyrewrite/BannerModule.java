package io.iisport.sample.bodyrewrite;

import static io.iisport.httpserv.RequestNotification.RQ_SEND_RESPONSE;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;

import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.HttpDataChunk;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.ISendResponseProvider;
import io.iisport.httpserv.RegisterModule;
import io.iisport.httpserv.RequestNotificationStatus;
import java.nio.charset.StandardCharsets;

/** Inserts a banner before the buffered body at the final send: {@code WriteEntityChunkByReference} at position 0. */
public final class BannerModule implements RegisterModule {
    @Override
    public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer globalInfo) {
        moduleInfo.setRequestNotifications(() -> new CHttpModule() {
            @Override
            public RequestNotificationStatus onSendResponse(IHttpContext context, ISendResponseProvider provider) {
                if ((provider.getFlags() & ISendResponseProvider.HTTP_SEND_RESPONSE_FLAG_MORE_DATA) == 0) {
                    context.getResponse().writeEntityChunkByReference(
                            HttpDataChunk.fromString("banner;", StandardCharsets.US_ASCII), 0);
                }
                return RQ_NOTIFICATION_CONTINUE;
            }
        }, RQ_SEND_RESPONSE, 0);
    }
}
