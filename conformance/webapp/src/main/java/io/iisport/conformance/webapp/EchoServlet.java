package io.iisport.conformance.webapp;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;

/** Reads the request body and says its length and CRC-32, and the protocol it came with. */
public class EchoServlet extends HttpServlet {
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        CRC32 crc = new CRC32();
        long length = 0;
        byte[] buffer = new byte[8192];
        try (InputStream input = request.getInputStream()) {
            for (int n; (n = input.read(buffer)) >= 0;) {
                crc.update(buffer, 0, n);
                length += n;
            }
        }
        response.setContentType("text/plain");
        response.getWriter().write(request.getMethod() + " " + request.getProtocol() + " read " + length
                + " bytes crc=" + Long.toHexString(crc.getValue()) + "\n");
    }
}
