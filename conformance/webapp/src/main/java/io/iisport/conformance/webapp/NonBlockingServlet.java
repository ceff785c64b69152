package io.iisport.conformance.webapp;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Non-blocking output: {@code size} bytes in writes of {@code chunk} bytes through a {@link WriteListener} while
 * {@code isReady()}; then {@code complete()} right after the last write ({@code complete=immediate}) or once
 * {@code isReady()} says the last write is done ({@code complete=ready}).
 */
public class NonBlockingServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        int size = Params.integer(request, "size", 0);
        int chunk = Params.integer(request, "chunk", 65536);
        boolean immediate = "immediate".equals(Params.string(request, "complete", "immediate"));
        if (Params.flag(request, "length")) {
            response.setContentLengthLong(size);
        }
        response.setContentType("application/octet-stream");
        AsyncContext async = request.startAsync();
        ServletOutputStream output = response.getOutputStream();
        output.setWriteListener(new WriteListener() {
            private int written;

            @Override
            public void onWritePossible() throws IOException {
                while (output.isReady()) {
                    if (written == size) {
                        async.complete();
                        return;
                    }
                    int n = Math.min(chunk, size - written);
                    output.write(Params.pattern(written, n));
                    written += n;
                    if (written == size && immediate) {
                        async.complete();
                        return;
                    }
                }
            }

            @Override
            public void onError(Throwable failure) {
                async.complete();
            }
        });
    }
}
