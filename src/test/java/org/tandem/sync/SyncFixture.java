package org.tandem.sync;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.tandem.auth.Actor;
import org.tandem.auth.Role;
import org.tandem.central.Central;
import org.tandem.central.CentralConfig;
import org.tandem.cli.TandemClient;
import org.tandem.servers.DhcpServer;
import org.tandem.servers.ServerService;
import org.tandem.store.Database;

/** A Central in this JVM with the sync jobs (state polling every second), and an administrator's JSON-RPC client. */
final class SyncFixture implements AutoCloseable {

    static final String PASSWORD = "sync-test-password";
    static final Actor ADMIN = new Actor("administrator", Role.Administrator);

    final Central central;
    final SyncExtension sync = new SyncExtension();
    final TandemClient rpc;

    SyncFixture() {
        CentralConfig config = new CentralConfig(Duration.ofSeconds(900), Duration.ofHours(1), 1 << 20, Duration.ofSeconds(1));
        central = Central.start(new Central.Options("127.0.0.1", 0, Database.temporaryUrl("sync-" + UUID.randomUUID()), config,
                Clock.systemUTC(), List.of(sync), PASSWORD));
        rpc = new TandemClient(URI.create("http://127.0.0.1:" + central.port()), null);
        rpc.login("administrator", PASSWORD);
    }

    DhcpServer addIsc(String name, URI agent, String token) {
        return central.servers().add(ADMIN, "test", "dhcpServer",
                new ServerService.NewServer(name, "ISC", agent.getHost(), (long) agent.getPort(), token, null, null, null));
    }

    DhcpServer addKea(String name, URI agent) {
        return central.servers().add(ADMIN, "test", "dhcpServer",
                new ServerService.NewServer(name, "Kea", agent.getHost(), (long) agent.getPort(), null, null, null, null));
    }

    /** Polls {@code probe} every 200 ms until it gives non-null, or fails after {@code deadline} naming {@code what}. */
    static <T> T await(String what, Duration deadline, Supplier<T> probe) throws InterruptedException {
        Instant end = Instant.now().plus(deadline);
        RuntimeException last = null;
        while (Instant.now().isBefore(end)) {
            try {
                T value = probe.get();
                if (value != null) {
                    return value;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out after " + deadline.toSeconds() + " s waiting for " + what
                + (last == null ? "" : " (last error: " + last + ")"));
    }

    @Override
    public void close() {
        central.close();
    }
}
