package org.tandem.faults;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.tandem.Main;
import org.tandem.central.TestCentral;

/**
 * {@code tandem server} in a child JVM (this test's classpath) with the embedded database in a
 * temp directory that outlives each process, or on a given database URL, so a test can SIGKILL a Central
 * and start the next one on the same data. System properties go to the child (the fault hook's
 * {@code tandem.fault.*}). {@link #close()} kills the running child and deletes the directory.
 */
final class CentralProcess implements AutoCloseable {

    static final String ADMIN_PASSWORD = "fault-test-admin-password";
    private static final Duration START_DEADLINE = Duration.ofSeconds(60);
    private static final Pattern READY = Pattern.compile("Tandem Central is ready on http://127\\.0\\.0\\.1:(\\d+)/");

    private final Path dir;
    private final Path config;
    /** The database URL ({@code --db}), or null for the embedded SQLite in the data directory. */
    private final String database;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process process;
    private Path log;
    private int port;
    private int starts;

    /** A data directory and a config file with {@code settings} (YAML lines, e.g. {@code FailoverStatePollInterval: 1}). */
    CentralProcess(String settings) throws IOException {
        this(settings, null);
    }

    /** As above, on the database at {@code databaseUrl} (null: the embedded SQLite). */
    CentralProcess(String settings, String databaseUrl) throws IOException {
        database = databaseUrl;
        dir = Files.createTempDirectory("tandem-fault-central-");
        config = dir.resolve("central.yaml");
        Files.writeString(config, settings);
    }

    /** Starts a Central on the data directory and waits until it listens; returns the time that took. */
    Duration start(Map<String, String> systemProperties) throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("a Central is already running (pid " + process.pid() + ")");
        }
        starts++;
        log = dir.resolve("central-" + starts + ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        // C1 only: the test starts a dozen Centrals, and start-up time is what it waits for.
        command.add("-XX:TieredStopAtLevel=1");
        systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "server",
                "--host", "127.0.0.1", "--port", "0", "--data", dir.resolve("data").toString(), "--config", config.toString()));
        if (database != null) {
            command.addAll(List.of("--db", database));
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("TANDEM_ADMIN_PASSWORD", ADMIN_PASSWORD);
        Instant t0 = Instant.now();
        process = pb.start();
        Instant end = t0.plus(START_DEADLINE);
        while (Instant.now().isBefore(end)) {
            Matcher m = READY.matcher(Files.readString(log));
            if (m.find()) {
                port = Integer.parseInt(m.group(1));
                return Duration.between(t0, Instant.now());
            }
            if (!process.isAlive()) {
                throw new IOException("Central exited with " + process.exitValue() + " before listening:\n" + logText());
            }
            Thread.sleep(100);
        }
        kill();
        throw new IOException("Central did not listen within " + START_DEADLINE.toSeconds() + " s:\n" + logText());
    }

    /** SIGKILL, as a crash or the OOM killer would, and waits until the process is gone. */
    void kill() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("Central pid " + process.pid() + " still alive 10 s after SIGKILL");
        }
    }

    /** The running child's process id (for strace and /proc), or -1 before the first start. */
    long pid() {
        return process == null ? -1 : process.pid();
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    /** The current process's log (stdout and stderr). */
    String logText() throws IOException {
        return log == null ? "" : Files.readString(log);
    }

    /** A JSON-RPC call; the whole answer ({@code result} or {@code error}). */
    JsonNode rpc(String method, String params) {
        TestCentral.Answer a = TestCentral.send(http, base(), "POST", "/mmws/json",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":" + params + "}", null, Duration.ofSeconds(120));
        if (a.status() != 200 || a.body() == null) {
            throw new AssertionError(method + " answered HTTP " + a.status() + ": " + a.text());
        }
        return a.body();
    }

    /** The data directory of the embedded database (for reading it while no Central runs). */
    Path dataDir() {
        return dir.resolve("data");
    }

    @Override
    public void close() throws InterruptedException, IOException {
        try {
            kill();
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
