package io.iisport.conformance;

import io.iisport.conformance.Observation.Field;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Compares what a case got behind the filter with what it got bare, after normalising only what must differ:
 * <ul>
 * <li>the path prefix: {@code /f/}, {@code /z/} and {@code /l/} read as {@code /b/} in header values, trailers and bodies (the
 * same length, so body offsets stay true). Location, cookie Path, error-page URIs and echoed request URIs are
 * then compared, not ignored;</li>
 * <li>{@link #ALLOWED_TO_DIFFER}: {@code Date} (the clock);</li>
 * <li>a session id's value ({@code JSESSIONID=...}): random per session;</li>
 * <li>a cookie's {@code Expires} when it carries {@code Max-Age}: the container derives it from the clock, like
 * {@code Date};</li>
 * <li>{@code Last-Modified}'s value: {@code /b/static/x} and {@code /f/static/x} are two copies of a file, made by
 * the build a moment apart (whether conditional requests get 304 is still compared by status);</li>
 * <li>a multipart/byteranges boundary: random per response on Jetty;</li>
 * <li>an ETag's opaque value (its weakness and a {@code --gzip} suffix are kept): Jetty derives it from the
 * resource's name, and {@code /b/static/x} and {@code /f/static/x} are two resources;</li>
 * <li>Content-Length and Transfer-Encoding when the case did not fix the framing: a container may send a
 * buffered body with a length or chunked, and the filter buffers; when the case fixed it, the framing is compared;
 * </li>
 * <li>a gzip body is compared decompressed: deflate output depends on how the writes were split.</li>
 * </ul>
 */
public final class Comparison {
    /** Header fields allowed to differ, lower case, each with its reason in the class comment. */
    public static final Set<String> ALLOWED_TO_DIFFER = Set.of("date");
    /** A piece flushed behind the filter must arrive no later than this many milliseconds after its bare arrival. */
    public static final double ARRIVAL_TOLERANCE_MS = 100;

    private static final Set<String> FRAMING_FIELDS = Set.of("content-length", "transfer-encoding");
    private static final Pattern PREFIX = Pattern.compile("/[fzl]/");
    private static final Pattern SESSION_ID = Pattern.compile("(JSESSIONID=)[^;,\\s]+");
    private static final Pattern COOKIE_EXPIRES = Pattern.compile("(?i)(; *Expires=)[^;]+(?=;.*Max-Age=)");
    private static final Pattern ETAG = Pattern.compile("\"[^\"]*?(--gzip)?\"");
    private static final Pattern BOUNDARY = Pattern.compile("boundary=([^;\\s]+)");

    private Comparison() {
    }

    /** @return each difference, one line each; empty when the filtered response is as the bare one */
    public static List<String> differences(Case c, Observation bare, Observation filtered) {
        List<String> differences = new ArrayList<>();
        if (bare.status() != filtered.status()) {
            differences.add("status: bare " + bare.status() + ", filtered " + filtered.status());
        }
        if (!bare.interim().equals(filtered.interim())) {
            differences.add("interim responses: bare [" + bare.interim() + "], filtered [" + filtered.interim() + "]");
        }
        List<String> bareHeaders = normalise(bare.headers(), c.framing());
        List<String> filteredHeaders = normalise(filtered.headers(), c.framing());
        for (String header : bareHeaders) {
            if (!filteredHeaders.contains(header)) {
                differences.add("header only bare: " + header);
            }
        }
        for (String header : filteredHeaders) {
            if (!bareHeaders.contains(header)) {
                differences.add("header only filtered: " + header);
            }
        }
        if (c.framing() && bare.framing() != filtered.framing()) {
            differences.add("framing: bare " + bare.framing() + ", filtered " + filtered.framing());
        }
        List<String> bareTrailers = normalise(bare.trailers(), true);
        List<String> filteredTrailers = normalise(filtered.trailers(), true);
        if (!bareTrailers.equals(filteredTrailers)) {
            differences.add("trailers: bare " + bareTrailers + ", filtered " + filteredTrailers);
        }
        String bodyDifference = bodyDifference(body(bare), body(filtered));
        if (bodyDifference != null) {
            differences.add(bodyDifference);
        }
        if (!bare.end().equals(filtered.end())) {
            differences.add("end: bare " + bare.end() + ", filtered " + filtered.end());
        }
        if (c.timed()) {
            differences.addAll(arrivalDifferences(c, bare, filtered));
        }
        return differences;
    }

    private static List<String> normalise(List<Field> fields, boolean framing) {
        List<String> normalised = new ArrayList<>();
        for (Field field : fields) {
            String name = field.name().toLowerCase(Locale.ROOT);
            if (ALLOWED_TO_DIFFER.contains(name) || (!framing && FRAMING_FIELDS.contains(name))) {
                continue;
            }
            String value = PREFIX.matcher(field.value()).replaceAll("/b/");
            value = SESSION_ID.matcher(value).replaceAll("$1<session-id>");
            if (name.equals("last-modified")) {
                value = "<last-modified>";
            }
            if (name.equals("set-cookie")) {
                value = COOKIE_EXPIRES.matcher(value).replaceAll("$1<clock>");
            }
            value = BOUNDARY.matcher(value).replaceAll("boundary=<boundary>");
            if (name.equals("etag")) {
                value = ETAG.matcher(value).replaceAll("\"<etag>$1\"");
            }
            normalised.add(name + ": " + value);
        }
        return normalised;
    }

    /** The body as compared: gunzipped if gzip-coded, prefix and multipart boundary normalised. */
    private static byte[] body(Observation observation) {
        byte[] body = observation.body();
        String encoding = observation.header("Content-Encoding");
        if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("gzip")) {
            try (InputStream gunzip = new GZIPInputStream(new ByteArrayInputStream(body))) {
                body = gunzip.readAllBytes();
            } catch (IOException e) {
                body = ("<not valid gzip: " + e.getMessage() + ">").getBytes(StandardCharsets.ISO_8859_1);
            }
        }
        String text = new String(body, StandardCharsets.ISO_8859_1);
        text = PREFIX.matcher(text).replaceAll("/b/");
        String type = observation.header("Content-Type");
        if (type != null) {
            Matcher boundary = BOUNDARY.matcher(type);
            if (boundary.find()) {
                text = text.replace(boundary.group(1), "<boundary>");
            }
        }
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String bodyDifference(byte[] bare, byte[] filtered) {
        int length = Math.min(bare.length, filtered.length);
        int offset = 0;
        while (offset < length && bare[offset] == filtered[offset]) {
            offset++;
        }
        if (offset == length && bare.length == filtered.length) {
            return null;
        }
        return "body: " + bare.length + " bytes bare, " + filtered.length + " filtered; first difference at offset "
                + offset + ": bare \"" + excerpt(bare, offset) + "\", filtered \"" + excerpt(filtered, offset) + "\"";
    }

    private static String excerpt(byte[] body, int offset) {
        int from = Math.max(0, offset - 10);
        int to = Math.min(body.length, offset + 30);
        StringBuilder excerpt = new StringBuilder(from > 0 ? "..." : "");
        for (int i = from; i < to; i++) {
            char ch = (char) (body[i] & 0xff);
            excerpt.append(ch == '\n' ? "\\n" : ch == '\r' ? "\\r" : ch < 0x20 || ch > 0x7e ? "." : String.valueOf(ch));
        }
        return excerpt.append(to < body.length ? "..." : "").toString();
    }

    private static List<String> arrivalDifferences(Case c, Observation bare, Observation filtered) {
        List<String> differences = new ArrayList<>();
        List<Long> ends = c.pieceEnds(bare.body());
        for (int i = 0; i < ends.size(); i++) {
            long end = ends.get(i);
            double bareAt = bare.arrivalOf(end);
            double filteredAt = filtered.arrivalOf(end);
            // Only lateness counts: a piece cannot leave before the servlet flushed it, so an earlier arrival
            // behind the filter is the bare run's own delay (the first exchange on a fresh connection, mostly).
            if (Double.isNaN(filteredAt) || filteredAt - bareAt > ARRIVAL_TOLERANCE_MS) {
                differences.add(String.format(Locale.ROOT,
                        "timing: piece %d (body bytes up to %d) arrived at %.0f ms bare, %.0f ms filtered", i + 1, end,
                        bareAt, filteredAt));
            }
        }
        return differences;
    }
}
