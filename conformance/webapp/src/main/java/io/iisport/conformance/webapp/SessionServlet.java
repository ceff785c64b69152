package io.iisport.conformance.webapp;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * Sessions and cookies, by {@code mode}: {@code create} (a new session), {@code afterLines} (a few lines written,
 * then a new session: the response is not committed yet, so it must work) and {@code cookie} (a cookie with a path,
 * max-age and HttpOnly, and the cookies the request brought).
 */
public class SessionServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String mode = Params.string(request, "mode", "create");
        response.setContentType("text/plain");
        PrintWriter writer = response.getWriter();
        switch (mode) {
            case "create" -> {
                HttpSession session = request.getSession(true);
                session.setAttribute("n", 1);
                writer.write("session new=" + session.isNew() + "\n");
            }
            case "afterLines" -> {
                for (int i = 0; i < 5; i++) {
                    writer.write("line " + i + "\n");
                }
                try {
                    writer.write("session new=" + request.getSession(true).isNew() + "\n");
                } catch (IllegalStateException e) {
                    writer.write("session: IllegalStateException\n");
                }
            }
            case "cookie" -> {
                Cookie cookie = new Cookie("flavour", "oat");
                cookie.setPath(Params.prefix(request) + "/");
                cookie.setMaxAge(60);
                cookie.setHttpOnly(true);
                response.addCookie(cookie);
                Cookie[] cookies = request.getCookies();
                writer.write("cookies:");
                if (cookies != null) {
                    for (Cookie c : cookies) {
                        writer.write(" " + c.getName() + "=" + c.getValue());
                    }
                }
                writer.write("\n");
            }
            default -> throw new IllegalArgumentException("unknown mode=" + mode);
        }
    }
}
