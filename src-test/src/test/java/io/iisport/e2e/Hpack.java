package io.iisport.e2e;

import io.iisport.test.http2.Http2FrameClient;
import io.iisport.test.http2.Http2FrameClient.Frame;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedList;
import java.util.List;
import org.eclipse.jetty.http.compression.EncodingException;
import org.eclipse.jetty.http.compression.HuffmanDecoder;
import org.eclipse.jetty.http2.hpack.HpackContext;

/**
 * A lenient HPACK decoder (RFC 7541) for the header blocks a {@link Http2FrameClient} reads: it returns every field
 * the server sent, in order, as sent, where Jetty's own decoder refuses a block with a connection-specific field
 * (RFC 9113 §8.2.2) and so cannot show one. One instance per connection, fed its HEADERS in order, since the blocks
 * share the connection's dynamic table.
 */
final class Hpack {
    /** One decoded field. */
    record Field(String name, String value) {
        @Override
        public String toString() {
            return name + ": " + value;
        }
    }

    private static final int CONTINUATION = 0x9;

    /** The dynamic table, newest first (RFC 7541 §2.3.2). */
    private final LinkedList<Field> dynamic = new LinkedList<>();
    private int maxSize = 4096;
    private int size;

    /**
     * Decodes the header block of the HEADERS frame {@code headers}, continued by the CONTINUATION frames after it in
     * {@code frames} until END_HEADERS.
     */
    List<Field> decode(List<Frame> frames, Frame headers) throws EncodingException {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        byte[] payload = headers.payload();
        int start = 0;
        int end = payload.length;
        if ((headers.flags() & Http2FrameClient.PADDED) != 0) {
            end -= payload[0] & 0xFF;
            start = 1;
        }
        if ((headers.flags() & Http2FrameClient.PRIORITY) != 0) {
            start += 5;
        }
        block.write(payload, start, end - start);
        boolean endHeaders = (headers.flags() & Http2FrameClient.END_HEADERS) != 0;
        for (int i = frames.indexOf(headers) + 1; !endHeaders && i < frames.size(); i++) {
            Frame next = frames.get(i);
            if (next.type() == CONTINUATION && next.stream() == headers.stream()) {
                block.writeBytes(next.payload());
                endHeaders = (next.flags() & Http2FrameClient.END_HEADERS) != 0;
            }
        }
        if (!endHeaders) {
            throw new AssertionError("the header block of " + headers + " does not end in " + frames);
        }
        return decode(ByteBuffer.wrap(block.toByteArray()));
    }

    private List<Field> decode(ByteBuffer block) throws EncodingException {
        List<Field> fields = new ArrayList<>();
        while (block.hasRemaining()) {
            int first = block.get(block.position()) & 0xFF;
            if ((first & 0x80) != 0) {
                fields.add(entry(integer(block, 7)));
            } else if ((first & 0x40) != 0) {
                Field field = literal(block, 6);
                fields.add(field);
                add(field);
            } else if ((first & 0x20) != 0) {
                maxSize = integer(block, 5);
                evict();
            } else {
                // Without indexing (0000) or never indexed (0001).
                fields.add(literal(block, 4));
            }
        }
        return fields;
    }

    private Field literal(ByteBuffer block, int prefix) throws EncodingException {
        int index = integer(block, prefix);
        String name = index == 0 ? string(block) : entry(index).name();
        return new Field(name, string(block));
    }

    private Field entry(int index) {
        if (index <= 0) {
            throw new AssertionError("HPACK index " + index);
        }
        if (index < HpackContext.STATIC_TABLE.length) {
            String[] entry = HpackContext.STATIC_TABLE[index];
            return new Field(entry[0], entry[1] == null ? "" : entry[1]);
        }
        int dynamicIndex = index - HpackContext.STATIC_TABLE.length;
        if (dynamicIndex >= dynamic.size()) {
            throw new AssertionError("HPACK index " + index + " past the dynamic table " + dynamic);
        }
        return dynamic.get(dynamicIndex);
    }

    private void add(Field field) {
        dynamic.addFirst(field);
        size += entrySize(field);
        evict();
    }

    private void evict() {
        while (size > maxSize) {
            size -= entrySize(dynamic.removeLast());
        }
    }

    private static int entrySize(Field field) {
        return field.name().getBytes(StandardCharsets.ISO_8859_1).length
                + field.value().getBytes(StandardCharsets.ISO_8859_1).length + 32;
    }

    /** An integer with an N-bit prefix (RFC 7541 §5.1). */
    private static int integer(ByteBuffer block, int prefix) {
        int mask = (1 << prefix) - 1;
        int value = block.get() & mask;
        if (value < mask) {
            return value;
        }
        int shift = 0;
        int b;
        do {
            b = block.get() & 0xFF;
            value += (b & 0x7F) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        return value;
    }

    /** A string literal, Huffman-coded or not (RFC 7541 §5.2). */
    private static String string(ByteBuffer block) throws EncodingException {
        boolean huffman = (block.get(block.position()) & 0x80) != 0;
        int length = integer(block, 7);
        ByteBuffer bytes = block.slice(block.position(), length);
        block.position(block.position() + length);
        if (!huffman) {
            return StandardCharsets.ISO_8859_1.decode(bytes).toString();
        }
        HuffmanDecoder decoder = new HuffmanDecoder();
        decoder.setLength(length);
        return decoder.decode(bytes);
    }
}
