package io.iisport.conformance.webapp;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

/**
 * Registers a jakarta.websocket echo endpoint ({@link EchoEndpoint}) at {@code /b/ws}, {@code /f/ws}, {@code /z/ws},
 * {@code /l/ws}
 * and {@code /d/ws} (behind the {@link DisconnectModule}) when the container provides jakarta.websocket (the ServerContainer attribute); without it those
 * paths answer 404. This class names no jakarta.websocket type, so it loads on a container without them.
 */
public class WebSocketEndpoints implements ServletContextListener {
    @Override
    public void contextInitialized(ServletContextEvent event) {
        Object container = event.getServletContext().getAttribute("jakarta.websocket.server.ServerContainer");
        if (container == null) {
            event.getServletContext().log("no jakarta.websocket ServerContainer: no echo endpoint");
            return;
        }
        EchoEndpoint.register(container, "/b/ws", "/f/ws", "/z/ws", "/l/ws", "/d/ws");
    }
}
