package io.iisport.httpserv;

/**
 * Ports {@code ISendResponseProvider}, the provider of {@link CHttpModule#onSendResponse}: tells whether the
 * headers go out with this send and whether more data follows.
 */
public interface ISendResponseProvider extends IHttpEventProvider {
    /** Ports {@code HTTP_SEND_RESPONSE_FLAG_DISCONNECT}: disconnect after this send, as {@code SetNeedDisconnect}. */
    int HTTP_SEND_RESPONSE_FLAG_DISCONNECT = 0x00000001;
    /** Ports {@code HTTP_SEND_RESPONSE_FLAG_MORE_DATA}: more entity data follows this send. */
    int HTTP_SEND_RESPONSE_FLAG_MORE_DATA = 0x00000002;

    /**
     * Ports {@code GetHeadersBeingSent()}.
     *
     * @return {@code true} if the status line and headers go out with this send (the response is not committed yet)
     */
    boolean getHeadersBeingSent();

    /**
     * Ports {@code GetFlags()}.
     *
     * @return the {@code HTTP_SEND_RESPONSE_FLAG_*} bits of this send
     */
    int getFlags();

    /**
     * Ports {@code SetFlags(DWORD dwFlags)}. Setting {@link #HTTP_SEND_RESPONSE_FLAG_DISCONNECT} asks for a
     * disconnect after the response, as {@link IHttpResponse#setNeedDisconnect()} does; clearing
     * {@link #HTTP_SEND_RESPONSE_FLAG_MORE_DATA} is ignored, since the handler decides when its output ends.
     *
     * @param flags the new {@code HTTP_SEND_RESPONSE_FLAG_*} bits
     */
    void setFlags(int flags);
}
