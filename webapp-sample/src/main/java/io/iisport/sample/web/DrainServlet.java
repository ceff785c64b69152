package io.iisport.sample.web;

import io.iisport.sample.drain.DrainSwitch;
import io.iisport.sample.dynamicip.IpAddressRange;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /admin/drain}: the drain switch of {@link io.iisport.sample.drain.DrainModule}. {@code GET} answers
 * {@code draining=true} or {@code draining=false}; {@code POST} with the parameter {@code draining=true|false}
 * (query string or form) sets it and answers the new state. Only loopback clients may {@code POST} (403 otherwise);
 * a missing or wrong value is a 400.
 */
public class DrainServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(DrainServlet.class);

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        answer(response, DrainSwitch.of(getServletContext()));
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        InetAddress remote = IpAddressRange.parseLiteral(request.getRemoteAddr());
        if (remote == null || !remote.isLoopbackAddress()) {
            response.sendError(HttpServletResponse.SC_FORBIDDEN, "only loopback clients may switch draining");
            return;
        }
        String value = request.getParameter("draining");
        if (!"true".equalsIgnoreCase(value) && !"false".equalsIgnoreCase(value)) {
            response.sendError(HttpServletResponse.SC_BAD_REQUEST, "expected draining=true or draining=false");
            return;
        }
        AtomicBoolean drainSwitch = DrainSwitch.of(getServletContext());
        boolean draining = Boolean.parseBoolean(value.toLowerCase(java.util.Locale.ROOT));
        boolean was = drainSwitch.getAndSet(draining);
        if (was != draining) {
            LOG.info("draining switched {} by {}", draining ? "on" : "off", request.getRemoteAddr());
        }
        answer(response, drainSwitch);
    }

    private static void answer(HttpServletResponse response, AtomicBoolean drainSwitch) throws IOException {
        response.setContentType("text/plain;charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().print("draining=" + drainSwitch.get() + "\n");
    }
}
