package org.tandem.central;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tandem server} as a real process: first start creates the administrator; bad config refuses to start. */
class ServerCommandIT {

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void killProcesses() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private Process server(String adminPassword, String... args) throws IOException {
        List<String> cmd = tandem("server", "--host", "127.0.0.1");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
        pb.environment().remove("TANDEM_ADMIN_PASSWORD");
        if (adminPassword != null) {
            pb.environment().put("TANDEM_ADMIN_PASSWORD", adminPassword);
        }
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    /** The command line running {@code tandem ARGS} from this test's classpath. */
    static List<String> tandem(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.tandem.Main"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private String awaitReady(Process p) throws Exception {
        return awaitReady(p, dir.resolve("out.txt"), dir.resolve("err.txt"));
    }

    /** Polls {@code out} until the ready line appears (or the process dies, or 60 s pass). */
    static String awaitReady(Process p, Path out, Path err) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            String text = Files.readString(out);
            if (text.contains("is ready on")) {
                return text;
            }
            assertThat(p.isAlive()).as("server exited: %s", Files.readString(err)).isTrue();
            Thread.sleep(100);
        }
        throw new AssertionError("server not ready in 60 s: " + Files.readString(err));
    }

    private String login(int port, String password) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/mmws/json")).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"method\":\"Login\",\"params\":{\"loginName\":\"administrator\",\"password\":\""
                        + password + "\"}}")).build();
        return http.send(r, HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void firstStart_generatesAdministratorPassword_printedOnce_andItLogsIn() throws Exception {
        int port = freePort();
        Path data = dir.resolve("data");
        Process p = server(null, "--port", String.valueOf(port), "--data", data.toString());
        String out = awaitReady(p);
        Matcher m = Pattern.compile("with password: (\\S+)").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        assertThat(login(port, m.group(1))).contains("\"session\"");
        assertThat(login(port, "wrong-password")).contains("16394");
        assertThat(Files.exists(data.resolve("tandem.db"))).isTrue();

        // Second start on the same data: the administrator exists, no password is printed again.
        p.destroy();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        Files.delete(dir.resolve("out.txt"));
        Process again = server(null, "--port", String.valueOf(port), "--data", data.toString());
        String second = awaitReady(again);
        assertThat(second).doesNotContain("password");
        assertThat(login(port, m.group(1))).contains("\"session\"");
    }

    @Test
    void adminPasswordFromEnvironment_isUsed() throws Exception {
        int port = freePort();
        Process p = server("env-password-1", "--port", String.valueOf(port), "--data", dir.resolve("d").toString());
        assertThat(awaitReady(p)).contains("from TANDEM_ADMIN_PASSWORD").doesNotContain("env-password-1");
        assertThat(login(port, "env-password-1")).contains("\"session\"");
    }

    @Test
    void badConfigKey_refusesToStart_namingTheKey() throws Exception {
        Path config = dir.resolve("tandem.yaml");
        Files.writeString(config, "DHCPSyncInterval: 900\nSyncEverySecond: true\n");
        Process p = server("env-password-1", "--port", String.valueOf(freePort()), "--data", dir.resolve("d").toString(), "--config", config.toString());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(Files.readString(dir.resolve("err.txt"))).contains("unknown key \"SyncEverySecond\"");
        assertThat(Files.exists(dir.resolve("d"))).as("nothing created before the config was checked").isFalse();
    }

    @Test
    void portInUse_failsWithAClearMessage() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Process p = server("env-password-1", "--port", String.valueOf(taken.getLocalPort()), "--data", dir.resolve("d").toString());
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(1);
            assertThat(Files.readString(dir.resolve("err.txt"))).contains("cannot start on port " + taken.getLocalPort());
        }
    }

    // Issue 17, finding 9: a first-start administrator password must meet the policy, or the server does not start.
    @Test
    void weakAdminPasswordFromEnvironment_refusesToStart_namingTheVariable() throws Exception {
        Process p = server("admin123", "--port", String.valueOf(freePort()), "--data", dir.resolve("d").toString());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(Files.readString(dir.resolve("err.txt"))).contains("tandem server: TANDEM_ADMIN_PASSWORD: must be at least 12 characters long")
                .doesNotContain("\tat ");
    }
}
