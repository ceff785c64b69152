package io.iisport.httpserv;

/**
 * Ports {@code IHttpCompletionInfo}: what completed the asynchronous operation that
 * {@link CHttpModule#onAsyncCompletion} is called for. In iisport the only such operation is the module's own
 * {@link IHttpContext#postCompletion(int)}.
 */
public interface IHttpCompletionInfo {
    /** {@code S_OK}, the {@code HRESULT} of a completion that succeeded. */
    int S_OK = 0;

    /**
     * Ports {@code GetCompletionBytes()}: the byte count of the completion; for a posted completion, the
     * {@code completionBytes} the module passed to {@link IHttpContext#postCompletion(int)}.
     *
     * @return a count of bytes, 0 or more
     */
    int getCompletionBytes();

    /**
     * Ports {@code GetCompletionStatus()}: the {@code HRESULT} of the completion, kept as the 32-bit {@code int}
     * IIS defines (negative for a failure, as {@code FAILED(hr)} tests), so a ported module compares it with the
     * same constants. A posted completion always succeeds: {@link #S_OK}.
     *
     * @return the {@code HRESULT}; {@link #S_OK} for a posted completion
     */
    int getCompletionStatus();
}
