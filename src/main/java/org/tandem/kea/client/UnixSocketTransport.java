package org.tandem.kea.client;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The daemon's unix control socket with the JDK's own unix-domain channels. Kea answers with a bare JSON object and
 * closes the connection after it, so the answer is read until end of stream.
 */
final class UnixSocketTransport implements KeaTransport {

    // Blocking socket channels have no read timeout; a watchdog closes the channel at the deadline instead.
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kea-unix-socket-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final Path path;
    private final Duration timeout;

    UnixSocketTransport(Path path, Duration timeout) {
        this.path = path;
        this.timeout = timeout;
    }

    @Override
    public byte[] exchange(String command, byte[] request, long maxBytes) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // closing is all we wanted
                }
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
            try {
                ch.connect(UnixDomainSocketAddress.of(path));
                ByteBuffer out = ByteBuffer.wrap(request);
                while (out.hasRemaining()) {
                    ch.write(out);
                }
                java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream(64 * 1024);
                ByteBuffer in = ByteBuffer.allocate(256 * 1024);
                long total = 0;
                while (ch.read(in) >= 0) {
                    in.flip();
                    total += in.remaining();
                    if (total > maxBytes) {
                        throw new TooLargeException(maxBytes);
                    }
                    body.write(in.array(), 0, in.remaining());
                    in.clear();
                }
                return body.toByteArray();
            } catch (AsynchronousCloseException e) {
                throw new IOException("no complete answer within " + timeout.toSeconds() + " s", e);
            } finally {
                watchdog.cancel(false);
            }
        }
    }
}
