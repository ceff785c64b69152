package io.iisport.conformance.webapp;

import jakarta.servlet.ServletConfig;
import jakarta.servlet.UnavailableException;
import jakarta.servlet.http.HttpServlet;

/** A servlet that is permanently unavailable: its init throws, so the container answers in its place. */
public class UnavailableServlet extends HttpServlet {
    @Override
    public void init(ServletConfig config) throws UnavailableException {
        throw new UnavailableException("unavailable on purpose");
    }
}
