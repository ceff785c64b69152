package io.iisport.conformance.webapp;

import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;

/** Query parameters of the catalogue's servlets, and the body pattern they write. */
final class Params {
    /** The pattern's alphabet: ASCII, so a writer in any ASCII-compatible charset writes the same bytes. */
    private static final byte[] ALPHABET =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-\n".getBytes(StandardCharsets.US_ASCII);

    private Params() {
    }

    static String string(HttpServletRequest request, String name, String defaultValue) {
        String value = request.getParameter(name);
        return value == null ? defaultValue : value;
    }

    static int integer(HttpServletRequest request, String name, int defaultValue) {
        String value = request.getParameter(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("query parameter " + name + "=" + value + " is not an integer", e);
        }
    }

    static boolean flag(HttpServletRequest request, String name) {
        return Boolean.parseBoolean(request.getParameter(name));
    }

    /** @return the path prefix the request came in on: {@code /b}, {@code /f} or {@code /z} */
    static String prefix(HttpServletRequest request) {
        String path = request.getServletPath();
        int slash = path.indexOf('/', 1);
        return slash < 0 ? path : path.substring(0, slash);
    }

    /** @return {@code length} bytes of the pattern, starting at pattern offset {@code offset} */
    static byte[] pattern(long offset, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = ALPHABET[(int) ((offset + i) % ALPHABET.length)];
        }
        return bytes;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
