package org.tandem.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandem.Main;
import org.tandem.testing.RealServers;

/**
 * Issue 17, finding 11, as the probe did it: six concurrent 15.9 MiB PUTs against {@code tandem agent} in a child JVM
 * with a small heap caused OutOfMemoryErrors. Now each is written or refused with 503 BUSY, and the log has no OOM.
 */
class AgentMemoryIT {

    private static final String TOKEN = "memory-token-0123456789abcdef";

    @TempDir
    Path dir;
    private Process agent;

    @AfterEach
    void stop() throws InterruptedException {
        if (agent != null) {
            agent.destroyForcibly();
            agent.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void sixConcurrentLargePuts_smallHeap_noOutOfMemoryAndEachIsWrittenOrRefusedClearly() throws Exception {
        RealServers.assumeDhcpd();
        Path conf = Files.writeString(dir.resolve("dhcpd.conf"), "ddns-update-style none;\n");
        Path pid = Files.writeString(dir.resolve("dhcpd.pid"), Long.toString(ProcessHandle.current().pid()));
        Path token = Files.writeString(dir.resolve("token"), TOKEN + "\n");
        Path log = dir.resolve("agent.log");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        agent = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx160m",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "agent",
                "--listen", "127.0.0.1:" + port, "--insecure-http", "--conf", conf.toString(), "--restart-command", "true",
                "--pid-file", pid.toString(), "--token-file", token.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI base = URI.create("http://127.0.0.1:" + port);
        awaitHealth(http, base, log);

        String prefix = "{\"content\":\"#";
        String suffix = "\\nddns-update-style none;\\n\"}";
        int size = (int) (15.9 * 1024 * 1024);
        byte[] body = (prefix + "x".repeat(size - prefix.length() - suffix.length()) + suffix).getBytes(StandardCharsets.US_ASCII);
        List<CompletableFuture<HttpResponse<String>>> puts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            puts.add(http.sendAsync(HttpRequest.newBuilder(base.resolve("/v1/config")).timeout(Duration.ofSeconds(120))
                    .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        List<Integer> statuses = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> put : puts) {
            HttpResponse<String> r = put.get(180, TimeUnit.SECONDS);
            statuses.add(r.statusCode());
            if (r.statusCode() == 503) {
                assertThat(r.body()).contains("\"kind\":\"BUSY\"").contains("retry");
            }
        }
        assertThat(statuses).as("each PUT is written (200) or refused as busy (503)").allMatch(s -> s == 200 || s == 503).contains(200);
        assertThat(agent.isAlive()).isTrue();
        assertThat(Files.readString(log)).doesNotContain("OutOfMemoryError");
        assertThat(http.send(HttpRequest.newBuilder(base.resolve("/v1/health")).header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    private void awaitHealth(HttpClient http, URI base, Path log) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            if (!agent.isAlive()) {
                throw new IOException("agent exited with " + agent.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                http.send(HttpRequest.newBuilder(base.resolve("/v1/health")).header("Authorization", "Bearer " + TOKEN).build(),
                        HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new IOException("agent did not answer within 60 s:\n" + Files.readString(log));
    }
}
