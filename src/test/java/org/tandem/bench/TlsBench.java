package org.tandem.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import org.tandem.central.Central;
import org.tandem.central.CentralConfig;
import org.tandem.store.Database;
import org.tandem.tls.ClientTrust;
import org.tandem.tls.ServerIdentity;

/**
 * What TLS costs: generating and reloading the self-signed identity, and {@code GET /health} on a Central in this JVM over
 * plain HTTP and HTTPS, on one kept-alive connection and with a new connection (full handshake) per request. Loopback only;
 * every loop is bounded by its count. Usage: {@code TlsBench <keptAliveRequests> <newConnectionRequests>}.
 */
public final class TlsBench {

    public static void main(String[] args) throws Exception {
        int kept = Integer.parseInt(args[0]);
        int fresh = Integer.parseInt(args[1]);
        if (kept < 1 || kept > 100_000 || fresh < 1 || fresh > 10_000) {
            throw new IllegalArgumentException("keptAliveRequests 1..100,000, newConnectionRequests 1..10,000");
        }
        Path dir = Files.createTempDirectory("tandem-tls-bench-");
        try {
            long t0 = System.nanoTime();
            ServerIdentity id = ServerIdentity.selfSigned("Tls", dir, Clock.systemUTC());
            long t1 = System.nanoTime();
            ServerIdentity.selfSigned("Tls", dir, Clock.systemUTC());
            long t2 = System.nanoTime();
            System.out.printf("self-signed identity: generated and written in %.1f ms, read back in %.1f ms%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6);
            SSLContext trust = ClientTrust.of("bench", dir.resolve(ServerIdentity.CERTIFICATE_FILE)).sslContext();
            for (ServerIdentity tls : Arrays.asList(null, id)) {
                try (Central central = Central.start(new Central.Options("127.0.0.1", 0, Database.temporaryUrl("tls-bench-" + UUID.randomUUID()),
                        CentralConfig.defaults(), Clock.systemUTC(), List.of(), "bench-password-1", tls))) {
                    URI health = URI.create(central.scheme() + "://127.0.0.1:" + central.port() + "/health");
                    HttpClient one = HttpClient.newBuilder().sslContext(trust).build();
                    measure(central.scheme() + ", kept-alive connection", kept, () -> one, health);
                    measure(central.scheme() + ", new connection per request", fresh, () -> HttpClient.newBuilder().sslContext(trust).build(), health);
                }
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    interface Clients {
        HttpClient next();
    }

    private static void measure(String what, int count, Clients clients, URI uri) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build();
        for (int i = 0; i < Math.min(count, 200); i++) {
            clients.next().send(req, HttpResponse.BodyHandlers.discarding());
        }
        long[] micros = new long[count];
        for (int i = 0; i < count; i++) {
            HttpClient c = clients.next();
            long t = System.nanoTime();
            int status = c.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
            micros[i] = (System.nanoTime() - t) / 1000;
            if (status != 200) {
                throw new IllegalStateException(uri + " answered " + status);
            }
        }
        Arrays.sort(micros);
        System.out.printf("%-45s %6d requests: median %6.2f ms, p90 %6.2f ms, p99 %6.2f ms%n", what, count,
                micros[count / 2] / 1000.0, micros[(int) (count * 0.9)] / 1000.0, micros[Math.min(count - 1, (int) (count * 0.99))] / 1000.0);
    }
}
