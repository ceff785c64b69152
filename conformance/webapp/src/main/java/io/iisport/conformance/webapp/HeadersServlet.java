package io.iisport.conformance.webapp;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;

/**
 * Status, headers, content type, charset and locale, by {@code mode}: {@code status} (setStatus({@code code}),
 * optionally a {@code body}), {@code json} (application/json through the writer), {@code latin1}
 * (text/plain;charset=ISO-8859-1 and a non-ASCII character), {@code locale} (setLocale({@code tag}) then the
 * writer), {@code typeAfterWriter} (a charset set after getWriter, which must be ignored), {@code custom} (set, add,
 * date and int headers), {@code shortLength} (Content-Length smaller than what is written) and {@code noType}
 * (bytes with no content type).
 */
public class HeadersServlet extends HttpServlet {
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String mode = Params.string(request, "mode", "status");
        switch (mode) {
            case "status" -> {
                response.setStatus(Params.integer(request, "code", 200));
                if (request.getParameter("body") != null) {
                    response.setContentType("text/plain");
                    response.getWriter().write(request.getParameter("body"));
                }
            }
            case "json" -> {
                response.setContentType("application/json");
                response.getWriter().write("{\"json\":true}");
            }
            case "latin1" -> {
                response.setContentType("text/plain;charset=ISO-8859-1");
                response.getWriter().write("caf\u00e9\n");
            }
            case "utf8" -> {
                response.setContentType("text/html");
                response.setCharacterEncoding("UTF-8");
                response.getWriter().write("<p>caf\u00e9 \u20ac</p>\n");
            }
            case "locale" -> {
                response.setContentType("text/plain");
                response.setLocale(Locale.forLanguageTag(Params.string(request, "tag", "fr-FR")));
                response.getWriter().write("caf\u00e9\n");
            }
            case "typeAfterWriter" -> {
                response.setContentType("text/plain;charset=UTF-8");
                response.getWriter().write("caf\u00e9\n");
                response.setContentType("text/html;charset=ISO-8859-1");
            }
            case "custom" -> {
                response.setContentType("text/plain");
                response.setHeader("X-Set", "one");
                response.addHeader("X-Added", "a");
                response.addHeader("X-Added", "b");
                response.setDateHeader("X-Date", 1_700_000_000_000L);
                response.setIntHeader("X-Int", 42);
                response.setHeader("Cache-Control", "max-age=60");
                response.getWriter().write("custom headers\n");
            }
            case "shortLength" -> {
                response.setContentType("text/plain");
                response.setContentLength(5);
                response.getOutputStream().write(Params.pattern(0, 10));
            }
            case "noType" -> response.getOutputStream().write(Params.pattern(0, 100));
            default -> throw new IllegalArgumentException("unknown mode=" + mode);
        }
    }
}
