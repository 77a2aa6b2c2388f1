package org.tandem.bench;

import java.nio.file.Path;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.tandem.net.Ipv4Address;
import org.tandem.store.Database;

/**
 * Benchmark set-up: fills a Central's database with one server and N ranges, each served by one scope
 * (16.0.0.0/24, 16.0.1.0/24, ...), in batches straight through SQL, which is minutes faster than N API calls.
 * Usage: {@code ScopeLoader <dataDir | jdbc:postgresql:URL> <count>}: a data directory means its embedded SQLite.
 */
public final class ScopeLoader {

    public static void main(String[] args) {
        String url = args[0].startsWith("jdbc:") ? args[0] : Database.embeddedUrl(Path.of(args[0]));
        int count = Integer.parseInt(args[1]);
        if (count < 1 || count > 1_000_000) {
            throw new IllegalArgumentException("count must be 1 to 1,000,000");
        }
        long started = System.nanoTime();
        try (Database db = Database.open(url)) {
            db.jdbi().useTransaction(h -> {
                long server = h.createUpdate("INSERT INTO dhcp_servers (name, type, address, port, use_tls, state)"
                        + " VALUES ('bench-kea', 'Kea', '127.0.0.1', 8000, FALSE, 'Unknown')")
                        .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
                long base = Ipv4Address.parse("base", "16.0.0.0").value();
                PreparedBatch ranges = h.prepareBatch("INSERT INTO ranges (id, name, first_ip, last_ip) VALUES (:id, :name, :f, :l)");
                PreparedBatch scopes = h.prepareBatch("INSERT INTO dhcp_scopes (range_id, server_id, name, first_ip, last_ip)"
                        + " VALUES (:id, :server, :name, :f, :l)");
                for (int i = 0; i < count; i++) {
                    long first = base + ((long) i << 8);
                    String name = new Ipv4Address(first) + "/24";
                    ranges.bind("id", i + 1L).bind("name", name).bind("f", first).bind("l", first + 255).add();
                    scopes.bind("id", i + 1L).bind("server", server).bind("name", name).bind("f", first).bind("l", first + 255).add();
                    if (ranges.size() == 5_000) {
                        ranges.execute();
                        scopes.execute();
                    }
                }
                if (ranges.size() > 0) {
                    ranges.execute();
                    scopes.execute();
                }
                // PostgreSQL's identity columns do not see explicit ids: move the range sequence past them. SQLite's
                // AUTOINCREMENT keeps the largest id given in sqlite_sequence by itself.
                if (db.kind() == Database.Kind.POSTGRESQL) {
                    h.execute("SELECT setval(pg_get_serial_sequence('ranges', 'id'), " + count + ")");
                }
            });
        }
        System.out.printf("loaded %d scopes in %.1f s%n", count, (System.nanoTime() - started) / 1e9);
    }
}
