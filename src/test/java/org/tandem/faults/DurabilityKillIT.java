package org.tandem.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tandem.change.TestDatabases;
import org.tandem.store.Database;
import org.tandem.testing.Cleanup;

/**
 * Central in a child JVM SIGKILLed at seeded random moments while 4 to 8 clients write ranges through the API
 * (REST and JSON-RPC), then started again on the same data: no write whose answer said it succeeded is missing,
 * after each restart (each client's last acknowledged write and the count) and at the end (every one, paging
 * through the list). On the embedded SQLite always, on PostgreSQL when {@code TANDEM_TEST_PG_URL} is set (required
 * on CI). {@code -Ddurability.kills=N} (default 20) and {@code -Ddurability.seed=S} (default: random, printed) replay
 * or lengthen a run; {@code bench/durability.sh} runs it longer for docs/reliability.md. A write answered with an
 * error fails the test too: nothing here is a user's mistake (the 30 s SQLite writer stall, fixed by SqliteWriterLock,
 * answered some with an internal error; docs/reliability.md).
 */
class DurabilityKillIT {

    static final int KILLS = Integer.getInteger("durability.kills", 20);
    /** The longest a write batch runs before its kill; the moment is drawn from 0.2 s to this. */
    static final Duration MAX_WINDOW = Duration.ofMillis(Long.getLong("durability.maxWindowMillis", 2_000));
    /** Bounds each client's writes per batch, so a fast machine cannot grow the test without end. */
    private static final int MAX_WRITES_PER_CLIENT = 5_000;
    /** Bounds the whole run: each batch's start, writes and checks, and the final look-up. */
    private static final Duration RUN_DEADLINE = Duration.ofMinutes(Long.getLong("durability.deadlineMinutes", 10));

    @Test
    void sqlite_sigkillWhileClientsWrite_noAcknowledgedWriteLost() throws Exception {
        run("sqlite", null);
    }

    @Test
    void postgres_sigkillWhileClientsWrite_noAcknowledgedWriteLost() throws Exception {
        TestDatabases database = TestDatabases.postgres();
        try {
            run("postgresql", database.url());
        } finally {
            Cleanup.close(database);
        }
    }

    /** The kill loop on one database (null: the embedded SQLite in the data directory); asserts nothing lost. */
    static Report run(String label, String databaseUrl) throws Exception {
        long seed = Long.getLong("durability.seed", new Random().nextLong());
        System.out.printf("DurabilityKillIT %s: seed %d (replay with -Ddurability.seed=%d), %d kills%n", label, seed, seed, KILLS);
        Random random = new Random(seed);
        Instant deadline = Instant.now().plus(RUN_DEADLINE);
        AcknowledgedWrites writes = new AcknowledgedWrites(CentralProcess.ADMIN_PASSWORD);
        List<String> lostAfterRestart = new ArrayList<>();
        int unanswered = 0;
        int refused = 0;
        List<String> refusals = new ArrayList<>();
        long startedAt = System.nanoTime();
        try (CentralProcess central = new CentralProcess("", databaseUrl); HttpClient http = HttpClient.newHttpClient()) {
            for (int kill = 1; kill <= KILLS; kill++) {
                requireTime(deadline, "kill " + kill);
                Duration startup = central.start(Map.of());
                lostAfterRestart.addAll(checkAfterRestart(http, central.base(), writes, kill - 1));
                int clients = 4 + random.nextInt(5);
                Duration window = Duration.ofMillis(200 + random.nextLong(Math.max(1, MAX_WINDOW.toMillis() - 200)));
                AcknowledgedWrites.Batch batch;
                try (AcknowledgedWrites.Running running = writes.start(central.base(), clients, kill, MAX_WRITES_PER_CLIENT, true)) {
                    // The window counts from the first client's login, so each kill falls among writes, not in start-up.
                    awaitLogin(running, deadline);
                    Thread.sleep(window.toMillis());
                    central.kill();
                    batch = running.stop();
                }
                unanswered += batch.unanswered();
                refused += batch.refused();
                refusals.addAll(batch.refusals());
                System.out.printf("DurabilityKillIT %s: kill %2d: start %5d ms, %d clients, SIGKILL %4d ms into the writes:"
                        + " %5d acknowledged, %d unanswered, %d refused%n", label, kill, startup.toMillis(), clients, window.toMillis(),
                        batch.acknowledged(), batch.unanswered(), batch.refused());
            }
            requireTime(deadline, "final look-up");
            central.start(Map.of());
            lostAfterRestart.addAll(checkAfterRestart(http, central.base(), writes, KILLS));
            String session = AcknowledgedWrites.login(http, central.base(), CentralProcess.ADMIN_PASSWORD);
            Set<String> listed = AcknowledgedWrites.listAll(http, central.base(), session, 1_000);
            central.kill();
            List<AcknowledgedWrites.Write> lost = writes.lost(listed);
            String integrity = databaseUrl == null ? integrityCheck(central.dataDir()) : "(PostgreSQL)";
            Report report = new Report(label, seed, KILLS, writes.acknowledged().size(), lost.size(), listed.size(), unanswered, refused,
                    Duration.ofNanos(System.nanoTime() - startedAt));
            System.out.printf("DurabilityKillIT %s: %s; SQLite integrity_check: %s%n", label, report, integrity);
            refusals.forEach(r -> System.out.println("DurabilityKillIT " + label + ": REFUSED " + r));
            assertThat(refusals).as("writes answered with an error (each a valid, unique range)").isEmpty();
            assertThat(lostAfterRestart).as("acknowledged writes missing after a restart").isEmpty();
            assertThat(lost).as("acknowledged writes missing at the end, seed " + seed).isEmpty();
            assertThat(listed.size()).as("ranges listed: every acknowledged write, and at most each unanswered one besides")
                    .isBetween(writes.acknowledged().size(), writes.acknowledged().size() + unanswered);
            assertThat(integrity).isEqualTo(databaseUrl == null ? "ok" : "(PostgreSQL)");
            return report;
        }
    }

