package io.iisport.sample.bodyrewrite;

import static io.iisport.httpserv.RequestNotification.RQ_SEND_RESPONSE;
import static io.iisport.httpserv.RequestNotificationStatus.RQ_NOTIFICATION_CONTINUE;

import io.iisport.httpserv.CHttpModule;
import io.iisport.httpserv.HttpDataChunk;
import io.iisport.httpserv.IHttpContext;
import io.iisport.httpserv.IHttpModuleRegistrationInfo;
import io.iisport.httpserv.IHttpResponse;
import io.iisport.httpserv.IHttpServer;
import io.iisport.httpserv.ISendResponseProvider;
import io.iisport.httpserv.ModuleSettings;
import io.iisport.httpserv.RegisterModule;
import io.iisport.httpserv.RequestNotificationStatus;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * A response-body rewriter, the way native modules such as ModSecurity inspect and replace the response in IIS: in
 * {@code OnSendResponse} it reads the buffered entity ({@code GetRawHttpResponse()->pEntityChunks}, here
 * {@link IHttpResponse#getEntityChunks()}), replaces a string in it, and writes the result back after
 * {@code Clear()}. The servlet's {@code Content-Length} no longer holds once the body changed; the filter lets the
 * container frame the new body.
 *
 * <p>Settings: {@code find} (required), {@code replace} (default empty), {@code contentTypes} (media types whose
 * bodies are rewritten, default {@code text/html}). The body is decoded with the response's charset. Each send is
 * rewritten on its own: a response that streams past the filter's {@code responseBufferLimit} or flushes may have a
 * match split across two sends, which is then left as is — keep rewritten responses within the limit.
 */
public final class ResponseBodyRewriteModule implements RegisterModule {
    @Override
    public void registerModule(int serverVersion, IHttpModuleRegistrationInfo moduleInfo, IHttpServer globalInfo) {
        ModuleSettings settings = moduleInfo.getSettings();
        String find = settings.get("find", "");
        if (find.isEmpty()) {
            throw settings.invalid("find", find, "is required: the text to replace in response bodies");
        }
        String replace = settings.get("replace", "");
        List<String> types = settings.getList("contentTypes");
        List<String> contentTypes = types.isEmpty() ? List.of("text/html")
                : types.stream().map(type -> type.toLowerCase(Locale.ROOT)).toList();
        moduleInfo.setRequestNotifications(() -> new Rewriter(find, replace, contentTypes), RQ_SEND_RESPONSE, 0);
    }

    /** The per-request module. */
    static final class Rewriter extends CHttpModule {
        private final String find;
        private final String replace;
        private final List<String> contentTypes;

        Rewriter(String find, String replace, List<String> contentTypes) {
            this.find = find;
            this.replace = replace;
            this.contentTypes = contentTypes;
        }

        @Override
        public RequestNotificationStatus onSendResponse(IHttpContext httpContext, ISendResponseProvider provider) {
            IHttpResponse response = httpContext.getResponse();
            String contentType = response.getHeader("Content-Type");
            if (contentType == null || contentTypes.stream().noneMatch(
                    type -> contentType.toLowerCase(Locale.ROOT).startsWith(type))) {
                return RQ_NOTIFICATION_CONTINUE;
            }
            ByteArrayOutputStream entity = new ByteArrayOutputStream();
            for (HttpDataChunk chunk : response.getEntityChunks()) {
                entity.write(chunk.getBuffer(), chunk.getBufferOffset(), (int) chunk.getLength());
            }
            Charset charset = charsetOf(contentType);
            String body = entity.toString(charset);
            if (body.contains(find)) {
                response.clear();
                response.writeEntityChunks(HttpDataChunk.fromString(body.replace(find, replace), charset));
            }
            return RQ_NOTIFICATION_CONTINUE;
        }

        private static Charset charsetOf(String contentType) {
            int at = contentType.toLowerCase(Locale.ROOT).indexOf("charset=");
            if (at < 0) {
                return StandardCharsets.ISO_8859_1;
            }
            String name = contentType.substring(at + 8).split("[;\\s]")[0].replace("\"", "");
            try {
                return Charset.forName(name);
            } catch (RuntimeException e) {
                return StandardCharsets.ISO_8859_1;
            }
        }
    }
}
