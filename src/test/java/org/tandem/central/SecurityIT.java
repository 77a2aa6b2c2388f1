package org.tandem.central;

import org.tandem.testing.TableDump;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.tandem.agent.AgentServer;
import org.tandem.agent.AgentSettings;

/**
 * Who may do what: every JSON-RPC command (from the dispatcher) and REST operation (from the OpenAPI
 * document) refuses callers without a valid session, read-only users cannot call any write, every agent
 * route refuses a missing or wrong token, and no password, agent token or Kea password appears in the
 * log or in any API answer while logging in, adding servers with secrets and failing.
 */
class SecurityIT {

    static final String AGENT_TOKEN = "agent-token-Secret-91ab7c";
    static final String KEA_PASSWORD = "kea-password-Secret-4d5e6f";
    static final String READER_PASSWORD = "reader-password-Secret-1a2b";
    static final String WRONG_PASSWORD = "wrong-password-Secret-77aa";
    /** Operations the OpenAPI document marks public ({@code security: []}); anything else needs a caller. */
    static final List<String> PUBLIC = List.of("post /mmws/api/v2/micetro/sessions", "post /mmws/json", "get /health", "get /metrics",
            "get /mmws/api/v2/openapi.json");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private static Level rootLevel;
    private static TestCentral central;
    private static String admin;
    private static String reader;
    private static JsonNode openApi;
    private static final List<String> answers = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        rootLevel = root.getLevel();
        root.setLevel(Level.DEBUG);
        logs.start();
        root.addAppender(logs);
        central = new TestCentral();
        admin = central.adminSession();
        ok(rpc("AddDHCPServer", "{\"session\":\"" + admin + "\",\"dhcpServer\":{\"name\":\"isc-a\",\"type\":\"ISC\","
                + "\"address\":\"127.0.0.1\",\"agentToken\":\"" + AGENT_TOKEN + "\"}}"));
        ok(rpc("AddDHCPServer", "{\"session\":\"" + admin + "\",\"dhcpServer\":{\"name\":\"kea-a\",\"type\":\"Kea\","
                + "\"address\":\"127.0.0.1\",\"port\":8000,\"username\":\"kea\",\"password\":\"" + KEA_PASSWORD + "\"}}"));
        ok(rpc("AddUser", "{\"session\":\"" + admin + "\",\"user\":{\"name\":\"reader\",\"password\":\"" + READER_PASSWORD + "\",\"role\":\"ReadOnly\"}}"));
        reader = central.login("reader", READER_PASSWORD);
        try (InputStream in = SecurityIT.class.getResourceAsStream("/openapi.json")) {
            openApi = JSON.readTree(in);
        }
    }

    @AfterAll
    static void stop() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAppender(logs);
        root.setLevel(rootLevel);
        if (central != null) {
            central.close();
        }
    }

    private static JsonNode rpc(String method, String params) {
        JsonNode a = central.rpc(method, params);
        answers.add(a.toString());
        return a;
    }

    private static TestCentral.Answer send(String method, String path, String body, String auth) {
        TestCentral.Answer a = central.send(method, path, body, auth);
        answers.add(a.text());
        return a;
    }

    private static void ok(JsonNode answer) {
        assertThat(answer.has("error")).as("%s", answer).isFalse();
    }

    /** Every operation in the OpenAPI document as "method path". */
    private static List<String[]> operations() {
        List<String[]> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> p : openApi.path("paths").properties()) {
            for (Map.Entry<String, JsonNode> op : p.getValue().properties()) {
                boolean isPublic = op.getValue().path("security").isArray() && op.getValue().path("security").isEmpty();
                out.add(new String[] {op.getKey(), p.getKey(), Boolean.toString(isPublic)});
            }
        }
        return out;
    }

    @Test
    void everyCommand_withoutValidSession_isRefusedAsNotLoggedIn() {
        int checked = 0;
        for (String method : central.central.rpc().methods()) {
            if (central.central.rpc().isPublic(method)) {
                assertThat(method).isEqualTo("Login");
                continue;
            }
            for (String session : List.of("", "\"no-such-session\"", "null", "42")) {
                String params = session.isEmpty() ? "{}" : "{\"session\":" + session + "}";
                JsonNode a = rpc(method, params);
                assertThat(a.path("error").path("code").asInt()).as("%s with session %s: %s", method, session, a)
                        .isIn(16394, -32602);
                checked++;
            }
            TestCentral.Answer bad = send("POST", "/mmws/json", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":{}}",
                    "Bearer no-such-session");
            assertThat(bad.body().path("error").path("code").asInt()).as("%s with a bad Bearer header", method).isEqualTo(16394);
        }
        assertThat(checked).isGreaterThanOrEqualTo(4 * 25);
    }

    @Test
    void everyRestOperation_withoutValidCaller_is401_exceptTheDocumentedPublicOnes() {
        List<String> publicOps = new ArrayList<>();
        for (String[] op : operations()) {
            String label = op[0] + " " + op[1];
            if (Boolean.parseBoolean(op[2])) {
                publicOps.add(label);
                continue;
            }
            String path = op[1].replaceAll("\\{[^}]+}", "1");
            String body = op[0].equals("get") ? null : "{}";
            for (String auth : new String[] {null, "Bearer no-such-session", "Basic " + b64("administrator:" + WRONG_PASSWORD), "Basic " + b64("x"),
                    "Token abc"}) {
                TestCentral.Answer a = send(op[0].toUpperCase(), path, body, auth);
                assertThat(a.status()).as("%s with %s: %s", label, auth, a.text()).isEqualTo(401);
                assertThat(a.body().path("error").path("message").asText()).as(label).isNotBlank();
            }
        }
        assertThat(new TreeSet<>(publicOps)).isEqualTo(new TreeSet<>(PUBLIC));
    }

    @Test
    void readOnlyUser_everyWriteCommandAndRestWrite_isRefused_andNothingChanges() {
        Map<String, String> before = TableDump.of(central.central.database().jdbi(), t -> false);
        int refused = 0;
        for (String method : central.central.rpc().methods()) {
            if (method.startsWith("Get") || method.equals("Login") || method.equals("Logout")) {
                continue;
            }
            if (method.equals("ChangePassword")) {
                // Open to read-only users for their own password, with the old one (PasswordsIT).
                continue;
            }
            JsonNode a = rpc(method, "{\"session\":\"" + reader + "\"}");
            assertThat(a.path("error").path("code").asInt()).as("%s as read-only: %s", method, a).isEqualTo(4103);
            assertThat(a.path("error").path("message").asText()).contains("read-only");
            refused++;
        }
        for (String[] op : operations()) {
            if (op[0].equals("get") || Boolean.parseBoolean(op[2])) {
                continue;
            }
            String path = op[1].replaceAll("\\{[^}]+}", "isc-a");
            TestCentral.Answer a = send(op[0].toUpperCase(), path, "{}", "Bearer " + reader);
            assertThat(a.status()).as("%s %s as read-only: %s", op[0], op[1], a.text()).isEqualTo(403);
            refused++;
        }
        // The reader can still read.
        assertThat(rpc("GetDHCPServers", "{\"session\":\"" + reader + "\"}").has("result")).isTrue();
        assertThat(send("GET", "/mmws/api/v2/dhcpServers", null, "Bearer " + reader).status()).isEqualTo(200);
        assertThat(TableDump.of(central.central.database().jdbi(), t -> false)).isEqualTo(before);
        assertThat(refused).isGreaterThanOrEqualTo(25);
    }

    @Test
    void secrets_neverInLogsOrAnswers() {
        // Failures that carry secrets: wrong passwords, a secret in a refused server add, Basic auth.
        rpc("Login", "{\"loginName\":\"administrator\",\"password\":\"" + WRONG_PASSWORD + "\"}");
        rpc("Login", "{\"loginName\":\"reader\",\"password\":\"" + READER_PASSWORD + "\"}");
        send("POST", "/mmws/api/v2/micetro/sessions", "{\"loginName\":\"nobody\",\"password\":\"" + WRONG_PASSWORD + "\"}", null);
        send("GET", "/mmws/api/v2/dhcpServers", null, "Basic " + b64("administrator:" + WRONG_PASSWORD));
        rpc("AddDHCPServer", "{\"session\":\"" + admin + "\",\"dhcpServer\":{\"name\":\"bad name;\",\"type\":\"ISC\",\"address\":\"127.0.0.1\","
                + "\"agentToken\":\"" + AGENT_TOKEN + "\"}}");
        rpc("AddDHCPServer", "{\"session\":\"" + admin + "\",\"dhcpServer\":{\"name\":\"kea-b\",\"type\":\"Kea\",\"address\":\"300.0.0.1\","
                + "\"password\":\"" + KEA_PASSWORD + "\"}}");
        rpc("AddUser", "{\"session\":\"" + admin + "\",\"user\":{\"name\":\"bad;user\",\"password\":\"" + READER_PASSWORD + "\"}}");
        // Everything a caller can read back.
        for (String method : central.central.rpc().methods()) {
            if (method.startsWith("Get")) {
                rpc(method, "{\"session\":\"" + admin + "\"}");
            }
        }
        for (String[] op : operations()) {
            if (op[0].equals("get")) {
                send("GET", op[1].replaceAll("\\{[^}]+}", "1"), null, "Bearer " + admin);
                send("GET", op[1].replaceAll("\\{[^}]+}", "kea-a"), null, "Bearer " + admin);
            }
        }
        List<String> secrets = List.of(AGENT_TOKEN, KEA_PASSWORD, READER_PASSWORD, WRONG_PASSWORD, TestCentral.ADMIN_PASSWORD, admin, reader);
        List<String> lines = new ArrayList<>();
        synchronized (logs) {
            for (ILoggingEvent e : logs.list) {
                lines.add(e.getFormattedMessage());
                for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                    lines.add(t.getMessage() == null ? "" : t.getMessage());
                }
            }
        }
        assertThat(lines).as("log lines captured").isNotEmpty();
        assertThat(answers.size()).isGreaterThan(40);
        for (String secret : secrets) {
            assertThat(lines).as("log lines").noneMatch(l -> l.contains(secret));
            assertThat(answers).as("API answers").noneMatch(a -> a.contains(secret) && !a.contains("\"session\":\"" + secret + "\""));
        }
        System.out.printf("SecurityIT: %d log lines and %d API answers scanned for %d secrets%n", lines.size(), answers.size(), secrets.size());
    }

    @Test
    void agent_everyRoute_refusesMissingOrWrongToken(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("dhcpd.conf");
        Files.writeString(conf, "ddns-update-style none;\n");
        Path pid = dir.resolve("dhcpd.pid");
        Files.writeString(pid, Long.toString(ProcessHandle.current().pid()));
        AgentSettings settings = new AgentSettings("127.0.0.1", 0, conf, null, "false", null, 0, null, pid, AGENT_TOKEN,
                "dhcpd", 3, Duration.ofSeconds(2), Duration.ofMillis(100));
        HttpClient http = HttpClient.newHttpClient();
        try (AgentServer agent = new AgentServer(settings, Clock.systemUTC()).start()) {
            String base = "http://127.0.0.1:" + agent.port();
            String[][] routes = {{"GET", "/v1/health"}, {"GET", "/v1/config"}, {"PUT", "/v1/config"}, {"GET", "/v1/leases"},
                    {"GET", "/v1/failover/peer"}, {"POST", "/v1/failover/peer/partner-down"}, {"POST", "/v1/dhcpd/stop"},
                    {"POST", "/v1/dhcpd/start"}, {"GET", "/v1/no-such-route"}, {"DELETE", "/"}};
            for (String[] r : routes) {
                for (String auth : new String[] {null, "Bearer wrong-token", "Bearer " + AGENT_TOKEN + "x", "Basic " + b64("a:" + AGENT_TOKEN)}) {
                    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + r[1]))
                            .method(r[0], HttpRequest.BodyPublishers.ofString(r[0].equals("GET") ? "" : "{}"));
                    if (auth != null) {
                        b.header("Authorization", auth);
                    }
                    HttpResponse<String> a = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(a.statusCode()).as("%s %s with %s: %s", r[0], r[1], auth, a.body()).isEqualTo(401);
                    assertThat(a.body()).doesNotContain(AGENT_TOKEN);
                }
            }
            assertThat(Files.readString(conf)).isEqualTo("ddns-update-style none;\n");
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
