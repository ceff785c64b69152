package io.iisport.filter;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.util.Objects;

/** The servlet's {@link ServletOutputStream} and {@link PrintWriter}, writing into a {@link Sink}. */
final class ServletOutput {
    private ServletOutput() {
    }

    /** Where the servlet's stream and writer put their bytes: the servlet's view of the response. */
    interface Sink {
        void write(byte[] b, int off, int len) throws IOException;

        /** The servlet's {@code flush()}. */
        void flush() throws IOException;

        /** The servlet's {@code close()}: its later writes are dropped. */
        void close();

        boolean isReady() throws IOException;

        void setWriteListener(WriteListener listener) throws IOException;
    }

    /** The servlet's output stream. */
    static final class Stream extends ServletOutputStream {
        private final Sink sink;
        private final byte[] one = new byte[1];

        Stream(Sink sink) {
            this.sink = sink;
        }

        @Override
        public void write(int b) throws IOException {
            one[0] = (byte) b;
            sink.write(one, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            sink.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            sink.flush();
        }

        @Override
        public void close() {
            sink.close();
        }

        @Override
        public boolean isReady() {
            try {
                return sink.isReady();
            } catch (IOException e) {
                return true;
            }
        }

        @Override
        public void setWriteListener(WriteListener writeListener) {
            try {
                sink.setWriteListener(writeListener);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The servlet's writer: encodes into the sink on every write, so that no character waits in the encoder. */
    static final class Writer extends PrintWriter {
        private final Sink sink;
        /** The charset name, as the container reports it. */
        final String encoding;

        Writer(Sink sink, Charset charset, String encoding) {
            super(new EncodingWriter(sink, charset));
            this.sink = sink;
            this.encoding = encoding;
        }

        /** Pushes encoded characters into the sink without the servlet's flush semantics. */
        void encode() {
            super.flush();
        }

        @Override
        public void write(int c) {
            super.write(c);
            encode();
        }

        @Override
        public void write(char[] buf, int off, int len) {
            super.write(buf, off, len);
            encode();
        }

        @Override
        public void write(String s, int off, int len) {
            super.write(s, off, len);
            encode();
        }

        @Override
        public void flush() {
            encode();
            try {
                sink.flush();
            } catch (IOException e) {
                setError();
            }
        }

        @Override
        public void close() {
            encode();
            sink.close();
        }
    }

    /**
     * Encodes each write at once with {@link String#getBytes(Charset)}: no encoder object and no 8 KiB byte buffer
     * per response, as an {@link java.io.OutputStreamWriter} has; a high surrogate at the end of a write waits for its
     * pair. Unmappable characters become the charset's replacement, as the container's writer does.
     */
    static final class EncodingWriter extends java.io.Writer {
        private final Sink sink;
        private final Charset charset;
        private char pendingHigh;

        EncodingWriter(Sink sink, Charset charset) {
            this.sink = sink;
            this.charset = charset;
        }

        @Override
        public void write(int c) throws IOException {
            emit(String.valueOf((char) c));
        }

        @Override
        public void write(char[] buf, int off, int len) throws IOException {
            emit(new String(buf, off, len));
        }

        @Override
        public void write(String s, int off, int len) throws IOException {
            emit(off == 0 && len == s.length() ? s : s.substring(off, off + len));
        }

        private void emit(String s) throws IOException {
            if (pendingHigh != 0) {
                s = pendingHigh + s;
                pendingHigh = 0;
            }
            int n = s.length();
            if (n > 0 && Character.isHighSurrogate(s.charAt(n - 1))) {
                pendingHigh = s.charAt(n - 1);
                s = s.substring(0, n - 1);
            }
            if (!s.isEmpty()) {
                byte[] bytes = s.getBytes(charset);
                sink.write(bytes, 0, bytes.length);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
