package io.iisport.sample.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;

/**
 * The handler behind the module paths ({@code /seed/*}, {@code /demo/*}, {@code /dynamic-ip/*}, {@code /bench/*}): a
 * short plain-text answer naming the path. A request with a body (POST, PUT) is answered once the whole body is
 * read, so a client that holds the body back keeps the request in flight.
 *
 * <p>A {@code delay} query parameter (milliseconds, 0 to 10000) holds the answer back that long
 * after the body is read: a browser, which cannot hold a request body back, keeps requests in flight that way (the
 * home page's demo of Dynamic IP Restrictions' concurrency limit). A {@code delay} that is no number in that range
 * gets 400.
 */
public class SampleServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    /** The longest {@code delay} accepted, in milliseconds. */
    static final long MAX_DELAY_MILLIS = 10_000;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        answer(request, response, -1);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        answer(request, response, drain(request.getInputStream()));
    }

    @Override
    protected void doPut(HttpServletRequest request, HttpServletResponse response) throws IOException {
        answer(request, response, drain(request.getInputStream()));
    }

    @Override
    protected void doDelete(HttpServletRequest request, HttpServletResponse response) throws IOException {
        answer(request, response, -1);
    }

    private static long drain(InputStream input) throws IOException {
        byte[] buffer = new byte[8192];
        long total = 0;
        for (int read; (read = input.read(buffer)) >= 0;) {
            total += read;
        }
        return total;
    }

    private static void answer(HttpServletRequest request, HttpServletResponse response, long bodyBytes)
            throws IOException {
        String delay = request.getParameter("delay");
        if (delay != null) {
            long millis = delayMillis(delay);
            if (millis < 0) {
                response.sendError(HttpServletResponse.SC_BAD_REQUEST,
                        "delay must be a number of milliseconds from 0 to " + MAX_DELAY_MILLIS + ", not '" + delay + "'");
                return;
            }
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while holding the answer back", e);
            }
        }
        response.setContentType("text/plain;charset=utf-8");
        PrintWriter writer = response.getWriter();
        writer.print("Hello from " + request.getMethod() + " " + request.getRequestURI());
        if (bodyBytes >= 0) {
            writer.print(", read " + bodyBytes + " body bytes");
        }
        writer.print("\n");
    }

    /** @return the {@code delay} in milliseconds, or -1 if it is no number from 0 to {@link #MAX_DELAY_MILLIS} */
    private static long delayMillis(String delay) {
        try {
            long millis = Long.parseLong(delay);
            return millis <= MAX_DELAY_MILLIS ? millis : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
