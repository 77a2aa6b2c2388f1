package org.tandem.central;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandem.agent.LocalAgent;
import org.tandem.store.Database;
import org.tandem.store.SecretBox;

/**
 * Issue 17, finding 5: server secrets at rest. A database left by an older Tandem (clear agent token, 0644 file in a
 * 0755 directory) is encrypted and made private on start; secrets added through the API never reach the database in
 * clear; a restarted Central on the same data directory still reaches its dhcpd; a wrong key stops Central with a
 * message naming the key file, not a stack trace.
 */
class SecretsAtRestIT {

    private static final String KEA_PASSWORD = "kea-control-agent-password-4711";
    private static final String ADMIN = "secrets-at-rest-admin-1";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : processes) {
            stop(p);
        }
        org.tandem.testing.Cleanup.close(resources.toArray(AutoCloseable[]::new));
    }

    @Test
    void secretsAreEncrypted_filesPrivate_restartStillReachesTheAgent_wrongKeyIsAClearError() throws Exception {
        LocalAgent agent = LocalAgent.start();
        resources.add(agent);
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        // What an older Tandem left: the agent token in clear, world-readable files.
        try (Database db = Database.open(Database.embeddedUrl(data))) {
            db.jdbi().useHandle(h -> h.createUpdate("INSERT INTO dhcp_servers (name, type, address, port, agent_token) VALUES"
                    + " ('isc-old', 'ISC', '127.0.0.1', :port, :token)").bind("port", agent.port()).bind("token", LocalAgent.TOKEN).execute());
        }
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(data.resolve(Database.EMBEDDED_FILE), PosixFilePermissions.fromString("rw-r--r--"));

        int port = ServerCommandIT.freePort();
        Process first = server(data, port, "1");
        ServerCommandIT.awaitReady(first, dir.resolve("out1.txt"), dir.resolve("err1.txt"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(SecretBox.KEY_FILE)))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(Database.EMBEDDED_FILE)))).isEqualTo("rw-------");
        String session = login(port);
        ok(rpc(port, "AddDHCPServer", "{\"session\":\"" + session + "\",\"dhcpServer\":{\"name\":\"kea-a\",\"type\":\"Kea\","
                + "\"address\":\"127.0.0.1\",\"port\":1,\"username\":\"kea\",\"password\":\"" + KEA_PASSWORD + "\"}}"));
        stop(first);

        // The rows hold ciphertext only; the file holds neither secret (secure_delete zeroes what the encrypting UPDATE replaced).
        try (Database db = Database.open(Database.embeddedUrl(data))) {
            List<String> stored = db.jdbi().withHandle(h -> h.createQuery(
                    "SELECT COALESCE(agent_token, '') || '|' || COALESCE(password, '') FROM dhcp_servers ORDER BY name").mapTo(String.class).list());
            assertThat(stored).hasSize(2).allSatisfy(v -> assertThat(v).doesNotContain(LocalAgent.TOKEN).doesNotContain(KEA_PASSWORD).contains("enc:v1:"));
        }
        String raw = new String(Files.readAllBytes(data.resolve(Database.EMBEDDED_FILE)), StandardCharsets.ISO_8859_1)
                + (Files.exists(data.resolve(Database.EMBEDDED_FILE + "-wal"))
                        ? new String(Files.readAllBytes(data.resolve(Database.EMBEDDED_FILE + "-wal")), StandardCharsets.ISO_8859_1) : "");
        assertThat(raw).doesNotContain(KEA_PASSWORD);
        assertThat(raw).as("the migrated clear token must not linger in the file").doesNotContain(LocalAgent.TOKEN);

        // Restarted on the same data directory, Central decrypts the token and writes through the agent.
        Process second = server(data, port, "2");
        ServerCommandIT.awaitReady(second, dir.resolve("out2.txt"), dir.resolve("err2.txt"));
        session = login(port);
        ok(rpc(port, "AddRange", "{\"session\":\"" + session + "\",\"range\":{\"subnet\":\"10.77.0.0/24\"},\"saveComment\":\"t\"}"));
        ok(rpc(port, "AddDHCPScope", "{\"session\":\"" + session + "\",\"dhcpScope\":{\"rangeRef\":\"ranges/1\",\"dhcpServerRef\":\"isc-old\"}}"));
        assertThat(agent.confText()).contains("subnet 10.77.0.0");
        stop(second);

        // Another key: Central refuses to start, naming the key file, with no stack trace.
        byte[] other = new byte[32];
        new SecureRandom().nextBytes(other);
        Files.writeString(data.resolve(SecretBox.KEY_FILE), Base64.getEncoder().encodeToString(other) + "\n");
        Process third = server(data, port, "3");
        assertThat(third.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String err = Files.readString(dir.resolve("err3.txt"));
        assertThat(third.exitValue()).as(err).isEqualTo(2);
        assertThat(err).contains(data.toAbsolutePath().resolve(SecretBox.KEY_FILE).toString()).contains("cannot be decrypted")
                .doesNotContain("Exception").doesNotContain("\tat ");
    }

    private Process server(Path data, int port, String n) throws IOException {
        List<String> cmd = ServerCommandIT.tandem("server", "--host", "127.0.0.1", "--port", String.valueOf(port), "--data", data.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(dir.resolve("out" + n + ".txt").toFile())
                .redirectError(dir.resolve("err" + n + ".txt").toFile());
        pb.environment().remove(SecretBox.ENV);
        pb.environment().put("TANDEM_ADMIN_PASSWORD", ADMIN);
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private String login(int port) throws Exception {
        return ok(rpc(port, "Login", "{\"loginName\":\"administrator\",\"password\":\"" + ADMIN + "\"}")).path("session").asText();
    }

    private JsonNode rpc(int port, String method, String params) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/mmws/json")).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":" + params + "}"))
                .build();
        return JSON.readTree(http.send(r, HttpResponse.BodyHandlers.ofString()).body());
    }

    private static JsonNode ok(JsonNode answer) {
        assertThat(answer.has("error")).as(answer.toString()).isFalse();
        return answer.path("result");
    }
}
