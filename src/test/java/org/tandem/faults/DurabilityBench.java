package org.tandem.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.tandem.store.Database;

/**
 * The measurements of docs/reliability.md ("Acknowledged writes and SIGKILL"), run by {@code bench/durability.sh}
 * (the kill counts come from {@link DurabilityKillIT} with more kills). Central runs in a child JVM
 * ({@link CentralProcess}); the clients write one-address ranges through the API ({@link AcknowledgedWrites}).
 * <ul>
 *   <li>{@code fsync <label> <jdbcUrl|-> <writes> <clients> [pgDataDir]}: fsync and fdatasync calls per acknowledged
 *   write, counted by {@code strace -f -c} attached to Central's JVM and, on PostgreSQL, to every process of the
 *   cluster in pgDataDir (where PostgreSQL's fsyncs happen); {@code -} is the embedded SQLite.</li>
 *   <li>{@code growth <writes> <clients> <default|incremental>}: SQLite's file sizes after that many writes, after
 *   deleting them all through the API, after a WAL checkpoint, and after VACUUM (default) or
 *   {@code PRAGMA incremental_vacuum} (incremental: the database file made with {@code auto_vacuum=INCREMENTAL}
 *   before Central's first start). Also writes and deletes per second.</li>
 * </ul>
 */
public final class DurabilityBench {

    private static final Duration PHASE_LIMIT = Duration.ofMinutes(20);

