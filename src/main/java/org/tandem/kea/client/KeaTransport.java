package org.tandem.kea.client;

import java.io.IOException;

/** Moves one request body to a Kea control channel and returns the raw answer, at most {@code maxBytes} long. */
interface KeaTransport {

    byte[] exchange(String command, byte[] request, long maxBytes) throws IOException;

    /** Thrown when the answer grows past the size limit; the client turns it into a clear error. */
    final class TooLargeException extends IOException {
        TooLargeException(long limit) {
            super("the answer is larger than " + limit + " bytes");
        }
    }

    /** A non-200 HTTP status, with whatever body came with it. */
    final class HttpStatusException extends IOException {
        final int status;
        final String body;

        HttpStatusException(int status, String body) {
            super("HTTP status " + status);
            this.status = status;
            this.body = body;
        }
    }

    static byte[] readCapped(java.io.InputStream in, long maxBytes) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(64 * 1024);
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
            total += n;
            if (total > maxBytes) {
                throw new TooLargeException(maxBytes);
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
