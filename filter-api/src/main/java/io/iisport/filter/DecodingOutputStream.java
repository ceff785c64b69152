package io.iisport.filter;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;

/**
 * Bytes that a writer encoded, given back to another writer as the characters they were: for a response whose
 * container-side output is the container's {@code PrintWriter} (so that a servlet the filter does not wrap can go
 * on with {@code getWriter()}). A character split across two writes is kept until its last byte comes.
 */
final class DecodingOutputStream extends OutputStream {
    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0).asReadOnlyBuffer();
    private static final int MAX_CHARS = 8192;
    private final Writer writer;
    private final CharsetDecoder decoder;
    /** Bytes of a character not complete yet (at most a few). */
    private ByteBuffer pending = NOTHING;
    /** Sized to the writes seen, up to {@link #MAX_CHARS}: a short response's decoding allocates little. */
    private CharBuffer chars = CharBuffer.allocate(0);

    DecodingOutputStream(Writer writer, Charset charset) {
        this.writer = writer;
        this.decoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        ByteBuffer in;
        if (pending.hasRemaining()) {
            in = ByteBuffer.allocate(pending.remaining() + len);
            in.put(pending).put(b, off, len).flip();
        } else {
            in = ByteBuffer.wrap(b, off, len);
        }
        if (chars.capacity() < MAX_CHARS && chars.capacity() < in.remaining()) {
            chars = CharBuffer.allocate(Math.min(MAX_CHARS, Math.max(in.remaining(), 256)));
        }
        while (true) {
            CoderResult result = decoder.decode(in, chars, false);
            chars.flip();
            writer.write(chars.array(), 0, chars.limit());
            chars.clear();
            if (!result.isOverflow()) {
                break;
            }
        }
        pending = in.hasRemaining() ? ByteBuffer.allocate(in.remaining()).put(in).flip() : NOTHING;
    }

    @Override
    public void flush() throws IOException {
        writer.flush();
    }

    /** Closes the writer: the container completes the response, as when the servlet closes its writer. */
    @Override
    public void close() throws IOException {
        writer.close();
    }
}
