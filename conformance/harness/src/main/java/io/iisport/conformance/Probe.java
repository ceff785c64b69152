package io.iisport.conformance;

/** How a case talks to the server: sends its request with a path prefix and records what comes back. */
@FunctionalInterface
public interface Probe {
    /**
     * @param port the server's port on 127.0.0.1
     * @param prefix {@code /b} (no filter) or the filtered prefix
     * @return what the client saw
     * @throws Exception if the client itself fails (a server's misbehaviour is recorded, not thrown)
     */
    Observation observe(int port, String prefix) throws Exception;
}
