package io.iisport.conformance;

import io.iisport.conformance.Observation.Arrival;
import io.iisport.conformance.Observation.Field;
import io.iisport.conformance.Observation.Framing;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One HTTP/1 request on a new raw socket, and what came back, parsed here (RFC 9112) rather than by a client that
 * would hide framing and timing: every body byte's arrival time, the framing, trailers, and, after the response, a
 * second request on the same connection to learn whether it stayed open, was closed or was reset.
 *
 * @param method the request method
 * @param target the request target; {@code {p}} stands for the path prefix ({@code /b}, {@code /f} or {@code /z})
 * @param version {@code HTTP/1.1} or {@code HTTP/1.0}
 * @param headers extra header lines ({@code Host} is always sent)
 * @param body the request body, sent with a Content-Length when not empty
 * @param expectContinue whether to send {@code Expect: 100-continue} and the body only after a 100
 */
public record Http1Exchange(String method, String target, String version, List<String> headers, byte[] body,
        boolean expectContinue) implements Probe {

    /** Socket read timeout: a response that stalls this long is recorded as such, not waited for. */
    static final int READ_TIMEOUT_MS = 3000;

    @Override
    public Observation observe(int port, String prefix) throws IOException {
        String path = target.replace("{p}", prefix);
        StringBuilder head = new StringBuilder(method).append(' ').append(path).append(' ').append(version)
                .append("\r\nHost: 127.0.0.1:").append(port).append("\r\n");
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        if (body.length > 0) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        if (expectContinue) {
            head.append("Expect: 100-continue\r\n");
        }
        head.append("\r\n");
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(READ_TIMEOUT_MS);
            socket.setTcpNoDelay(true);
            OutputStream output = socket.getOutputStream();
            long start = System.nanoTime();
            output.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (!expectContinue) {
                output.write(body);
            }
            output.flush();
            TimedInput input = new TimedInput(socket.getInputStream(), start);
            return read(socket, input, output);
        }
    }

    private Observation read(Socket socket, TimedInput input, OutputStream output) throws IOException {
        StringBuilder interim = new StringBuilder();
        List<Field> fields = new ArrayList<>();
        int status;
        while (true) {
            String statusLine;
            try {
                statusLine = input.line();
            } catch (SocketTimeoutException e) {
                return failed(interim, "timeout before a response");
            } catch (SocketException e) {
                return failed(interim, "reset before a response");
            }
            if (statusLine == null) {
                return failed(interim, "closed before a response");
            }
            status = Integer.parseInt(statusLine.split(" ", 3)[1]);
            fields.clear();
            readFields(input, fields);
            if (status >= 100 && status < 200 && status != 101) {
                interim.append(interim.length() == 0 ? "" : " ").append(status);
                if (status == 100 && expectContinue) {
                    output.write(body);
                    output.flush();
                }
                continue;
            }
            break;
        }
        Observation.Framing framing = framing(status, fields);
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        List<Arrival> arrivals = new ArrayList<>();
        List<Field> trailers = new ArrayList<>();
        String end;
        try {
            boolean whole = switch (framing) {
                case CONTENT_LENGTH -> input.body(content, Long.parseLong(value(fields, "Content-Length").trim()), arrivals);
                case CHUNKED -> chunked(input, content, arrivals, trailers);
                case UNTIL_CLOSE -> input.body(content, -1, arrivals);
                default -> true;
            };
            if (!whole) {
                end = "closed before the whole body";
            } else if (framing == Framing.UNTIL_CLOSE) {
                end = "closed";
            } else if (status == 101) {
                end = "upgraded";
            } else {
                end = nextRequest(socket, input, output);
            }
        } catch (SocketTimeoutException e) {
            end = "timeout in the body";
        } catch (SocketException e) {
            end = "reset in the body";
        }
        return new Observation(status, interim.toString(), List.copyOf(fields), content.toByteArray(), framing,
                List.copyOf(trailers), end, List.copyOf(arrivals));
    }

    private static Observation failed(CharSequence interim, String end) {
        return new Observation(0, interim.toString(), List.of(), new byte[0], Framing.NONE, List.of(), end, List.of());
    }

    private static void readFields(TimedInput input, List<Field> fields) throws IOException {
        for (String line; (line = input.line()) != null && !line.isEmpty();) {
            int colon = line.indexOf(':');
            fields.add(new Field(line.substring(0, colon).trim(), line.substring(colon + 1).trim()));
        }
    }

    private Framing framing(int status, List<Field> fields) {
        if ("HEAD".equals(method) || status < 200 || status == 204 || status == 304) {
            return Framing.NO_BODY;
        }
        String transferEncoding = value(fields, "Transfer-Encoding");
        if (transferEncoding != null && transferEncoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            return Framing.CHUNKED;
        }
        return value(fields, "Content-Length") != null ? Framing.CONTENT_LENGTH : Framing.UNTIL_CLOSE;
    }

    private static String value(List<Field> fields, String name) {
        for (Field field : fields) {
            if (field.name().equalsIgnoreCase(name)) {
                return field.value();
            }
        }
        return null;
    }

    private static boolean chunked(TimedInput input, ByteArrayOutputStream content, List<Arrival> arrivals,
            List<Field> trailers) throws IOException {
        while (true) {
            String sizeLine = input.line();
            if (sizeLine == null) {
                return false;
            }
            int semicolon = sizeLine.indexOf(';');
            long size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                readFields(input, trailers);
                return true;
            }
            if (!input.body(content, size, arrivals) || input.line() == null) {
                return false;
            }
        }
    }

    /** Sends a second request on the connection: an answer means it stayed open. */
    private static String nextRequest(Socket socket, TimedInput input, OutputStream output) throws IOException {
        if (input.buffered() > 0) {
            return "open, with " + input.buffered() + " bytes after the response";
        }
        try {
            output.write("GET /u/target HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            output.flush();
            String statusLine = input.line();
            return statusLine == null ? "closed" : "open";
        } catch (SocketTimeoutException e) {
            return "open, but no answer to a second request";
        } catch (SocketException e) {
            return "reset";
        }
    }
}
