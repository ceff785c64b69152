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
 */
public class SampleServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

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
        response.setContentType("text/plain;charset=utf-8");
        PrintWriter writer = response.getWriter();
        writer.print("Hello from " + request.getMethod() + " " + request.getRequestURI());
        if (bodyBytes >= 0) {
            writer.print(", read " + bodyBytes + " body bytes");
        }
        writer.print("\n");
    }
}
