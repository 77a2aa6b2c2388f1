package org.tandem.central;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandem.Main;
import org.tandem.common.UserError;
import org.tandem.store.Database;
import org.tandem.store.SqliteBackup;
import picocli.CommandLine;

/**
 * {@code tandem backup} of the embedded SQLite database while a Central writes to it, and {@code tandem server --restore}
 * putting a backup back: on real files in a data directory, with Central in this JVM (and as a process for the CLI's own
 * refusals).
 */
class BackupRestoreIT {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-02T09:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;
    @TempDir
    Path elsewhere;

    private final List<AutoCloseable> open = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    @Test
    void backup_whileCentralWrites_copyPassesItsChecksAndHoldsEveryWriteAcknowledgedBeforeItStarted() throws Exception {
        Central central = start();
        String session = login(central);
        // Some bulk, so the copy takes a while next to the writer.
        central.database().jdbi().useHandle(h -> {
            var batch = h.prepareBatch("INSERT INTO change_log (at, user_name, action, object_type, object_ref, after_json)"
                    + " VALUES (1, 'bulk', 'Created', 'Range', 'ranges/0', :json)");
            for (int i = 0; i < 1500; i++) {
                batch.bind("json", "{\"pad\":\"" + "p".repeat(10_000) + i + "\"}").add();
            }
            batch.execute();
        });
        Queue<String> acknowledged = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> writerFailed = new AtomicReference<>();
        Thread writer = Thread.ofPlatform().start(() -> {
            try {
                for (int i = 0; !stop.get(); i++) {
                    String name = "r" + i;
                    JsonNode answer = rpc(central, "AddRange", "{\"session\":\"" + session + "\",\"range\":{\"subnet\":\"10." + (i / 256)
                            + "." + (i % 256) + ".0/24\",\"name\":\"" + name + "\"}}");
                    if (!answer.has("result")) {
                        throw new AssertionError("AddRange " + name + ": " + answer);
                    }
                    acknowledged.add(name);
                }
            } catch (Throwable e) {
                writerFailed.set(e);
            }
        });
        awaitAtLeast(acknowledged, 20);
        List<String> beforeBackup = List.copyOf(acknowledged);
        Path file = elsewhere.resolve("tandem-backup.db");

        Run backup = cli("backup", file.toString(), "--data", dir.toString());
        int duringBackup = acknowledged.size() - beforeBackup.size();
        awaitAtLeast(acknowledged, acknowledged.size() + 10);
        stop.set(true);
        writer.join();

        assertThat(writerFailed.get()).isNull();
        assertThat(backup.exit()).as(backup.err()).isZero();
        assertThat(backup.out()).contains("Backed up " + Database.embeddedFile(dir)).contains(file.toString())
                .contains("schema version " + SqliteBackup.newestKnownVersion()).contains("integrity ok").contains("ranges ").contains("change_log ");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.exists(Path.of(file + "-wal"))).isFalse();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            assertThat(query(c, "PRAGMA integrity_check")).containsExactly("ok");
            assertThat(query(c, "PRAGMA journal_mode")).containsExactly("delete");
            assertThat(query(c, "SELECT name FROM ranges")).containsAll(beforeBackup);
            assertThat(query(c, "SELECT count(*) FROM change_log WHERE user_name = 'bulk'")).containsExactly("1500");
        }
        System.out.println("backup: " + beforeBackup.size() + " writes before, " + duringBackup + " while it ran");
        try (var files = Files.list(elsewhere)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("tandem-backup.db");
        }
    }

    @Test
    void restore_bringsBackTheBackupsDataAndKeepsTheDatabaseItReplaced() throws Exception {
        Central central = start();
        String session = login(central);
        addUserAndRange(central, session, "before");
        Path file = elsewhere.resolve("b.db");
        assertThat(cli("backup", file.toString(), "--data", dir.toString()).exit()).isZero();
        addUserAndRange(central, session, "after");
        central.close();
        open.remove(central);

        ByteArrayOutputStream said = new ByteArrayOutputStream();
        SqliteBackup.Restored restored = SqliteBackup.restore(file, Database.embeddedUrl(dir), CLOCK,
                new PrintStream(said, true, StandardCharsets.UTF_8));

        Path kept = dir.resolve("tandem.db.before-restore-20261202-090000");
        assertThat(restored.previous()).isEqualTo(kept);
        assertThat(said.toString(StandardCharsets.UTF_8)).contains("Restored " + file).contains("kept as " + kept);
        assertThat(Files.getPosixFilePermissions(Database.embeddedFile(dir))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + kept)) {
            assertThat(query(c, "PRAGMA integrity_check")).containsExactly("ok");
            assertThat(query(c, "SELECT name FROM users")).contains("before-user", "after-user");
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.contains("restore-") && !n.equals(kept.getFileName().toString())))
                    .isEmpty();
        }
        Central again = start();
        String s = login(again);
        JsonNode users = rpc(again, "GetUsers", "{\"session\":\"" + s + "\"}").path("result").path("users");
        assertThat(users.findValuesAsText("name")).contains("before-user").doesNotContain("after-user");
        JsonNode ranges = rpc(again, "GetRanges", "{\"session\":\"" + s + "\"}").path("result").path("ranges");
        assertThat(ranges.findValuesAsText("name")).contains("before-range").doesNotContain("after-range");
        // The restored database takes writes again.
        addUserAndRange(again, s, "later");
    }

    @Test
    void restore_whileCentralRunsOnTheDatabase_refusesAndChangesNothing() throws Exception {
        Central central = start();
        String session = login(central);
        Path file = elsewhere.resolve("b.db");
        assertThat(cli("backup", file.toString(), "--data", dir.toString()).exit()).isZero();

        assertThatThrownBy(() -> SqliteBackup.restore(file, Database.embeddedUrl(dir), CLOCK, System.out))
                .isInstanceOf(UserError.class)
                .hasMessageContaining(Database.embeddedFile(dir) + " is in use by another process")
                .hasMessageContaining("stop it before restoring");

        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("restore"));
        }
        addUserAndRange(central, session, "still");
    }

    @Test
    void backup_refusals_sayWhatToDo() throws Exception {
        Run none = cli("backup", elsewhere.resolve("x.db").toString(), "--data", dir.toString());
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("tandem backup: there is no database to back up at " + Database.embeddedFile(dir));

        Run postgres = cli("backup", elsewhere.resolve("x.db").toString(), "--db", "jdbc:postgresql://db/tandem?user=tandem");
        assertThat(postgres.exit()).isEqualTo(2);
        assertThat(postgres.err()).contains("pg_dump");
        assertThat(elsewhere.resolve("x.db")).doesNotExist();

        start();
        Path existing = Files.writeString(elsewhere.resolve("existing.db"), "keep me");
        Run exists = cli("backup", existing.toString(), "--data", dir.toString());
        assertThat(exists.exit()).isEqualTo(2);
        assertThat(exists.err()).contains(existing + " exists; give --force to replace it");
        assertThat(Files.readString(existing)).isEqualTo("keep me");

        Run forced = cli("backup", existing.toString(), "--data", dir.toString(), "--force");
        assertThat(forced.exit()).as(forced.err()).isZero();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + existing)) {
            assertThat(query(c, "SELECT name FROM users")).containsExactly("administrator");
        }
    }

    @Test
    void restore_refusals_changeNothingAndNameTheProblem() throws Exception {
        Path text = Files.writeString(elsewhere.resolve("notes.txt"), "not a database at all, but long enough to have a header".repeat(20));
        assertRefused(text, text + " is not a SQLite database");

        Path other = elsewhere.resolve("other.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + other); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (x INTEGER)");
        }
        assertRefused(other, other + " is a SQLite database but not Tandem's");

        Path newer = elsewhere.resolve("newer.db");
        assertThat(cli("backup", newer.toString(), "--data", startedAndClosed().toString()).exit()).isZero();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + newer); Statement s = c.createStatement()) {
            s.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, installed_by, execution_time,"
                    + " success) VALUES (99, '999', 'from the future', 'SQL', 'V999__future.sql', 'x', 0, 1)");
        }
        assertRefused(newer, newer + " has schema version 999, newer than this Tandem knows (" + SqliteBackup.newestKnownVersion() + ")");

        assertThatThrownBy(() -> SqliteBackup.restore(newer, "jdbc:postgresql://db/tandem", CLOCK, System.out))
                .isInstanceOf(UserError.class).hasMessageContaining("pg_restore");
    }

    /** The command line as a user meets it: a refused restore and a damaged H2 file stop tandem server with one clear line. */
    @Test
    void server_refusedRestoreAndDamagedH2File_exitNonZeroWithAMessageAndNoStackTrace() throws Exception {
        Path text = Files.writeString(elsewhere.resolve("notes.txt"), "not a database".repeat(100));
        ServerRun restore = server("--data", dir.toString(), "--restore", text.toString());
        assertThat(restore.exit()).isEqualTo(2);
        assertThat(restore.err()).contains("tandem server: --restore: " + text + " is not a SQLite database").doesNotContain("\tat ");

        ServerRun postgres = server("--db", "jdbc:postgresql://127.0.0.1:1/tandem", "--data", dir.toString(), "--restore", text.toString());
        assertThat(postgres.exit()).isEqualTo(2);
        assertThat(postgres.err()).contains("pg_restore").doesNotContain("\tat ");

        Path old = elsewhere.resolve("old");
        Files.createDirectories(old);
        Files.write(old.resolve("tandem.mv.db"), new byte[64 * 1024]);
        ServerRun h2 = server("--data", old.toString());
        assertThat(h2.exit()).isNotZero();
        assertThat(h2.err()).contains("tandem server: cannot move the H2 database " + old.toAbsolutePath().resolve("tandem.mv.db"))
                .contains("no tandem.db was written").doesNotContain("\tat ");
        assertThat(old.resolve("tandem.db")).doesNotExist();
        assertThat(Files.readAllBytes(old.resolve("tandem.mv.db"))).isEqualTo(new byte[64 * 1024]);
    }

    private void assertRefused(Path file, String message) throws Exception {
        Path data = Files.createDirectories(dir.resolve("refused"));
        Path current = Files.writeString(data.resolve("tandem.db"), "placeholder: must stay as it is");
        assertThatThrownBy(() -> SqliteBackup.restore(file, Database.embeddedUrl(data), CLOCK, System.out))
                .isInstanceOf(UserError.class).hasMessageContaining(message);
        assertThat(Files.readString(current)).isEqualTo("placeholder: must stay as it is");
        try (Stream<Path> files = Files.list(data)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("tandem.db");
        }
    }

    private Path startedAndClosed() throws Exception {
        Path data = Files.createDirectories(elsewhere.resolve("made"));
        Central.start(new Central.Options("127.0.0.1", 0, Database.embeddedUrl(data), CentralConfig.defaults(), Clock.systemUTC(),
                List.of(), TestCentral.ADMIN_PASSWORD)).close();
        return data;
    }

    private Central start() {
        Central central = Central.start(new Central.Options("127.0.0.1", 0, Database.embeddedUrl(dir), CentralConfig.defaults(),
                Clock.systemUTC(), List.of(), TestCentral.ADMIN_PASSWORD));
        open.add(central);
        return central;
    }

    private JsonNode rpc(Central central, String method, String params) {
        return TestCentral.send(http, "http://127.0.0.1:" + central.port(), "POST", "/mmws/json",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":" + params + "}", null, Duration.ofSeconds(30)).body();
    }

    private String login(Central central) {
        return rpc(central, "Login", "{\"loginName\":\"administrator\",\"password\":\"" + TestCentral.ADMIN_PASSWORD + "\"}")
                .path("result").path("session").asText();
    }

    private void addUserAndRange(Central central, String session, String name) {
        JsonNode user = rpc(central, "AddUser", "{\"session\":\"" + session + "\",\"user\":{\"name\":\"" + name
                + "-user\",\"password\":\"a-long-enough-password-" + name + "\",\"role\":\"ReadOnly\"}}");
        assertThat(user.has("result")).as(user.toString()).isTrue();
        int n = Math.abs(name.hashCode() % 200);
        JsonNode range = rpc(central, "AddRange", "{\"session\":\"" + session + "\",\"range\":{\"subnet\":\"172.16." + n
                + ".0/24\",\"name\":\"" + name + "-range\"}}");
        assertThat(range.has("result")).as(range.toString()).isTrue();
    }

    private static void awaitAtLeast(Queue<String> acknowledged, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (acknowledged.size() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + acknowledged.size() + " writes acknowledged, waited for " + n);
            }
            Thread.sleep(10);
        }
    }

    private static List<String> query(Connection c, String sql) throws Exception {
        List<String> values = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    private record Run(int exit, String out, String err) {}

    /** A tandem command in this JVM, as Main runs it, with its output captured. */
    private static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private record ServerRun(int exit, String err) {}

    /** {@code tandem server ARGS} as a process that is expected to stop by itself. */
    private ServerRun server(String... args) throws Exception {
        List<String> cmd = ServerCommandIT.tandem("server", "--host", "127.0.0.1", "--port", "0");
        cmd.addAll(List.of(args));
        Path err = Files.createTempFile(elsewhere, "err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("tandem server did not stop; it said: " + Files.readString(err));
        }
        return new ServerRun(p.exitValue(), Files.readString(err));
    }
}
