package org.tandem.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandem.common.UserError;

/**
 * The agent's HTTP surface and write safety with the real {@code dhcpd -t} (no root needed). The
 * "dhcpd" whose liveness the agent checks is stood in for by a pid file the restart script writes:
 * this JVM's pid when the new config is meant to run, a pid that cannot exist when it is meant to die.
 */
class AgentServerTest {

    private static final String TOKEN = "test-token-0123456789abcdef";
    private static final String GOOD = "# managed by tandem\nddns-update-style none;\nsubnet 198.18.9.0 netmask 255.255.255.0 {\n}\n";

    @TempDir
    Path dir;
    private Path conf;
    private AgentServer server;
    private AgentClient client;

    @BeforeEach
    void start() throws IOException {
        conf = dir.resolve("dhcpd.conf");
        Files.writeString(conf, GOOD);
        Path pid = dir.resolve("dhcpd.pid");
        Path script = dir.resolve("restart.sh");
        // DIES: dhcpd exits right after start; FAILRESTART: the restart command itself fails.
        Files.writeString(script, "#!/bin/sh\n"
                + "if grep -q FAILRESTART '" + conf + "'; then echo 'cannot restart: unit masked' >&2; exit 3; fi\n"
                + "if grep -q DIES '" + conf + "'; then echo 4194999 > '" + pid + "'; exit 0; fi\n"
                + "echo " + ProcessHandle.current().pid() + " > '" + pid + "'\n");
        Files.writeString(pid, Long.toString(ProcessHandle.current().pid()));
        AgentSettings settings = new AgentSettings("127.0.0.1", 0, conf, null, "sh " + script, null, 0, null, pid, TOKEN,
                "dhcpd", 3, Duration.ofSeconds(2), Duration.ofMillis(100));
        server = new AgentServer(settings, Clock.systemUTC()).start();
        client = new AgentClient(URI.create("http://127.0.0.1:" + server.port()), TOKEN);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void anyRoute_wrongToken_isRefusedWith401AndChangesNothing() throws Exception {
        AgentClient wrong = new AgentClient(URI.create("http://127.0.0.1:" + server.port()), "not-the-token-at-all");
        assertThatThrownBy(() -> wrong.writeConfig("junk", null))
                .isInstanceOfSatisfying(UserError.class, e -> assertThat(e.kind()).isEqualTo(UserError.Kind.AUTHENTICATION))
                .hasMessageContaining("token");
        assertThat(Files.readString(conf)).isEqualTo(GOOD);
        HttpResponse<String> none = raw("GET", "/v1/config", null, null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.body()).doesNotContain(TOKEN);
    }

    @Test
    void readConfig_withIncludes_returnsEveryFileAndItsSha256() throws Exception {
        Path inc = dir.resolve("pools.conf");
        Files.writeString(inc, "# pools\n");
        Files.writeString(conf, GOOD + "# include \"commented.conf\";\ninclude \"" + inc + "\";\n");
        AgentApi.ConfigView v = client.readConfig();
        assertThat(v.content()).startsWith("# managed by tandem");
        assertThat(v.sha256()).isEqualTo(DhcpdConfigService.sha256(Files.readAllBytes(conf)));
        assertThat(v.includes()).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo(inc.toString());
            assertThat(f.content()).isEqualTo("# pools\n");
        });
    }

    @Test
    void writeConfig_valid_replacesFileKeepsBackupAndReportsHashes() throws Exception {
        String next = GOOD + "default-lease-time 600;\n";
        AgentApi.WriteConfigResult r = client.writeConfig(next, client.readConfig().sha256());
        assertThat(Files.readString(conf)).isEqualTo(next);
        assertThat(r.sha256()).isEqualTo(DhcpdConfigService.sha256(next.getBytes()));
        assertThat(Files.readString(Path.of(r.backup()))).isEqualTo(GOOD);
    }

    @Test
    void writeConfig_sameBytesJustValidated_dhcpdChecksThemOnce() throws Exception {
        try (Counting agent = countingDhcpd()) {
            String next = GOOD + "default-lease-time 700;\n";
            agent.client.validateConfig(next);
            agent.client.writeConfig(next, null);

            assertThat(Files.readString(conf)).isEqualTo(next);
            assertThat(agent.checks()).isEqualTo(1);
        }
    }

    @Test
    void writeConfig_otherBytesThanValidatedOrAnInclude_dhcpdChecksAgain() throws Exception {
        try (Counting agent = countingDhcpd()) {
            agent.client.validateConfig(GOOD + "default-lease-time 700;\n");
            agent.client.writeConfig(GOOD + "default-lease-time 701;\n", null);
            Path inc = dir.resolve("extra.conf");
            Files.writeString(inc, "# nothing yet\n");
            String withInclude = GOOD + "include \"" + inc + "\";\n";
            agent.client.validateConfig(withInclude);
            agent.client.writeConfig(withInclude, null);

            // An included file may change between the two requests; only the text is remembered.
            assertThat(agent.checks()).isEqualTo(4);
            assertThat(Files.readString(conf)).isEqualTo(withInclude);
        }
    }

    /** A second agent on the same files whose "dhcpd" counts its runs, then runs the real one. */
    private Counting countingDhcpd() throws IOException {
        Path count = dir.resolve("dhcpd-runs");
        Path binary = dir.resolve("counting-dhcpd.sh");
        Files.writeString(binary, "#!/bin/sh\necho run >> '" + count + "'\nexec dhcpd \"$@\"\n");
        binary.toFile().setExecutable(true);
        AgentSettings settings = new AgentSettings("127.0.0.1", 0, conf, null, "sh " + dir.resolve("restart.sh"), null, 0, null,
                dir.resolve("dhcpd.pid"), TOKEN, binary.toString(), 3, Duration.ofSeconds(2), Duration.ofMillis(100));
        AgentServer counting = new AgentServer(settings, Clock.systemUTC()).start();
        return new Counting(counting, new AgentClient(URI.create("http://127.0.0.1:" + counting.port()), TOKEN), count);
    }

    private record Counting(AgentServer server, AgentClient client, Path count) implements AutoCloseable {
        int checks() throws IOException {
            return Files.exists(count) ? Files.readAllLines(count).size() : 0;
        }

        @Override
        public void close() {
            server.close();
        }
    }

    @Test
    void writeConfig_manyTimes_keepsOnlyTheConfiguredNumberOfBackups() throws Exception {
        for (int i = 0; i < 5; i++) {
            client.writeConfig(GOOD + "default-lease-time " + (600 + i) + ";\n", null);
        }
        assertThat(Files.readString(DhcpdConfigService.backupPath(conf, 1))).contains("default-lease-time 603;");
        assertThat(Files.readString(DhcpdConfigService.backupPath(conf, 3))).contains("default-lease-time 601;");
        assertThat(DhcpdConfigService.backupPath(conf, 4)).doesNotExist();
    }

    @Test
    void writeConfig_dhcpdRefuses_answersDhcpdsLineNumberedMessageAndWritesNothing() throws Exception {
        byte[] before = Files.readAllBytes(conf);
        assertThatThrownBy(() -> client.writeConfig(GOOD + "subnet 198.18.8.0 netmask 255.255.255.0 {\n  rangex 1;\n}\n", null))
                .isInstanceOfSatisfying(AgentError.class, e -> {
                    assertThat(e.kind()).isEqualTo(UserError.Kind.SERVER_REFUSED);
                    assertThat((String) e.details().get("dhcpdOutput")).contains(conf + " line 6:");
                })
                .hasMessageContaining(conf + " line 6: semicolon expected.")
                .hasMessageNotContaining(".check-");
        assertThat(Files.readAllBytes(conf)).isEqualTo(before);
        assertThat(DhcpdConfigService.backupPath(conf, 1)).doesNotExist();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".check-") || n.contains(".new-"));
        }
    }

    @Test
    void validateConfig_dhcpdRefuses_answersDhcpdsWordsAndWritesNothing() throws Exception {
        String bad = GOOD + "subnet 198.18.10.0 netmask 255.255.255.0 { range 198.18.11.1 198.18.11.9; }\n";
        assertThatThrownBy(() -> client.validateConfig(bad))
                .isInstanceOfSatisfying(UserError.class, e -> assertThat(e.kind()).isEqualTo(UserError.Kind.SERVER_REFUSED))
                .hasMessageContaining("address 198.18.11.1 not in subnet 198.18.10.0");
        client.validateConfig(GOOD + "# another comment\n");
        assertThat(Files.readString(conf)).isEqualTo(GOOD);
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.contains(".check-"));
        }
    }

    @Test
    void validateAndWrite_includeOutsideTheConfigDirectory_isRefusedNamingItAndReadsNothing() throws Exception {
        // Issue 17, finding 7: include "/etc/shadow" sent to validate came back quoted in dhcpd's error.
        Path outside = Files.createTempDirectory("tandem-agent-outside");
        try {
            Path secret = Files.writeString(outside.resolve("shadow"), "root:SECRET-HASH-0123:19000:0:99999:7:::\n");
            Files.createSymbolicLink(dir.resolve("link.conf"), secret);
            for (String include : new String[] {secret.toString(), "../" + outside.getFileName() + "/shadow", dir.resolve("link.conf").toString()}) {
                String text = GOOD + "include \"" + include + "\";\n";
                for (HttpResponse<String> r : new HttpResponse[] {raw("POST", "/v1/config/validate", TOKEN, body(text)),
                        raw("PUT", "/v1/config", TOKEN, body(text))}) {
                    assertThat(r.statusCode()).as(include).isEqualTo(400);
                    assertThat(r.body()).contains("\"field\":\"content\"").contains(include.replace("\\", "\\\\"))
                            .contains("outside the managed config's directory " + dir.toRealPath()).doesNotContain("SECRET-HASH");
                }
            }
            assertThat(Files.readString(conf)).isEqualTo(GOOD);
        } finally {
            Files.deleteIfExists(dir.resolve("link.conf"));
            Files.deleteIfExists(outside.resolve("shadow"));
            Files.deleteIfExists(outside);
        }
    }

    @Test
    void validateConfig_includedFileDhcpdRefuses_answerNamesTheLineButQuotesNoneOfIt() throws Exception {
        // dhcpd -t quotes the offending line of any file it reads; only the submitted text may be echoed.
        Path inc = Files.writeString(dir.resolve("keys.conf"), "root:SECRET-HASH-0123:19000:0:99999:7:::\n");
        HttpResponse<String> r = raw("POST", "/v1/config/validate", TOKEN, body(GOOD + "include \"" + inc + "\";\n"));
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.body()).contains(inc + " line 1:").contains(conf + " line 5:").doesNotContain("SECRET").doesNotContain("root:");
    }

    private static String body(String content) {
        return "{\"content\":\"" + content.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"}";
    }

    @Test
    void writeConfig_staleExpectedSha256_isAConflictAndWritesNothing() throws Exception {
        String seen = client.readConfig().sha256();
        Files.writeString(conf, GOOD + "# edited by hand\n");
        assertThatThrownBy(() -> client.writeConfig(GOOD + "default-lease-time 600;\n", seen))
                .isInstanceOfSatisfying(AgentError.class, e -> {
                    assertThat(e.kind()).isEqualTo(UserError.Kind.CONFLICT);
                    assertThat(e.details()).containsKey("currentSha256");
                });
        assertThat(Files.readString(conf)).endsWith("# edited by hand\n");
    }

    @Test
    void writeConfig_restartCommandFails_restoresPreviousFileAndReports() throws Exception {
        assertThatThrownBy(() -> client.writeConfig(GOOD + "# FAILRESTART\n", null))
                .isInstanceOfSatisfying(AgentError.class, e -> {
                    assertThat(e.kind()).isEqualTo(UserError.Kind.SERVER_REFUSED);
                    assertThat(e.details()).containsEntry("restored", true).containsEntry("runningAfterRestore", true);
                    assertThat((String) e.details().get("restartOutput")).contains("unit masked");
                })
                .hasMessageContaining("exit code 3")
                .hasMessageContaining("previous config was restored");
        assertThat(Files.readString(conf)).isEqualTo(GOOD);
    }

    @Test
    void writeConfig_dhcpdDiesAfterRestart_restoresPreviousFileAndRestartsIt() throws Exception {
        assertThatThrownBy(() -> client.writeConfig(GOOD + "# DIES\n", null))
                .isInstanceOfSatisfying(AgentError.class,
                        e -> assertThat(e.details()).containsEntry("restored", true).containsEntry("runningAfterRestore", true))
                .hasMessageContaining("not running");
        assertThat(Files.readString(conf)).isEqualTo(GOOD);
        assertThat(client.health().dhcpdRunning()).isTrue();
    }

    @Test
    void writeConfig_unknownField_isRefusedNamingIt() throws Exception {
        HttpResponse<String> r = raw("PUT", "/v1/config", TOKEN, "{\"content\":\"x\",\"sha\":\"1\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("\"field\":\"sha\"").contains("expectedSha256");
    }

    @Test
    void writeConfig_malformedExpectedSha_isRefusedNamingTheField() {
        assertThatThrownBy(() -> client.writeConfig(GOOD, "abc"))
                .isInstanceOfSatisfying(UserError.class, e -> assertThat(e.field()).isEqualTo("expectedSha256"));
    }

    @Test
    void writeConfig_bodyOverLimit_isRefusedAndWritesNothing() throws Exception {
        String huge = "{\"content\":\"" + "#".repeat((int) AgentServer.MAX_BODY_BYTES) + "\"}";
        HttpResponse<String> r = raw("PUT", "/v1/config", TOKEN, huge);
        assertThat(r.statusCode()).isIn(400, 413);
        assertThat(Files.readString(conf)).isEqualTo(GOOD);
    }

    @Test
    void failoverState_agentWithoutOmapi_saysWhatIsMissing() {
        assertThatThrownBy(() -> client.failoverState("fo1"))
                .isInstanceOfSatisfying(UserError.class, e -> assertThat(e.kind()).isEqualTo(UserError.Kind.NOT_FOUND))
                .hasMessageContaining("--omapi");
    }

    @Test
    void partnerDown_withoutConfirmation_isRefused() throws Exception {
        HttpResponse<String> r = raw("POST", "/v1/failover/fo1/partner-down", TOKEN, "{}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("\"field\":\"confirm\"");
    }

    @Test
    void failoverState_nameWithSyntax_isRefused() throws Exception {
        HttpResponse<String> r = raw("GET", "/v1/failover/a%22b", TOKEN, null);
        assertThat(r.statusCode()).isEqualTo(400);
    }

    @Test
    void unknownRoute_answersJson404NamingTheRoute() throws Exception {
        HttpResponse<String> r = raw("GET", "/v1/nope", TOKEN, null);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("\"kind\":\"NOT_FOUND\"").contains("GET /v1/nope");
    }

    private HttpResponse<String> raw(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
