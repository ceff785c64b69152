package io.iisport.filter;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.Part;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.fileupload2.core.FileItemHeaders;
import org.apache.commons.fileupload2.core.FileItemInput;
import org.apache.commons.fileupload2.core.FileItemInputIterator;
import org.apache.commons.fileupload2.core.FileUploadException;
import org.apache.commons.fileupload2.core.FileUploadSizeException;
import org.apache.commons.fileupload2.jakarta.servlet6.JakartaServletFileUpload;

/**
 * The parameters and parts of a request whose body a module read or inserted. Neither Jetty 12 (ee10) nor Tomcat 10.1
 * parses a form or a multipart body through the wrapper's {@code getInputStream()}: both read their own connection
 * input (Jetty's {@code ServletApiRequest} its {@code HttpInput} and core request content, Tomcat's connector
 * {@code Request.parseParameters}/{@code parseParts} its coyote input), which no longer holds what the module took.
 * So the filter parses from the module's body: forms with {@link URLDecoder} as the Servlet spec (3.1.1) states them,
 * multipart with Apache Commons FileUpload, whose parser Tomcat itself embeds; each part is held in memory, the whole
 * body bounded by the filter's {@code requestBodyLimit}.
 */
final class ModuleBodyForm {
    private final Map<String, String[]> parameters;
    private final List<Part> parts;

    private ModuleBodyForm(Map<String, String[]> parameters, List<Part> parts) {
        this.parameters = parameters;
        this.parts = parts;
    }

    Map<String, String[]> parameters() {
        return parameters;
    }

    /** @return the parts, or {@code null} if the request is not {@code multipart/form-data} */
    List<Part> parts() {
        return parts;
    }

    /**
     * Parses the query and, for a POST form or any multipart request, the body.
     *
     * @param request the filter's request (its {@code getInputStream()} reads the module's body)
     * @param query the query string whose parameters come first, or {@code null}
     * @param readBody whether the body may still be read (the servlet has not taken its input)
     * @throws IllegalStateException naming the limit if the body is over the filter's {@code requestBodyLimit}
     */
    static ModuleBodyForm parse(HttpServletRequest request, RequestBody body, String query, boolean readBody)
            throws IOException, ServletException {
        Charset charset = bodyCharset(request);
        Map<String, List<String>> values = new LinkedHashMap<>();
        addUrlEncoded(values, query, UrlRewrite.queryCharset(request));
        String contentType = request.getContentType() == null ? "" : request.getContentType().toLowerCase(Locale.ROOT);
        List<Part> parts = null;
        if (readBody && contentType.startsWith("application/x-www-form-urlencoded")
                && "POST".equals(request.getMethod())) {
            addUrlEncoded(values, new String(body.readAll(), StandardCharsets.ISO_8859_1), charset);
        } else if (readBody && contentType.startsWith("multipart/form-data")) {
            parts = parseParts(request, body.limit(), charset);
            for (Part part : parts) {
                if (part.getSubmittedFileName() == null) {
                    values.computeIfAbsent(part.getName(), n -> new ArrayList<>())
                            .add(new String(((BufferedPart) part).content, charset));
                }
            }
        }
        Map<String, String[]> parameters = new LinkedHashMap<>();
        values.forEach((name, list) -> parameters.put(name, list.toArray(String[]::new)));
        return new ModuleBodyForm(Collections.unmodifiableMap(parameters), parts);
    }

    /** The request's character encoding, else the web application's, else UTF-8 (as Jetty 12 decodes forms). */
    private static Charset bodyCharset(HttpServletRequest request) {
        String encoding = request.getCharacterEncoding();
        if (encoding == null) {
            encoding = request.getServletContext().getRequestCharacterEncoding();
        }
        try {
            return encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }

    private static void addUrlEncoded(Map<String, List<String>> values, String encoded, Charset charset) {
        if (encoded == null || encoded.isEmpty()) {
            return;
        }
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), charset);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), charset);
            values.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
    }

    private static List<Part> parseParts(HttpServletRequest request, long limit, Charset charset)
            throws IOException, ServletException {
        JakartaServletFileUpload<?, ?> upload = new JakartaServletFileUpload<>();
        upload.setSizeMax(limit);
        upload.setHeaderCharset(charset);
        List<Part> parts = new ArrayList<>();
        try {
            FileItemInputIterator items = upload.getItemIterator(request);
            while (items.hasNext()) {
                FileItemInput item = items.next();
                byte[] content;
                try (InputStream in = item.getInputStream()) {
                    content = in.readAllBytes();
                }
                parts.add(new BufferedPart(item.getFieldName(), item.isFormField() ? null : item.getName(),
                        item.getContentType(), item.getHeaders(), content,
                        (File) request.getServletContext().getAttribute("jakarta.servlet.context.tempdir")));
            }
        } catch (FileUploadSizeException e) {
            throw new IllegalStateException("iisport: the multipart body is over the filter's requestBodyLimit of "
                    + limit + " bytes", e);
        } catch (FileUploadException e) {
            throw new ServletException("iisport: the multipart/form-data body does not parse: " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return Collections.unmodifiableList(parts);
    }

    /** A part of a multipart body, held in memory. */
    static final class BufferedPart implements Part {
        private final String name;
        private final String submittedFileName;
        private final String contentType;
        private final FileItemHeaders headers;
        private final byte[] content;
        private final File tempDir;

        BufferedPart(String name, String submittedFileName, String contentType, FileItemHeaders headers,
                byte[] content, File tempDir) {
            this.name = name;
            this.submittedFileName = submittedFileName;
            this.contentType = contentType;
            this.headers = headers;
            this.content = content;
            this.tempDir = tempDir;
        }

        @Override
        public InputStream getInputStream() {
            return new ByteArrayInputStream(content);
        }

        @Override
        public String getContentType() {
            return contentType;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public String getSubmittedFileName() {
            return submittedFileName;
        }

        @Override
        public long getSize() {
            return content.length;
        }

        /** Writes the part to {@code fileName}; a relative name is in the web application's temporary directory. */
        @Override
        public void write(String fileName) throws IOException {
            Path path = Path.of(fileName);
            if (!path.isAbsolute() && tempDir != null) {
                path = tempDir.toPath().resolve(path);
            }
            Files.write(path, content);
        }

        /** Nothing to delete: the part is held in memory. */
        @Override
        public void delete() {
        }

        @Override
        public String getHeader(String headerName) {
            return headers.getHeader(headerName);
        }

        @Override
        public Collection<String> getHeaders(String headerName) {
            List<String> values = new ArrayList<>();
            headers.getHeaders(headerName).forEachRemaining(values::add);
            return values;
        }

        @Override
        public Collection<String> getHeaderNames() {
            List<String> names = new ArrayList<>();
            headers.getHeaderNames().forEachRemaining(names::add);
            return names;
        }
    }
}
