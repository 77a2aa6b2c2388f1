package org.tandem.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandem.auth.JdbiSessionRepository;
import org.tandem.auth.JdbiUserRepository;
import org.tandem.auth.Role;
import org.tandem.auth.User;
import org.tandem.change.ChangeJournal;
import org.tandem.change.JdbiChangeJournal;
import org.tandem.common.UserError;
import org.tandem.failover.FailoverRelationship;
import org.tandem.failover.JdbiFailoverRepository;
import org.tandem.scope.JdbiReservationRepository;
import org.tandem.scope.Reservation;

/** An older Tandem's H2 data directory moved to SQLite once on start: every row, ids kept, the H2 file kept aside. */
class H2ImportTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T08:30:00Z"), ZoneOffset.UTC);
    private static final Instant STARTED = Instant.parse("2026-11-30T10:15:30.123Z");
    private static final Instant FINISHED = Instant.parse("2026-11-30T10:15:41.456Z");
    /** A change log body bigger than H2 keeps inline, to see large text arrive whole. */
    private static final String BIG_JSON = "{\"text\":\"" + "x".repeat(40_000) + "\"}";

    @TempDir
    Path dir;

    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);

    @Test
    void runIfNeeded_oldDataDirectoryWithEveryTable_movesEveryRowKeepingIdsAndKeepsH2AsBackup() throws Exception {
        OldTandemH2.create(dir, "75");
        fillEveryTable();
        Map<String, List<Map<String, Object>>> before;
        try (Connection h2 = OldTandemH2.connect(dir)) {
            before = OldTandemH2.rows(h2, tablesOf(h2));
        }
        assertThat(before.values()).allSatisfy(rows -> assertThat(rows).isNotEmpty());

        Optional<H2Import.Result> result = H2Import.runIfNeeded(dir, CLOCK, out);

        Path backup = dir.resolve("tandem.mv.db.h2-backup-20261201-083000");
        assertThat(result).isPresent();
        assertThat(result.get().backup()).isEqualTo(backup);
        assertThat(backup).isRegularFile();
        assertThat(dir.resolve("tandem.mv.db")).doesNotExist();
        assertThat(dir.resolve("tandem.db")).isRegularFile();
        assertThat(leftovers()).isEmpty();
        assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("Moved the H2 database " + dir.resolve("tandem.mv.db"))
                .contains("kept as " + backup);
        assertThat(result.get().rows()).containsEntry("users", 2L).containsEntry("change_journal", 2L).containsEntry("ranges", 2L);

        try (Database db = Database.open(Database.embeddedUrl(dir))) {
            try (Handle h = db.jdbi().open()) {
                Map<String, List<Map<String, Object>>> after = OldTandemH2.rows(h.getConnection(), List.copyOf(before.keySet()));
                for (String table : before.keySet()) {
                    if (table.equals("change_journal_server")) {
                        continue; // V76 moved its configs to change_journal_config: read back through the journal below
                    }
                    assertThat(after.get(table)).as(table).containsExactlyInAnyOrderElementsOf(before.get(table));
                }
            }
            // Read back as Central reads them.
            User reader = new JdbiUserRepository(db.jdbi()).findByName("reader").orElseThrow();
            assertThat(reader.id()).isEqualTo(7);
            assertThat(reader.role()).isEqualTo(Role.ReadOnly);
            assertThat(reader.details()).isEqualTo(new User.Details("Read Only", "ro@example.org", "looks"));
            assertThat(new JdbiSessionRepository(db.jdbi()).find("a".repeat(64), 1_000L)).get()
                    .satisfies(s -> assertThat(s.userName()).isEqualTo("administrator"));

            JdbiFailoverRepository failover = new JdbiFailoverRepository(db.jdbi());
            FailoverRelationship dhcpd = failover.findByName("dhcpd-pair").orElseThrow();
            assertThat(dhcpd.heartbeatDelay()).isNull();
            assertThat(dhcpd.maxAckDelay()).isNull();
            assertThat(dhcpd.maxUnackedClients()).isNull();
            assertThat(dhcpd.autoFailover()).isNull();
            assertThat(dhcpd.scopeIds()).containsExactlyInAnyOrder(10L, 11L);
            FailoverRelationship kea = failover.findByName("kea-pair").orElseThrow();
            assertThat(kea.heartbeatDelay()).isEqualTo(10000);
            assertThat(kea.autoFailover()).isTrue();

            JdbiReservationRepository reservations = new JdbiReservationRepository(db.jdbi());
            Reservation boot = reservations.findById(30).orElseThrow();
            assertThat(boot.boot()).isEqualTo(new Reservation.Boot("host-a.example.org", "pxelinux.0", "boot", "192.0.2.5"));
            assertThat(reservations.findById(31).orElseThrow().boot()).isEqualTo(Reservation.Boot.NONE);

            JdbiChangeJournal journal = new JdbiChangeJournal(db.jdbi());
            ChangeJournal.Entry open = journal.unfinished().getFirst();
            assertThat(open.id()).isEqualTo(3);
            assertThat(open.startedAt()).isEqualTo(STARTED);
            assertThat(open.servers()).containsExactly(
                    new ChangeJournal.ServerEntry("dhcp-b", "old b", "new b", ChangeJournal.ServerStep.APPLIED),
                    new ChangeJournal.ServerEntry("dhcp-a", "old a", "new a", ChangeJournal.ServerStep.PLANNED));
            ChangeJournal.Entry applied = journal.find(4).orElseThrow();
            assertThat(applied.servers()).containsExactly(
                    new ChangeJournal.ServerEntry("kea-1", "{}", "{\"Dhcp4\": {}}", ChangeJournal.ServerStep.APPLIED));
            assertThat(applied.startedAt()).isEqualTo(STARTED);
            assertThat(applied.finishedAt()).isEqualTo(FINISHED);

            db.jdbi().useHandle(h -> {
                assertThat(h.createQuery("SELECT after_json FROM change_log WHERE id = 2").mapTo(String.class).one()).isEqualTo(BIG_JSON);
                assertThat(h.createQuery("SELECT version FROM write_lock").mapTo(Long.class).one()).isEqualTo(42);
                // Range 3 was removed in H2: its id (and Micetro ref) is not handed out again.
                h.execute("INSERT INTO ranges (name, first_ip, last_ip) VALUES ('new', 50, 60)");
                assertThat(h.createQuery("SELECT max(id) FROM ranges").mapTo(Long.class).one()).isEqualTo(4);
                h.execute("INSERT INTO users (name, password_hash, role, created_at) VALUES ('new', 'x', 'ReadOnly', 1)");
                assertThat(h.createQuery("SELECT max(id) FROM users").mapTo(Long.class).one()).isEqualTo(8);
            });
        }
    }

    @Test
    void runIfNeeded_h2BeforeV75_migratesItFirstAndLeavesNewColumnsAtTheirDefaults() throws Exception {
        OldTandemH2.create(dir, "60");
        OldTandemH2.exec(dir,
                "INSERT INTO dhcp_servers (id, name, type, address, port, kea_hooks_location) VALUES (1, 'dhcp-a', 'ISC', '192.0.2.1', 8443, NULL)",
                "INSERT INTO ranges (id, name, first_ip, last_ip) VALUES (1, '10.0.0.0/24', 167772160, 167772415)",
                "INSERT INTO dhcp_scopes (id, range_id, server_id, name, first_ip, last_ip) VALUES (1, 1, 1, 's', 167772160, 167772415)",
                "INSERT INTO dhcp_reservations (id, scope_id, name, client_identifier, reservation_method, address)"
                        + " VALUES (1, 1, 'r', '00:11:22:33:44:55', 'HardwareAddress', 167772170)",
                "INSERT INTO users (id, name, password_hash, role, created_at) VALUES (1, 'administrator', 'h', 'Administrator', 5)");

        H2Import.Result result = H2Import.runIfNeeded(dir, CLOCK, out).orElseThrow();

        assertThat(result.rows()).containsEntry("dhcp_reservations", 1L).containsEntry("users", 1L).containsEntry("web_keys", 0L);
        try (Database db = Database.open(Database.embeddedUrl(dir))) {
            assertThat(new JdbiUserRepository(db.jdbi()).findByName("administrator").orElseThrow().details())
                    .isEqualTo(new User.Details("", "", ""));
            assertThat(new JdbiReservationRepository(db.jdbi()).findById(1).orElseThrow().boot()).isEqualTo(Reservation.Boot.NONE);
        }
    }

    @Test
    void runIfNeeded_secondStart_doesNothing() throws Exception {
        OldTandemH2.create(dir, "75");
        OldTandemH2.exec(dir, "INSERT INTO users (id, name, password_hash, role, created_at) VALUES (1, 'administrator', 'h', 'Administrator', 5)");
        assertThat(H2Import.runIfNeeded(dir, CLOCK, out)).isPresent();
        byte[] migrated = Files.readAllBytes(dir.resolve("tandem.db"));
        List<Path> files = listing();

        assertThat(H2Import.runIfNeeded(dir, Clock.offset(CLOCK, java.time.Duration.ofHours(1)), out)).isEmpty();

        assertThat(Files.readAllBytes(dir.resolve("tandem.db"))).isEqualTo(migrated);
        assertThat(listing()).isEqualTo(files);
    }

    @Test
    void runIfNeeded_noH2File_doesNothing() {
        assertThat(H2Import.runIfNeeded(dir, CLOCK, out)).isEmpty();
        assertThat(dir.resolve("tandem.db")).doesNotExist();
    }

    @Test
    void runIfNeeded_h2FileOfGarbage_leavesItUntouchedWritesNoDatabaseAndNamesFileAndCause() throws Exception {
        OldTandemH2.create(dir, "75");
        Path h2 = dir.resolve("tandem.mv.db");
        byte[] bytes = Files.readAllBytes(h2);
        new java.util.Random(7).nextBytes(bytes);
        Files.write(h2, bytes);

        assertThatThrownBy(() -> H2Import.runIfNeeded(dir, CLOCK, out))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("cannot move the H2 database " + h2)
                .hasMessageContaining("damaged or not an H2 database")
                .hasMessageContaining("Nothing was changed");

        assertThat(Files.readAllBytes(h2)).isEqualTo(bytes);
        assertThat(dir.resolve("tandem.db")).doesNotExist();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void runIfNeeded_h2FileDamagedAfterItsHeader_leavesItUntouchedWritesNoDatabaseAndNamesFileAndCause() throws Exception {
        OldTandemH2.create(dir, "75");
        Path h2 = dir.resolve("tandem.mv.db");
        byte[] bytes = Files.readAllBytes(h2);
        // Keep H2's header, wreck everything after it: what a disk error or a half-copied file leaves. H2 then finds
        // no chunk it can read and opens it as empty.
        for (int i = 8192; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31);
        }
        Files.write(h2, bytes);

        assertThatThrownBy(() -> H2Import.runIfNeeded(dir, CLOCK, out))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("cannot move the H2 database " + h2)
                .hasMessageContaining("damaged or not a Tandem database")
                .hasMessageContaining("Nothing was changed");

        assertThat(Files.readAllBytes(h2)).isEqualTo(bytes);
        assertThat(dir.resolve("tandem.db")).doesNotExist();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void runIfNeeded_rowSqliteRefuses_leavesH2UntouchedAndNamesTableAndRow() throws Exception {
        OldTandemH2.create(dir, "75");
        // H2 let a referential check be switched off; SQLite checks every reference the import writes.
        OldTandemH2.exec(dir, "SET REFERENTIAL_INTEGRITY FALSE",
                "INSERT INTO dhcp_address_pools (id, scope_id, first_ip, last_ip) VALUES (9, 404, 1, 2)",
                "SET REFERENTIAL_INTEGRITY TRUE");
        Path h2 = dir.resolve("tandem.mv.db");
        byte[] bytes = Files.readAllBytes(h2);

        assertThatThrownBy(() -> H2Import.runIfNeeded(dir, CLOCK, out))
                .isInstanceOf(UserError.class)
                .hasMessageContaining(h2.toString())
                .hasMessageContaining("row 9 of dhcp_address_pools")
                .hasMessageContaining("dhcp_scopes");

        assertThat(Files.readAllBytes(h2)).isEqualTo(bytes);
        assertThat(dir.resolve("tandem.db")).doesNotExist();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void runIfNeeded_h2OpenInAnotherProcess_refusesNamingIt() throws Exception {
        OldTandemH2.create(dir, "75");
        Path h2 = dir.resolve("tandem.mv.db");
        byte[] bytes = Files.readAllBytes(h2);
        // An older Central still running: another JVM holding the H2 file open.
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "org.h2.tools.Shell", "-url", OldTandemH2.url(dir), "-user", "", "-password", "")
                .redirectErrorStream(true).start();
        try {
            holder.getOutputStream().write("SELECT 1;\n".getBytes(StandardCharsets.UTF_8));
            holder.getOutputStream().flush();
            awaitOutput(holder, "1");

            assertThatThrownBy(() -> H2Import.runIfNeeded(dir, CLOCK, out))
                    .isInstanceOf(UserError.class)
                    .hasMessageContaining(h2.toString())
                    .hasMessageContaining("in use by another process");
        } finally {
            holder.destroy();
            holder.waitFor();
        }
        assertThat(dir.resolve("tandem.db")).doesNotExist();
        assertThat(leftovers()).isEmpty();
    }

    private static void awaitOutput(Process p, String expected) throws Exception {
        StringBuilder seen = new StringBuilder();
        long deadline = System.nanoTime() + 30_000_000_000L;
        var in = p.getInputStream();
        while (System.nanoTime() < deadline) {
            if (in.available() > 0) {
                seen.append((char) in.read());
                if (seen.toString().lines().anyMatch(l -> l.strip().equals(expected))) {
                    return;
                }
            } else {
                Thread.sleep(20);
            }
        }
        throw new AssertionError("the H2 shell did not answer; it said: " + seen);
    }

    /** Old Tandem's rows, at least one in each table, with what differs between the engines: NULLs, booleans, times. */
    private void fillEveryTable() throws SQLException {
        OldTandemH2.exec(dir,
                "INSERT INTO dhcp_servers (id, name, type, address, port, agent_token, use_tls, state)"
                        + " VALUES (1, 'dhcp-a', 'ISC', '192.0.2.1', 8443, 'enc:v1:AAAA', TRUE, 'OK')",
                "INSERT INTO dhcp_servers (id, name, type, address, port, agent_token) VALUES (2, 'dhcp-b', 'ISC', '192.0.2.2', 8443, 'enc:v1:BBBB')",
                "INSERT INTO dhcp_servers (id, name, type, address, port, username, password, kea_hooks_location)"
                        + " VALUES (3, 'kea-1', 'Kea', '192.0.2.3', 8000, 'kea', 'enc:v1:CCCC', '/usr/lib/kea/hooks')",
                "INSERT INTO dhcp_servers (id, name, type, address, port) VALUES (4, 'kea-2', 'Kea', '192.0.2.4', 8000)",
                // Ranges by H2's identity, the last one removed: its id must not come back.
                "INSERT INTO ranges (name, first_ip, last_ip, description) VALUES ('10.0.0.0/24', 167772160, 167772415, 'office')",
                "INSERT INTO ranges (name, first_ip, last_ip) VALUES ('10.0.1.0/24', 167772416, 167772671)",
                "INSERT INTO ranges (name, first_ip, last_ip) VALUES ('gone', 167772672, 167772927)",
                "DELETE FROM ranges WHERE name = 'gone'",
                "INSERT INTO dhcp_scopes (id, range_id, server_id, name, enabled, first_ip, last_ip) VALUES (10, 1, 1, 'office', TRUE, 167772160, 167772415)",
                "INSERT INTO dhcp_scopes (id, range_id, server_id, name, enabled, first_ip, last_ip) VALUES (11, 1, 2, 'office', FALSE, 167772160, 167772415)",
                "INSERT INTO dhcp_scopes (id, range_id, server_id, name, first_ip, last_ip) VALUES (12, 2, 3, 'lab', 167772416, 167772671)",
                "INSERT INTO dhcp_address_pools (id, scope_id, first_ip, last_ip) VALUES (20, 10, 167772170, 167772200)",
                "INSERT INTO dhcp_address_pools (id, scope_id, first_ip, last_ip) VALUES (21, 12, 167772426, 167772500)",
                "INSERT INTO dhcp_exclusions (id, scope_id, first_ip, last_ip) VALUES (25, 10, 167772180, 167772181)",
                "INSERT INTO dhcp_reservations (id, scope_id, name, client_identifier, reservation_method, address, description,"
                        + " ddns_host_name, filename, server_name, next_server) VALUES (30, 10, 'host-a', '00:11:22:33:44:55',"
                        + " 'HardwareAddress', 167772171, 'printer', 'host-a.example.org', 'pxelinux.0', 'boot', '192.0.2.5')",
                "INSERT INTO dhcp_reservations (id, scope_id, name, client_identifier, reservation_method, address)"
                        + " VALUES (31, 12, 'host-b', '01:02:03', 'ClientIdentifier', 167772430)",
                "INSERT INTO dhcp_failover_relationships (id, name, primary_server_id, secondary_server_id, failover_mode, percentage, mclt,"
                        + " port, peer_port, load_balance_max_seconds, max_response_delay, max_unacked_updates, state)"
                        + " VALUES (40, 'dhcpd-pair', 1, 2, 'LoadBalance', 50, 3600, 647, 647, 3, 60, 10, 'Normal')",
                "INSERT INTO dhcp_failover_relationships (id, name, primary_server_id, secondary_server_id, failover_mode, percentage, mclt,"
                        + " port, peer_port, load_balance_max_seconds, max_response_delay, max_unacked_updates, heartbeat_delay,"
                        + " max_ack_delay, max_unacked_clients, auto_failover) VALUES (41, 'kea-pair', 3, 4, 'HotStandby', 100, 0, 8000,"
                        + " 8000, 0, 60000, 10, 10000, 10000, 5, TRUE)",
                "INSERT INTO dhcp_failover_scopes (relationship_id, scope_id) VALUES (40, 10)",
                "INSERT INTO dhcp_failover_scopes (relationship_id, scope_id) VALUES (40, 11)",
                "INSERT INTO dhcp_failover_peer_addresses (relationship_id, primary_address, secondary_address) VALUES (40, '198.51.100.1', NULL)",
                "INSERT INTO users (id, name, password_hash, role, created_at) VALUES (1, 'administrator', '$2a$12$abc', 'Administrator', 1700000000000)",
                "INSERT INTO users (id, name, password_hash, role, created_at, full_name, email, description)"
                        + " VALUES (7, 'reader', '$2a$12$def', 'ReadOnly', 1700000000001, 'Read Only', 'ro@example.org', 'looks')",
                "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ('" + "a".repeat(64) + "', 1, 10, 4000000000000)",
                "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ('" + "b".repeat(64) + "', 7, 10, 20)",
                "INSERT INTO change_log (id, at, user_name, save_comment, action, object_type, object_ref, before_json, after_json)"
                        + " VALUES (1, 1700000000000, 'administrator', 'first', 'Created', 'Range', 'ranges/1', NULL, '{}')",
                "INSERT INTO change_log (id, at, user_name, action, object_type, object_ref, before_json, after_json)"
                        + " VALUES (2, 1700000000001, 'tandem', 'Modified', 'DHCPScope', 'dhcpScopes/10', '{}', '" + BIG_JSON + "')",
                "UPDATE write_lock SET version = 42",
                "INSERT INTO change_journal (id, who, save_comment, state, started_at) VALUES (3, 'administrator', 'open one', 'OPEN',"
                        + " TIMESTAMP WITH TIME ZONE '2026-11-30 11:15:30.123+01:00')",
                "INSERT INTO change_journal (id, who, save_comment, state, started_at, finished_at, outcome) VALUES (4, 'tandem', '',"
                        + " 'APPLIED', TIMESTAMP WITH TIME ZONE '2026-11-30 10:15:30.123+00:00',"
                        + " TIMESTAMP WITH TIME ZONE '2026-11-30 10:15:41.456+00:00', 'applied')",
                "INSERT INTO change_journal_server (change_id, apply_order, server_name, old_config, new_config, step)"
                        + " VALUES (3, 0, 'dhcp-b', 'old b', 'new b', 'APPLIED')",
                "INSERT INTO change_journal_server (change_id, apply_order, server_name, old_config, new_config, step)"
                        + " VALUES (3, 1, 'dhcp-a', 'old a', 'new a', 'PLANNED')",
                "INSERT INTO change_journal_server (change_id, apply_order, server_name, old_config, new_config, step)"
                        + " VALUES (4, 0, 'kea-1', '{}', '{\"Dhcp4\": {}}', 'APPLIED')",
                "INSERT INTO web_keys (name, secret) VALUES ('csrf', 'c2VjcmV0')");
    }

    private static List<String> tablesOf(Connection h2) throws SQLException {
        List<String> tables = new java.util.ArrayList<>();
        try (Statement s = h2.createStatement(); var rs = s.executeQuery("SELECT table_name FROM information_schema.tables"
                + " WHERE table_schema = 'public' AND table_name <> 'flyway_schema_history'")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return tables;
    }

    /** Files the import writes only while it runs. */
    private List<Path> leftovers() throws Exception {
        return listing().stream().filter(p -> p.getFileName().toString().contains("import")
                || p.getFileName().toString().startsWith("tandem.db-")).toList();
    }

    private List<Path> listing() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }
}
