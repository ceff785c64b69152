package io.iisport.filter;

import io.iisport.httpserv.HttpDataChunk;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/**
 * The response entity as modules write and read it, in IIS's {@code HTTP_DATA_CHUNK}s ({@link HttpDataChunk}): what
 * they write goes through the filter's {@link ResponseOutput} as the servlet's writes do; a module's write replaces
 * the servlet's pending {@code sendError}/{@code sendRedirect} and voids its declared {@code Content-Length}. After a
 * reset or close, writes are counted as IIS counts them and send nothing.
 */
final class EntityChunks {
    private static final int FILE_PIECE = 64 * 1024;

    private final ResponseOutput output;
    private final ResponseMetadata metadata;

    EntityChunks(ResponseOutput output, ResponseMetadata metadata) {
        this.output = output;
        this.metadata = metadata;
    }

    private boolean discarding() {
        return output.discarding();
    }

    /**
     * {@code WriteEntityChunks}: appends each chunk's bytes (memory, or a file range read in 64 KiB pieces).
     *
     * @return the bytes written
     * @throws IllegalArgumentException if {@code dataChunks} is or holds {@code null}
     * @throws UncheckedIOException if a file chunk cannot be read or its range passes the end of the file
     */
    long write(HttpDataChunk[] dataChunks) {
        if (dataChunks == null) {
            throw new IllegalArgumentException("dataChunks is null");
        }
        long total = 0;
        for (HttpDataChunk chunk : dataChunks) {
            if (chunk == null) {
                throw new IllegalArgumentException("dataChunks holds null");
            }
            total += writeChunk(chunk, output::write);
        }
        return total;
    }

    /**
     * {@code WriteEntityChunkByReference}: {@code insertPosition} -1 appends, 0 inserts before the buffered entity.
     *
     * @return the bytes written
     * @throws IllegalArgumentException for another position, or a {@code null} chunk
     */
    long writeByReference(HttpDataChunk dataChunk, int insertPosition) {
        if (dataChunk == null) {
            throw new IllegalArgumentException("dataChunk is null");
        }
        if (insertPosition == -1) {
            return writeChunk(dataChunk, output::write);
        }
        if (insertPosition != 0) {
            throw new IllegalArgumentException("insert position " + insertPosition
                    + " is neither -1 (append) nor 0 (before the buffered body)");
        }
        ByteArrayOutputStream before = new ByteArrayOutputStream();
        long length = writeChunk(dataChunk, before::write);
        try {
            output.insertBefore(before.toByteArray(), 0, before.size());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return length;
    }

    /**
     * {@code GetRawHttpResponse()->pEntityChunks}: a copy of the entity buffered now (the whole body at the final
     * send, the slice being sent while streaming), one chunk, or none when nothing is buffered.
     */
    HttpDataChunk[] current() {
        try {
            byte[] buffered = output.bufferedCopy();
            return buffered.length == 0 ? new HttpDataChunk[0] : new HttpDataChunk[] {HttpDataChunk.fromMemory(buffered)};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where a chunk's bytes go: the output, or a buffer to insert before it. */
    @FunctionalInterface
    private interface Bytes {
        void write(byte[] b, int off, int len) throws IOException;
    }

    /** Writes one chunk's bytes to {@code to} unless discarding; returns the bytes accepted. */
    private long writeChunk(HttpDataChunk chunk, Bytes to) {
        try {
            if (chunk.getDataChunkType() == HttpDataChunk.HttpDataChunkType.HttpDataChunkFromMemory) {
                int len = (int) chunk.getLength();
                if (!discarding()) {
                    moduleWrote();
                    to.write(chunk.getBuffer(), chunk.getBufferOffset(), len);
                }
                return len;
            }
            try (FileChannel file = FileChannel.open(chunk.getFile(), StandardOpenOption.READ)) {
                long position = chunk.getStartingOffset();
                long end = chunk.getLength() == HttpDataChunk.HTTP_BYTE_RANGE_TO_EOF
                        ? file.size() : position + chunk.getLength();
                if (end > file.size()) {
                    throw new IOException("chunk range " + position + "-" + end + " passes the end of " + chunk.getFile()
                            + " (" + file.size() + " bytes)");
                }
                if (discarding()) {
                    return Math.max(0, end - position);
                }
                moduleWrote();
                ByteBuffer piece = ByteBuffer.allocate((int) Math.min(FILE_PIECE, Math.max(1, end - position)));
                long written = 0;
                while (position < end) {
                    piece.clear().limit((int) Math.min(piece.capacity(), end - position));
                    int n = file.read(piece, position);
                    if (n < 0) {
                        throw new IOException("unexpected end of " + chunk.getFile());
                    }
                    position += n;
                    written += n;
                    if (!discarding()) {
                        to.write(piece.array(), 0, n);
                    }
                }
                return written;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void moduleWrote() {
        metadata.moduleTookOver();
        metadata.bodyEdited = true;
    }
}
