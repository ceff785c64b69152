package io.iisport.filter;

/**
 * Checks header names and values before they reach the container, where IIS would return an error {@code HRESULT}.
 */
final class HttpSyntax {
    private HttpSyntax() {
    }

    /**
     * Checks a header name: a non-empty RFC 9110 token.
     *
     * @throws IllegalArgumentException naming the header if it is not a token
     */
    static String checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("header name is empty");
        }
        for (int i = 0; i < name.length(); i++) {
            if (!isTokenChar(name.charAt(i))) {
                throw new IllegalArgumentException("header name '" + printable(name)
                        + "' holds a character not allowed in an HTTP token at index " + i);
            }
        }
        return name;
    }

    /**
     * Checks a header value (or a reason phrase, or a URL): no CR, LF or NUL.
     *
     * @throws IllegalArgumentException naming what and the value if it holds CR, LF or NUL
     */
    static String checkValue(String what, String value) {
        if (value == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                throw new IllegalArgumentException(what + " '" + printable(value)
                        + "' holds CR, LF or NUL at index " + i + " (response splitting)");
            }
        }
        return value;
    }

    private static boolean isTokenChar(char c) {
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
            return true;
        }
        return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    /** Shows control characters escaped, so that a log line or message cannot itself be split. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r') {
                b.append("\\r");
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