    /** What a run did: kills, acknowledged writes, those lost, ranges listed at the end, writes without an answer. */
    record Report(String database, long seed, int kills, int acknowledged, int lost, int listed, int unanswered, int refused,
            Duration took) {
        @Override
        public String toString() {
            return String.format("%d kills, %d writes acknowledged, %d lost, %d ranges listed, %d writes unanswered, %d refused, %d s",
                    kills, acknowledged, lost, listed, unanswered, refused, took.toSeconds());
        }
    }

    /**
     * After a restart: the list counts at least every acknowledged write, and the last acknowledged write of each client
     * in the batch just killed (the most recent commits, the ones a lost fsync would take) is there. Returns what is missing.
     */
    private static List<String> checkAfterRestart(HttpClient http, String base, AcknowledgedWrites writes, int killedBatch) {
        List<String> missing = new ArrayList<>();
        if (killedBatch == 0) {
            return missing;
        }
        String session = AcknowledgedWrites.login(http, base, CentralProcess.ADMIN_PASSWORD);
        List<AcknowledgedWrites.Write> all = writes.acknowledged();
        long count = AcknowledgedWrites.rangeCount(http, base, session);
        if (count < all.size()) {
            missing.add("after kill " + killedBatch + ": " + count + " ranges listed, " + all.size() + " acknowledged");
        }
        Map<String, AcknowledgedWrites.Write> lastOfClient = new java.util.HashMap<>();
        for (AcknowledgedWrites.Write w : all) {
            if (w.batch() == killedBatch) {
                lastOfClient.put(w.name().substring(0, w.name().lastIndexOf('-')), w);
            }
        }
        for (AcknowledgedWrites.Write w : lastOfClient.values()) {
            if (!AcknowledgedWrites.exists(http, base, session, w.name())) {
                missing.add("after kill " + killedBatch + ": last acknowledged write " + w.name() + " missing");
            }
        }
        return missing;
    }

    private static void awaitLogin(AcknowledgedWrites.Running running, Instant deadline) throws InterruptedException {
        Instant end = Instant.now().plusSeconds(30);
        while (running.loggedIn() == 0) {
            if (Instant.now().isAfter(end) || Instant.now().isAfter(deadline)) {
                throw new AssertionError("no client logged in within 30 s");
            }
            Thread.sleep(10);
        }
    }

    private static void requireTime(Instant deadline, String what) {
        if (Instant.now().isAfter(deadline)) {
            throw new AssertionError("run deadline of " + RUN_DEADLINE.toMinutes() + " min passed before " + what);
        }
    }

    /** SQLite's own check of the file every kill left behind (the Central is stopped). */
    private static String integrityCheck(Path dataDir) throws Exception {
        try (Connection c = DriverManager.getConnection(Database.embeddedUrl(dataDir));
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
