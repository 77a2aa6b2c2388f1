package org.tandem.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.tandem.kea.client.KeaClient;
import org.tandem.kea.client.KeaEndpoint;
import org.tandem.kea.client.KeaProtocolError;

/**
 * One real kea-dhcp4 on a config file a test wrote (with its own comments and includes, unlike {@code KeaLab}'s
 * generated pair), started in the config's directory so relative includes resolve, reached on its unix socket. It
 * listens on no interface. {@link #close()} stops the process by its handle; the test owns the directory.
 */
public final class KeaDaemon implements AutoCloseable {

    private static final Duration START_DEADLINE = Duration.ofSeconds(20);

    private final Process process;
    private final KeaClient socket;

    private KeaDaemon(Process process, KeaClient socket) {
        this.process = process;
        this.socket = socket;
    }

    /** Starts {@code kea-dhcp4 -c config} and waits until {@code controlSocket} answers version-get. */
    public static KeaDaemon start(Path config, Path controlSocket) throws IOException, InterruptedException {
        Path run = Path.of("/run/kea"); // Kea 2.2 wants it for its lock files even when ours live elsewhere.
        if (!Files.isDirectory(run)) {
            Files.createDirectories(run);
        }
        Files.deleteIfExists(controlSocket);
        Path out = config.resolveSibling("kea-dhcp4.out");
        Process p = new ProcessBuilder(List.of("kea-dhcp4", "-c", config.toString())).directory(config.getParent().toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile())).start();
        KeaDaemon d = new KeaDaemon(p, new KeaClient("kea-dhcp4", new KeaEndpoint.UnixSocket(controlSocket, Duration.ofSeconds(5))));
        Instant deadline = Instant.now().plus(START_DEADLINE);
        while (true) {
            if (!p.isAlive()) {
                throw new IOException("kea-dhcp4 exited at start:\n" + Files.readString(out));
            }
            try {
                d.socket.ok("version-get", null, false);
                return d;
            } catch (KeaProtocolError notYet) {
                if (Instant.now().isAfter(deadline)) {
                    d.close();
                    throw new IOException("kea-dhcp4 did not answer on " + controlSocket + " within " + START_DEADLINE.toSeconds() + " s");
                }
            }
            Thread.sleep(20); // polling the socket until the deadline; there is nothing to wait on
        }
    }

    /** A client on the daemon's unix socket. */
    public KeaClient socket() {
        return socket;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
