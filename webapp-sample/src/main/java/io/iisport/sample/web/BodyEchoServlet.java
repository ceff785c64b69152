package io.iisport.sample.web;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Locale;

/**
 * Echoes what the servlet API gives of a POST body, behind the request-body inspector: the form parameters of an
 * {@code application/x-www-form-urlencoded} body, the parts of a {@code multipart/form-data} one (name, file name,
 * size, content), and any other body as read through {@code getInputStream()}.
 */
public class BodyEchoServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        response.setContentType("text/plain;charset=utf-8");
        PrintWriter writer = response.getWriter();
        writer.print("Content-Length: " + request.getContentLengthLong() + "\n");
        String contentType = request.getContentType() == null ? ""
                : request.getContentType().toLowerCase(Locale.ROOT);
        if (contentType.startsWith("multipart/form-data")) {
            for (Part part : request.getParts()) {
                String content;
                try (InputStream in = part.getInputStream()) {
                    content = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                writer.print("part " + part.getName() + " file=" + part.getSubmittedFileName() + " size="
                        + part.getSize() + ": " + content + "\n");
            }
        } else if (contentType.startsWith("application/x-www-form-urlencoded")) {
            for (String name : Collections.list(request.getParameterNames())) {
                writer.print("parameter " + name + "=" + Arrays.toString(request.getParameterValues(name)) + "\n");
            }
        } else {
            byte[] body = request.getInputStream().readAllBytes();
            writer.print("body " + body.length + " bytes: " + new String(body, StandardCharsets.UTF_8) + "\n");
        }
    }
}
