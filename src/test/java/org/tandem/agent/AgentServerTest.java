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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
    private final List<FakeProcess> processes = new ArrayList<>();
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
                + "echo run >> '" + dir.resolve("restarts") + "'\n"
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
    void stop() throws InterruptedException {
        server.close();
        for (FakeProcess p : processes) {
            p.close();
        }
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

    @Test
    void stopDhcpd_running_sigtermEndsItAndAnswersNotRunning() throws Exception {
        FakeProcess dhcpd = fakeProcess("dhcpd", false);

        AgentApi.HealthView v = client.stopDhcpd();

        assertThat(v.dhcpdRunning()).isFalse();
        assertThat(v.detail()).contains("pid " + dhcpd.process.pid()).contains("stopped on SIGTERM");
        assertThat(dhcpd.process.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(dhcpd.process.exitValue()).as("killed by SIGTERM").isEqualTo(128 + 15);
        assertThat(client.health().dhcpdRunning()).isFalse();
    }

    @Test
    void stopDhcpd_ignoresSigterm_isKilledAfterTheRestartDeadlineAndTheAnswerSaysSo() throws Exception {
        FakeProcess dhcpd = fakeProcess("dhcpd", true);

        AgentApi.HealthView v = client.stopDhcpd();

        assertThat(v.dhcpdRunning()).isFalse();
        assertThat(v.detail()).contains("did not stop within 2 s of SIGTERM").contains("SIGKILL");
        assertThat(dhcpd.process.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(dhcpd.process.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
    }

    @Test
    void stopDhcpd_notRunning_answersSoEveryTime() throws Exception {
        Path pid = dir.resolve("dhcpd.pid");
        for (String content : new String[] {"4194999", "4194999", "not a pid", null}) {
            if (content == null) {
                Files.delete(pid);
            } else {
                Files.writeString(pid, content);
            }

            AgentApi.HealthView v = client.stopDhcpd();

            assertThat(v.dhcpdRunning()).as(content).isFalse();
            assertThat(v.detail()).as(content).startsWith("dhcpd was not running");
        }
    }

    @Test
    void stopDhcpd_pidFileNamesAnotherProcess_isRefusedAndSignalsNothing() throws Exception {
        // As after a reboot that left the pid file and gave its pid to another program; this JVM is the second case.
        FakeProcess other = fakeProcess("not-dhcpd", false);
        assertThatThrownBy(client::stopDhcpd)
                .isInstanceOfSatisfying(UserError.class, e -> assertThat(e.kind()).isEqualTo(UserError.Kind.CONFLICT))
                .hasMessageContaining("names process " + other.process.pid() + " (\"not-dhcpd\"), which is not dhcpd");
        assertThat(other.process.isAlive()).isTrue();

        Files.writeString(dir.resolve("dhcpd.pid"), Long.toString(ProcessHandle.current().pid()));
        assertThatThrownBy(client::stopDhcpd).hasMessageContaining("which is not dhcpd");
    }

    @Test
    void startDhcpd_notRunning_runsTheRestartCommandAndAnswersRunning() throws Exception {
        Files.writeString(dir.resolve("dhcpd.pid"), "4194999");

        AgentApi.HealthView v = client.startDhcpd();

        assertThat(v.dhcpdRunning()).isTrue();
        assertThat(restarts()).isEqualTo(1);
        assertThat(client.health().dhcpdRunning()).isTrue();
    }

    @Test
    void startDhcpd_alreadyRunning_answersRunningWithoutARestart() throws Exception {
        AgentApi.HealthView v = client.startDhcpd();

        assertThat(v.dhcpdRunning()).isTrue();
        assertThat(v.detail()).contains("already running");
        assertThat(restarts()).isZero();
    }

    @Test
    void startDhcpd_restartCommandFails_answersItsExitCodeAndOutput() throws Exception {
        Files.writeString(dir.resolve("dhcpd.pid"), "4194999");
        Files.writeString(conf, GOOD + "# FAILRESTART\n");

        assertThatThrownBy(client::startDhcpd)
                .isInstanceOfSatisfying(AgentError.class, e -> {
                    assertThat(e.kind()).isEqualTo(UserError.Kind.SERVER_REFUSED);
                    assertThat((String) e.details().get("restartOutput")).contains("unit masked");
                })
                .hasMessageContaining("dhcpd was not started")
                .hasMessageContaining("exit code 3");
    }

    @Test
    void stopAndStartDhcpd_withoutConfirmation_areRefusedNamingConfirmAndDoNothing() throws Exception {
        FakeProcess dhcpd = fakeProcess("dhcpd", false);
        for (String route : new String[] {"/v1/dhcpd/stop", "/v1/dhcpd/start"}) {
            for (String body : new String[] {"{}", "{\"confirm\":false}", "{\"confirm\":\"yes\"}", "null", ""}) {
                HttpResponse<String> r = raw("POST", route, TOKEN, body);
                assertThat(r.statusCode()).as(route + " " + body).isEqualTo(400);
                assertThat(r.body()).as(route + " " + body).contains("\"field\":\"confirm\"").contains("must be true: ");
            }
            HttpResponse<String> other = raw("POST", route, TOKEN, "{\"confirm\":true,\"force\":true}");
            assertThat(other.statusCode()).isEqualTo(400);
            assertThat(other.body()).contains("\"field\":\"force\"").contains("allowed: confirm");
            assertThat(raw("POST", route, "wrong-token-0123456789abcdef", "{\"confirm\":true}").statusCode()).isEqualTo(401);
        }
        assertThat(dhcpd.process.isAlive()).isTrue();
        assertThat(restarts()).isZero();
    }

    @Test
    void stopAndStartDhcpd_onAKeaAgent_areNoRoutes() throws Exception {
        Path keaConf = Files.writeString(dir.resolve("kea-dhcp4.conf"), "{\"Dhcp4\": {}}\n");
        try (AgentServer kea = new AgentServer(AgentSettings.forKea("127.0.0.1", 0,
                KeaAgentSettings.of(keaConf, dir.resolve("kea4.sock")), TOKEN, 2), Clock.systemUTC()).start()) {
            AgentClient keaClient = new AgentClient(URI.create("http://127.0.0.1:" + kea.port()), TOKEN);
            assertThatThrownBy(keaClient::stopDhcpd)
                    .isInstanceOfSatisfying(UserError.class, e -> assertThat(e.kind()).isEqualTo(UserError.Kind.NOT_FOUND))
                    .hasMessageContaining("no such agent route: POST /v1/dhcpd/stop");
            assertThatThrownBy(keaClient::startDhcpd).hasMessageContaining("no such agent route: POST /v1/dhcpd/start");
        }
    }

    private int restarts() throws IOException {
        Path count = dir.resolve("restarts");
        return Files.exists(count) ? Files.readAllLines(count).size() : 0;
    }

    /**
     * A process of ours in the pid file that the agent tells by its name: a copy of sleep called {@code name} (the
     * kernel names a process after its executable), optionally ignoring SIGTERM; stopped after the test in any case.
     */
    private FakeProcess fakeProcess(String name, boolean ignoresSigterm) throws Exception {
        Path binary = dir.resolve(name);
        Files.copy(Path.of("/bin/sleep"), binary);
        binary.toFile().setExecutable(true);
        // An ignored signal stays ignored across exec, so the trap holds for the sleep that replaces the shell.
        List<String> command = ignoresSigterm ? List.of("/bin/sh", "-c", "trap '' TERM; exec '" + binary + "' 120")
                : List.of(binary.toString(), "120");
        FakeProcess p = new FakeProcess(new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
        processes.add(p);
        Path comm = Path.of("/proc", Long.toString(p.process.pid()), "comm");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!Files.readString(comm).strip().equals(name)) {
            assertThat(System.nanoTime()).as("%s has run its exec within 5 s", name).isLessThan(end);
            Thread.sleep(10);
        }
        Files.writeString(dir.resolve("dhcpd.pid"), Long.toString(p.process.pid()));
        return p;
    }

    private record FakeProcess(Process process) {
        void close() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
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
