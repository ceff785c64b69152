package io.iisport.conformance.webapp;

import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.io.UncheckedIOException;

/** A jakarta.websocket endpoint that echoes each text message as {@code "echo: " + message}. */
public class EchoEndpoint extends Endpoint {
    static void register(Object serverContainer, String... paths) {
        ServerContainer container = (ServerContainer) serverContainer;
        try {
            for (String path : paths) {
                container.addEndpoint(ServerEndpointConfig.Builder.create(EchoEndpoint.class, path).build());
            }
        } catch (DeploymentException e) {
            throw new IllegalStateException("cannot deploy the echo endpoint", e);
        }
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        session.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> {
            try {
                session.getBasicRemote().sendText("echo: " + text);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