    private DurabilityBench() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "fsync" -> fsync(args[1], args[2].equals("-") ? null : args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                    args.length > 5 ? Path.of(args[5]) : null);
            case "growth" -> growth(Integer.parseInt(args[1]), Integer.parseInt(args[2]), args[3]);
            default -> throw new IllegalArgumentException("fsync or growth, not " + args[0]);
        }
    }

    private static void fsync(String label, String url, int writes, int clients, Path pgData) throws Exception {
        try (CentralProcess central = new CentralProcess("", url)) {
            central.start(Map.of());
            AcknowledgedWrites load = new AcknowledgedWrites(CentralProcess.ADMIN_PASSWORD);
            // Warm-up: connections open, classes loaded, the first pages of the tables written.
            try (AcknowledgedWrites.Running warm = load.start(central.base(), clients, 0, Math.max(1, 100 / clients), false)) {
                warm.finish(PHASE_LIMIT);
            }
            List<Long> pids = new ArrayList<>(List.of(central.pid()));
            if (pgData != null) {
                long postmaster = Long.parseLong(Files.readAllLines(pgData.resolve("postmaster.pid")).getFirst().strip());
                pids.add(postmaster);
                ProcessHandle.of(postmaster).orElseThrow().descendants().forEach(p -> pids.add(p.pid()));
            }
            Path summary = Files.createTempFile("tandem-strace-", ".txt");
            Path errors = Files.createTempFile("tandem-strace-", ".err");
            List<String> command = new ArrayList<>(List.of("strace", "-f", "-c", "-e", "trace=fsync,fdatasync", "-o", summary.toString()));
            pids.forEach(p -> command.addAll(List.of("-p", Long.toString(p))));
            Process strace = new ProcessBuilder(command).redirectError(errors.toFile()).start();
            try {
                awaitAttached(errors, pids.size(), strace);
                AcknowledgedWrites.Batch batch;
                long t0 = System.nanoTime();
                try (AcknowledgedWrites.Running run = load.start(central.base(), clients, 1, writes / clients, false)) {
                    batch = run.finish(PHASE_LIMIT);
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                // Background flushes (PostgreSQL's WAL writer) of these commits come within its 200 ms delay.
                Thread.sleep(500);
                strace.destroy();
                if (!strace.waitFor(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("strace did not stop");
                }
                long calls = syncCalls(Files.readAllLines(summary));
                System.out.printf("fsync %s: %d writes acknowledged by %d clients in %.1f s under strace; %d fsync+fdatasync calls"
                        + " in %d traced processes = %.2f per acknowledged write%n", label, batch.acknowledged(), clients, seconds, calls,
                        pids.size(), (double) calls / batch.acknowledged());
                Files.readAllLines(summary).forEach(l -> System.out.println("  strace: " + l));
            } finally {
                strace.destroyForcibly();
                Files.deleteIfExists(summary);
                Files.deleteIfExists(errors);
            }
        }
    }

    private static void awaitAttached(Path errors, int pids, Process strace) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < end) {
            String text = Files.readString(errors);
            if (text.lines().filter(l -> l.contains("attached")).count() >= pids) {
                Thread.sleep(200);
                return;
            }
            if (!strace.isAlive()) {
                throw new IllegalStateException("strace exited: " + text);
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("strace did not attach within 30 s: " + Files.readString(errors));
    }

    /** The calls column of strace -c's fsync and fdatasync rows. */
    static long syncCalls(List<String> summary) {
        long calls = 0;
        for (String line : summary) {
            String[] f = line.strip().split("\\s+");
            if (f.length >= 5 && (f[f.length - 1].equals("fsync") || f[f.length - 1].equals("fdatasync"))) {
                calls += Long.parseLong(f[3]);
            }
        }
        return calls;
    }

    private static void growth(int writes, int clients, String vacuum) throws Exception {
        if (!vacuum.equals("default") && !vacuum.equals("incremental")) {
            throw new IllegalArgumentException("default or incremental, not " + vacuum);
        }
        try (CentralProcess central = new CentralProcess("", null)) {
            try {
                growth(central, writes, clients, vacuum);
            } catch (Exception e) {
                Path log = Files.createTempFile("tandem-growth-central-", ".log");
                Files.writeString(log, central.logText());
                System.out.printf("growth %s failed; Central's log kept in %s%n", vacuum, log);
                throw e;
            }
        }
    }

    private static void growth(CentralProcess central, int writes, int clients, String vacuum) throws Exception {
        {
            Path db = Database.embeddedFile(central.dataDir());
            if (vacuum.equals("incremental")) {
                // auto_vacuum is fixed when the first table is made: set it on an empty file before Flyway creates the schema.
                Files.createDirectories(central.dataDir());
                sql(db, "PRAGMA auto_vacuum=INCREMENTAL", "CREATE TABLE bench_init (x)", "DROP TABLE bench_init");
            }
            central.start(Map.of());
            String empty = sizes(db);
            long emptyBytes = total(db);
            AcknowledgedWrites load = new AcknowledgedWrites(CentralProcess.ADMIN_PASSWORD);
            long t0 = System.nanoTime();
            AcknowledgedWrites.Batch batch;
            try (AcknowledgedWrites.Running run = load.start(central.base(), clients, 1, writes / clients, false)) {
                batch = run.finish(PHASE_LIMIT);
            }
            double writeSeconds = (System.nanoTime() - t0) / 1e9;
            if (batch.refused() > 0 || batch.unanswered() > 0) {
                System.out.printf("growth %s: %d writes refused, %d unanswered; refusals: %s; unanswered: %s%n", vacuum, batch.refused(),
                        batch.unanswered(), batch.refusals(), batch.unansweredWhy());
                Path log = Files.createTempFile("tandem-growth-central-", ".log");
                Files.writeString(log, central.logText());
                System.out.printf("growth %s: Central's log kept in %s%n", vacuum, log);
            }
            String written = sizes(db);
            long writtenBytes = total(db);
            t0 = System.nanoTime();
            int deleted = load.deleteAll(central.base(), clients, PHASE_LIMIT);
            double deleteSeconds = (System.nanoTime() - t0) / 1e9;
            String afterDelete = sizes(db);
            central.kill();
            String stats = query(db, "PRAGMA auto_vacuum") + " auto_vacuum, " + query(db, "PRAGMA page_count") + " pages, "
                    + query(db, "PRAGMA freelist_count") + " free, ranges " + query(db, "SELECT COUNT(*) FROM ranges")
                    + ", change_log " + query(db, "SELECT COUNT(*) FROM change_log");
            sql(db, "PRAGMA wal_checkpoint(TRUNCATE)");
            String checkpointed = sizes(db);
            long v0 = System.nanoTime();
            if (vacuum.equals("incremental")) {
                sql(db, "PRAGMA incremental_vacuum", "PRAGMA wal_checkpoint(TRUNCATE)");
            } else {
                sql(db, "VACUUM", "PRAGMA wal_checkpoint(TRUNCATE)");
            }
            double vacuumSeconds = (System.nanoTime() - v0) / 1e9;
            System.out.printf("growth %s: empty database %s%n", vacuum, empty);
            System.out.printf("growth %s: %d writes acknowledged by %d clients in %.1f s = %.0f writes/s; %s = %.1f KiB per write%n", vacuum,
                    batch.acknowledged(), clients, writeSeconds, batch.acknowledged() / writeSeconds, written,
                    (writtenBytes - emptyBytes) / 1024.0 / batch.acknowledged());
            System.out.printf("growth %s: %d deleted through the API in %.1f s = %.0f deletes/s; %s%n", vacuum, deleted, deleteSeconds,
                    deleted / deleteSeconds, afterDelete);
            System.out.printf("growth %s: Central killed; %s; after wal_checkpoint(TRUNCATE) %s%n", vacuum, stats, checkpointed);
            System.out.printf("growth %s: after %s (%.1f s): %s; %s%n", vacuum, vacuum.equals("incremental") ? "PRAGMA incremental_vacuum" : "VACUUM",
                    vacuumSeconds, sizes(db), query(db, "PRAGMA page_count") + " pages, " + query(db, "PRAGMA freelist_count") + " free");
            System.out.printf("growth %s: by table after: %s%n", vacuum, tableSizes(db));
        }
    }

    private static String sizes(Path db) {
        long main = size(db);
        long wal = size(Path.of(db + "-wal"));
        return String.format("tandem.db %s + wal %s = %s", mib(main), mib(wal), mib(Math.max(0, main) + Math.max(0, wal)));
    }

    /** The database file and its WAL, in bytes. */
    private static long total(Path db) {
        return Math.max(0, size(db)) + Math.max(0, size(Path.of(db + "-wal")));
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "none" : String.format("%.2f MiB", bytes / 1024.0 / 1024.0);
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    private static void sql(Path db, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private static String query(Path db, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : "";
        }
    }

    /** Bytes per table and index (SQLite's dbstat), largest first; "(no dbstat)" when the driver's SQLite lacks it. */
    private static String tableSizes(Path db) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 6")) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1) + " " + mib(rs.getLong(2)));
            }
            return String.join(", ", out);
        } catch (SQLException e) {
            return "(no dbstat: " + e.getMessage() + ")";
        }
    }
}
