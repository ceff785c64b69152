package io.iisport.httpserv;

import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Ports {@code HTTP_DATA_CHUNK} for the two chunk types with a Java meaning: from memory and from a file.
 * The fragment-cache types of HTTP.sys have none.
 */
public final class HttpDataChunk {
    /** Ports {@code HTTP_BYTE_RANGE_TO_EOF}: a file chunk length meaning "to the end of the file". */
    public static final long HTTP_BYTE_RANGE_TO_EOF = -1;

    /** Ports {@code HTTP_DATA_CHUNK_TYPE}. */
    public enum HttpDataChunkType {
        /** Ports {@code HttpDataChunkFromMemory}. */
        HttpDataChunkFromMemory,
        /** Ports {@code HttpDataChunkFromFileHandle}; the file is named by path. */
        HttpDataChunkFromFileHandle
    }

    private final HttpDataChunkType type;
    private final byte[] buffer;
    private final int offset;
    private final Path file;
    private final long start;
    private final long length;

    private HttpDataChunk(HttpDataChunkType type, byte[] buffer, int offset, Path file, long start, long length) {
        this.type = type;
        this.buffer = buffer;
        this.offset = offset;
        this.file = file;
        this.start = start;
        this.length = length;
    }

    /**
     * A chunk over a whole array ({@code FromMemory.pBuffer}, {@code BufferLength}). The array is not copied.
     *
     * @param buffer the bytes
     * @return the chunk
     */
    public static HttpDataChunk fromMemory(byte[] buffer) {
        return fromMemory(buffer, 0, buffer.length);
    }

    /**
     * A chunk over part of an array. The array is not copied.
     *
     * @param buffer the bytes
     * @param offset the first byte
     * @param length how many bytes
     * @return the chunk
     * @throws IndexOutOfBoundsException if the range is not inside the array
     */
    public static HttpDataChunk fromMemory(byte[] buffer, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        return new HttpDataChunk(HttpDataChunkType.HttpDataChunkFromMemory, buffer, offset, null, 0, length);
    }

    /**
     * A chunk of text, encoded now (Java addition for the common {@code pBuffer = (PVOID) pszString} case).
     *
     * @param text the text
     * @param charset its encoding
     * @return the chunk
     */
    public static HttpDataChunk fromString(String text, Charset charset) {
        return fromMemory(text.getBytes(charset));
    }

    /**
     * A chunk from a file ({@code FromFileHandle.ByteRange}), read when written.
     *
     * @param file the file
     * @param startingOffset the first byte
     * @param length how many bytes, or {@link #HTTP_BYTE_RANGE_TO_EOF}
     * @return the chunk
     * @throws IllegalArgumentException if the offset is negative or the length is negative and not
     *         {@code HTTP_BYTE_RANGE_TO_EOF}
     */
    public static HttpDataChunk fromFile(Path file, long startingOffset, long length) {
        Objects.requireNonNull(file, "file");
        if (startingOffset < 0) {
            throw new IllegalArgumentException("negative file chunk offset " + startingOffset);
        }
        if (length < 0 && length != HTTP_BYTE_RANGE_TO_EOF) {
            throw new IllegalArgumentException("negative file chunk length " + length);
        }
        return new HttpDataChunk(HttpDataChunkType.HttpDataChunkFromFileHandle, null, 0, file, startingOffset, length);
    }

    /** @return the chunk type ({@code DataChunkType}) */
    public HttpDataChunkType getDataChunkType() {
        return type;
    }

    /** @return the array of a memory chunk, {@code null} for a file chunk */
    public byte[] getBuffer() {
        return buffer;
    }

    /** @return the first byte of a memory chunk in its array */
    public int getBufferOffset() {
        return offset;
    }

    /** @return the file of a file chunk, {@code null} for a memory chunk */
    public Path getFile() {
        return file;
    }

    /** @return the first byte of a file chunk in its file */
    public long getStartingOffset() {
        return start;
    }

    /** @return the length in bytes; for a file chunk possibly {@link #HTTP_BYTE_RANGE_TO_EOF} */
    public long getLength() {
        return length;
    }
}
