package io.iisport.filter;

import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.Part;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The request body as the handler (the servlet chain) sees it once modules took part of it
 * ({@code ReadEntityBody}/{@code InsertEntityBody}, see {@link RequestBody}): one stream or one reader, as the
 * Servlet spec allows (section 3.1 of {@code ServletRequest}: {@code getReader()} after {@code getInputStream()}
 * throws, and the reverse), and the parameters and parts parsed from it ({@link ModuleBodyForm}), since the container
 * parses from its own connection input, which no longer holds what modules took.
 */
final class HandlerBody {
    /** How the servlet took the body. */
    private enum Use { NONE, STREAM, READER }

    private final HttpServletRequest request;
    private final RequestBody body;
    private Use use = Use.NONE;
    private ServletInputStream input;
    private BufferedReader reader;
    /** The parameters and parts, once asked. */
    private ModuleBodyForm form;

    /**
     * @param request the filter's request: its character encoding, content type and method decide how the body
     *     is decoded and parsed
     */
    HandlerBody(HttpServletRequest request, RequestBody body) {
        this.request = request;
        this.body = body;
    }

    /**
     * {@code getInputStream()}.
     *
     * @throws IllegalStateException if the servlet already took the reader
     */
    ServletInputStream inputStream() throws IOException {
        if (use == Use.READER) {
            throw new IllegalStateException("getReader() was already called for this request");
        }
        use = Use.STREAM;
        if (input == null) {
            input = body.input();
        }
        return input;
    }

    /**
     * {@code getReader()}, decoding with the request's character encoding (ISO-8859-1 when it has none, as the
     * Servlet spec's default).
     *
     * @throws IllegalStateException if the servlet already took the stream
     * @throws UnsupportedEncodingException if the request's character encoding is not one Java knows
     */
    BufferedReader reader() throws IOException {
        if (use == Use.STREAM) {
            throw new IllegalStateException("getInputStream() was already called for this request");
        }
        if (reader == null) {
            String encoding = request.getCharacterEncoding();
            Charset charset;
            try {
                charset = encoding == null ? StandardCharsets.ISO_8859_1 : Charset.forName(encoding);
            } catch (RuntimeException e) {
                throw new UnsupportedEncodingException(encoding);
            }
            reader = new BufferedReader(new InputStreamReader(body.input(), charset));
            use = Use.READER;
        }
        return reader;
    }

    /**
     * The parameters: those of {@code query} and, unless the servlet already read the body itself, those of a POST
     * form or a multipart body.
     *
     * @param query the query string the servlet sees (after a SetUrl), or {@code null}
     * @throws UncheckedIOException if reading the body failed
     * @throws IllegalStateException if the multipart body does not parse
     */
    Map<String, String[]> parameters(String query) {
        return form(query).parameters();
    }

    /**
     * {@code getParts()}.
     *
     * @throws ServletException if the request is not {@code multipart/form-data}
     */
    List<Part> parts(String query) throws ServletException {
        List<Part> parts = form(query).parts();
        if (parts == null) {
            throw new ServletException("the request is not multipart/form-data");
        }
        return parts;
    }

    private ModuleBodyForm form(String query) {
        if (form == null) {
            try {
                form = ModuleBodyForm.parse(request, body, query, use == Use.NONE);
            } catch (IOException e) {
                throw new UncheckedIOException("iisport: reading the request body failed", e);
            } catch (ServletException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
        return form;
    }
}
