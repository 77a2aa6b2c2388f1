package org.tandem.cli;

import org.tandem.agent.LocalAgent;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandem.Main;
import org.tandem.central.Central;
import org.tandem.central.CentralConfig;
import org.tandem.store.Database;
import org.tandem.testing.Cleanup;
import org.tandem.testing.CliRun;

/** The client commands as a user types them, run in-process against a Central on a free loopback port. */
class ClientCommandsIT {

    private static final String PASSWORD = "cli-test-password";
    private static Central central;
    private static String url;
    private static String savedHome;

    @TempDir
    static Path home;

    /** What one command printed and its exit code. */

    private static LocalAgent agent;
    /** The ISC failover pair of the failover tests: two more agents, so the single-server tests keep their own. */
    private static LocalAgent foA;
    private static LocalAgent foB;

    @BeforeAll
    static void start() {
        agent = LocalAgent.start();
        foA = LocalAgent.start();
        foB = LocalAgent.start();
        central = Central.start(new Central.Options("127.0.0.1", 0, Database.temporaryUrl("cli-" + UUID.randomUUID()),
                CentralConfig.defaults(), Clock.systemUTC(), List.of(), PASSWORD));
        url = "http://127.0.0.1:" + central.port() + "/";
        // The session file goes under ~/.config/tandem: point ~ at a temp dir for this class.
        savedHome = System.getProperty("user.home");
        System.setProperty("user.home", home.toString());
    }

    @AfterAll
    static void stop() throws Exception {
        System.setProperty("user.home", savedHome);
        Cleanup.close(central, agent, foA, foB);
    }

    private static CliRun tandem(String... args) {
        return CliRun.run(args);
    }

    private static String[] auth(String... args) {
        String[] all = new String[args.length + 6];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(new String[] {"--url", url, "--user", "administrator", "--password", PASSWORD}, 0, all, args.length, 6);
        return all;
    }

    @Test
    void login_wrongPassword_exit3AndNoSessionSaved() {
        CliRun r = tandem("login", "--url", url, "--user", "administrator", "--password", "wrong-password");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).startsWith("tandem login: ");
        CliRun after = tandem("history", "--url", "http://127.0.0.1:1/");
        assertThat(after.code()).isIn(3, 4);
    }

    @Test
    void login_thenCommandsUseSavedSessionFileReadableByOwnerOnly() throws Exception {
        CliRun r = tandem("login", "--url", url, "--user", "administrator", "--password", PASSWORD);
        assertThat(r.code()).as(r.err()).isZero();
        Path file = home.resolve(".config/tandem/session.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        CliRun history = tandem("history", "--json");
        assertThat(history.code()).as(history.err()).isZero();
        JsonNode answer = TandemClient.json().readTree(history.out());
        assertThat(answer.path("changes").isArray()).isTrue();
    }

    @Test
    void serversAndScopes_addListRemove_showInListsAndHistory() throws Exception {
        CliRun add = tandem(auth("servers", "add", "--name", "cli-isc", "--type", "ISC", "--address", "127.0.0.1", "--port",
                Integer.toString(agent.port()), "--agent-token", LocalAgent.TOKEN, "--comment", "from the CLI test"));
        assertThat(add.code()).as(add.err()).isZero();
        CliRun list = tandem(auth("servers", "list", "--json"));
        JsonNode servers = TandemClient.json().readTree(list.out());
        assertThat(servers.path("dhcpServers").findValuesAsText("name")).contains("cli-isc");

        CliRun scope = tandem(auth("scopes", "add", "--subnet", "10.77.0.0/24", "--server", "cli-isc", "--pool", "10.77.0.10-10.77.0.20"));
        assertThat(scope.code()).as(scope.err()).isZero();
        assertThat(scope.out()).contains("Added scope dhcpScopes/").contains("Added pool");
        assertThat(agent.confText()).contains("subnet 10.77.0.0 netmask 255.255.255.0").contains("range 10.77.0.10 10.77.0.20;");
        CliRun table = tandem(auth("scopes", "list"));
        assertThat(table.out()).contains("10.77.0.0").contains("10.77.0.255");

        CliRun again = tandem(auth("scopes", "add", "--subnet", "10.77.0.0/24", "--server", "cli-isc"));
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("cli-isc").contains("already serves");

        CliRun history = tandem(auth("history", "--filter", "saveComment=from the CLI test", "--json"));
        assertThat(TandemClient.json().readTree(history.out()).path("totalResults").asInt()).isEqualTo(1);

        String ref = TandemClient.json().readTree(tandem(auth("scopes", "list", "--json")).out()).path("dhcpScopes").get(0).path("ref").asText();
        assertThat(tandem(auth("scopes", "remove", ref)).code()).isZero();
        assertThat(tandem(auth("scopes", "list")).out()).doesNotContain("10.77.0.0");
        assertThat(agent.confText()).doesNotContain("10.77.0.0");
    }

    @Test
    void serversAdd_tls_registersAnIscAgentReachedOverHttps() throws Exception {
        CliRun add = tandem(auth("servers", "add", "--name", "cli-tls-agent", "--type", "ISC", "--address", "127.0.0.1", "--port", "2",
                "--agent-token", "a-long-enough-agent-token", "--tls"));
        assertThat(add.code()).as(add.err()).isZero();
        JsonNode servers = TandemClient.json().readTree(tandem(auth("servers", "list", "--json")).out()).path("dhcpServers");
        JsonNode added = null;
        for (JsonNode s : servers) {
            if (s.path("name").asText().equals("cli-tls-agent")) {
                added = s;
            }
        }
        assertThat(added).as(servers.toString()).isNotNull();
        assertThat(added.path("useTls").asBoolean()).isTrue();
    }

    @Test
    void userMistakes_areNamedWithExit2BeforeAnyCall() {
        CliRun badType = tandem(auth("servers", "add", "--name", "x", "--type", "Windows", "--address", "127.0.0.1"));
        assertThat(badType.code()).isEqualTo(2);
        assertThat(badType.err()).contains("--type must be ISC or Kea");
        CliRun noToken = tandem(auth("servers", "add", "--name", "x", "--type", "ISC", "--address", "127.0.0.1"));
        assertThat(noToken.code()).isEqualTo(2);
        assertThat(noToken.err()).contains("--agent-token");
        CliRun badSubnet = tandem(auth("scopes", "add", "--subnet", "10.1.2.0", "--server", "x"));
        assertThat(badSubnet.code()).isEqualTo(2);
        assertThat(badSubnet.err()).contains("--subnet must be an IPv4 subnet in CIDR");
        CliRun badAction = tandem(auth("failover", "remove-scopes", "fo", "--scope", "s", "--action", "Erase"));
        assertThat(badAction.code()).isEqualTo(2);
        assertThat(badAction.err()).contains("--action must be None, Disable or Delete");
        CliRun badUrl = tandem("servers", "list", "--url", "ftp://x", "--user", "a", "--password", "b");
        assertThat(badUrl.code()).isEqualTo(2);
        assertThat(badUrl.err()).contains("--url must be an http://");
        CliRun missingOption = tandem("scopes", "add", "--subnet", "10.0.0.0/24");
        assertThat(missingOption.code()).isEqualTo(2);
    }

    @Test
    void centralNotRunning_exit4NamingTheAddress() {
        CliRun r = tandem("servers", "list", "--url", "http://127.0.0.1:1/", "--user", "administrator", "--password", PASSWORD);
        assertThat(r.code()).isEqualTo(4);
        assertThat(r.err()).contains("127.0.0.1:1");
    }

    // ---------------------------------------------------------------- issue 12: the CLI items

    /** Central's answer to {@code method}, asked as administrator through the API (not the CLI). */
    private static JsonNode api(String method, String paramsJson) throws Exception {
        TandemClient c = new TandemClient(java.net.URI.create(url), null);
        c.login("administrator", PASSWORD);
        return c.call(method, (com.fasterxml.jackson.databind.node.ObjectNode) TandemClient.json().readTree(paramsJson));
    }

    private static void assertDryRun(CliRun r, String... notPrinted) {
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out().stripTrailing()).endsWith(ClientOptions.DRY_RUN_DONE);
        for (String message : notPrinted) {
            assertThat(r.out()).doesNotContain(message);
        }
    }

    @Test
    void iscFailover_dryRunsWriteNothing_addressesReachTheApi_tablesUnlessJson() throws Exception {
        // servers add prints the registered server as a table row (the columns of servers list).
        CliRun addA = tandem(auth("servers", "add", "--name", "cli-fo-a", "--type", "ISC", "--address", "127.0.0.1", "--port",
                Integer.toString(foA.port()), "--agent-token", LocalAgent.TOKEN));
        assertThat(addA.code()).as(addA.err()).isZero();
        assertThat(addA.out().lines().findFirst().orElse("")).startsWith("REF").contains("NAME").contains("TYPE").contains("ADDRESS");
        assertThat(addA.out()).containsPattern("dhcpServers/\\d+ +cli-fo-a +ISC +127\\.0\\.0\\.1 +" + foA.port());
        CliRun addB = tandem(auth("servers", "add", "--name", "cli-fo-b", "--type", "ISC", "--address", "127.0.0.1", "--port",
                Integer.toString(foB.port()), "--agent-token", LocalAgent.TOKEN, "--json"));
        assertThat(addB.code()).as(addB.err()).isZero();
        assertThat(TandemClient.json().readTree(addB.out()).path("ref").asText()).startsWith("dhcpServers/");

        String[] relationship = {"failover", "add", "cli-fo", "--primary", "cli-fo-a", "--secondary", "cli-fo-b", "--mclt", "600",
                "--address", "127.0.0.2", "--peer-address", "127.0.0.3"};
        CliRun dryAdd = tandem(auth(concat(relationship, "--dry-run")));
        assertDryRun(dryAdd, "Added failover relationship");
        assertThat(api("GetDHCPFailoverRelationships", "{}").path("dhcpFailoverRelationships").findValuesAsText("name"))
                .doesNotContain("cli-fo");

        CliRun add = tandem(auth(relationship));
        assertThat(add.code()).as(add.err()).isZero();
        assertThat(add.out()).contains("Added failover relationship cli-fo.").doesNotContain(ClientOptions.DRY_RUN_DONE);
        JsonNode stored = api("GetDHCPFailoverRelationship", "{\"dhcpServerRef\":\"cli-fo-a\",\"dhcpFailoverRelationshipName\":\"cli-fo\"}")
                .path("dhcpFailoverRelationship");
        assertThat(stored.path("primaryAddress").asText()).isEqualTo("127.0.0.2");
        assertThat(stored.path("secondaryAddress").asText()).isEqualTo("127.0.0.3");
        assertThat(stored.path("mclt").asInt()).isEqualTo(600);

        // A Kea setting reaches Central, which refuses it for a dhcpd pair naming the field.
        CliRun keaOnIsc = tandem(auth("failover", "add", "cli-fo-kea", "--primary", "cli-fo-a", "--secondary", "cli-fo-b",
                "--heartbeat-delay", "10000"));
        assertThat(keaOnIsc.code()).isEqualTo(1);
        assertThat(keaOnIsc.err()).startsWith("tandem failover add: ").contains("heartbeatDelay").contains("Kea HA");

        // The scope in the relationship, dry run first: both servers' diffs, nothing written, not even its range.
        String confA = foA.confText();
        String confB = foB.confText();
        String[] scope = {"scopes", "add", "--subnet", "10.78.0.0/24", "--server", "cli-fo-a", "--pool", "10.78.0.10-10.78.0.99",
                "--failover", "cli-fo"};
        CliRun dryScope = tandem(auth(concat(scope, "--dry-run")));
        assertDryRun(dryScope, "Added scope", "Added pool");
        assertThat(dryScope.out()).contains("--- cli-fo-a").contains("--- cli-fo-b").contains("+failover peer \"cli-fo\"")
                .contains("+subnet 10.78.0.0 netmask 255.255.255.0").contains("127.0.0.2").contains("127.0.0.3");
        assertThat(foA.confText()).isEqualTo(confA);
        assertThat(foB.confText()).isEqualTo(confB);
        assertThat(tandem(auth("scopes", "list")).out()).doesNotContain("10.78.0.0");
        CliRun noRange = tandem(auth("scopes", "add", "--subnet", "10.78.0.0/24", "--server", "cli-fo-a", "--pool", "10.78.0.10-10.78.0.99",
                "--failover", "cli-fo", "--dry-run", "--json"));
        JsonNode dryJson = TandemClient.json().readTree(noRange.out());
        assertThat(dryJson.path("dryRun").asBoolean()).isTrue();
        assertThat(dryJson.path("changes").findValuesAsText("server")).containsExactlyInAnyOrder("cli-fo-a", "cli-fo-b");
        assertThatRangeIsMissing("10.78.0.0/24");

        // failover show: tables unless --json.
        CliRun show = tandem(auth("failover", "show", "cli-fo", "--server", "cli-fo-a"));
        assertThat(show.code()).as(show.err()).isZero();
        assertThat(show.out()).containsPattern("NAME +TYPE +PRIMARY +SECONDARY +MODE +STATE")
                .containsPattern("cli-fo +ISC +cli-fo-a +cli-fo-b +LoadBalance +Empty")
                .containsPattern("address +127\\.0\\.0\\.2").containsPattern("peer-address +127\\.0\\.0\\.3")
                .containsPattern("mclt \\(s\\) +600").containsPattern("SERVER +ROLE +STATE +PARTNER STATE")
                .containsPattern("cli-fo-a +PrimaryServer").doesNotContain("{");
        CliRun showJson = tandem(auth("failover", "show", "cli-fo", "--server", "cli-fo-a", "--json"));
        assertThat(TandemClient.json().readTree(showJson.out()).path("dhcpFailoverRelationship").path("primaryAddress").asText())
                .isEqualTo("127.0.0.2");

        // Dry runs of an Empty relationship's writes: nothing on the servers to change, and still nothing written.
        CliRun modify = tandem(auth("failover", "modify", "cli-fo", "--mclt", "900", "--dry-run"));
        assertDryRun(modify, "Modified failover relationship");
        CliRun remove = tandem(auth("failover", "remove", "cli-fo", "--dry-run"));
        assertDryRun(remove, "Removed failover relationship");
        JsonNode after = api("GetDHCPFailoverRelationship", "{\"dhcpServerRef\":\"cli-fo-a\",\"dhcpFailoverRelationshipName\":\"cli-fo\"}")
                .path("dhcpFailoverRelationship");
        assertThat(after.path("mclt").asInt()).isEqualTo(600);
        assertThat(foA.confText()).isEqualTo(confA);
        assertThat(foB.confText()).isEqualTo(confB);

        CliRun modified = tandem(auth("failover", "modify", "cli-fo", "--peer-address", "127.0.0.4"));
        assertThat(modified.code()).as(modified.err()).isZero();
        assertThat(modified.out()).contains("Modified failover relationship cli-fo.").doesNotContain(ClientOptions.DRY_RUN_DONE);
        assertThat(api("GetDHCPFailoverRelationship", "{\"dhcpServerRef\":\"cli-fo-a\",\"dhcpFailoverRelationshipName\":\"cli-fo\"}")
                .path("dhcpFailoverRelationship").path("secondaryAddress").asText()).isEqualTo("127.0.0.4");
    }

    private static void assertThatRangeIsMissing(String subnet) throws Exception {
        try {
            api("GetRange", "{\"rangeRef\":\"" + subnet + "\"}");
            throw new AssertionError("range " + subnet + " exists after a dry run");
        } catch (TandemClient.RpcError expected) {
            assertThat(expected.code()).isEqualTo(2049);
        }
    }

    private static String[] concat(String[] args, String... more) {
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }

    @Test
    void failoverAndScopeOptionMistakes_areNamedWithExit2AndNoStackTrace() {
        String[] add = {"failover", "add", "fo-x", "--primary", "a", "--secondary", "b"};
        record Mistake(String[] args, String message) {}
        List<Mistake> mistakes = List.of(
                new Mistake(concat(add, "--heartbeat-delay", "0"), "--heartbeat-delay must be from 1 to 65535, not 0"),
                new Mistake(concat(add, "--max-ack-delay", "70000"), "--max-ack-delay must be from 1 to 65535, not 70000"),
                new Mistake(concat(add, "--max-unacked-clients", "-1"), "--max-unacked-clients must be from 0 to 65535, not -1"),
                new Mistake(concat(add, "--max-response-delay", "0"), "--max-response-delay must be from 1 to 86400, not 0"),
                new Mistake(concat(add, "--auto-failover", "maybe"), "--auto-failover"),
                new Mistake(concat(add, "--address", "10.0.0"), "--address must be an IPv4 address like 192.0.2.10, not \"10.0.0\""),
                new Mistake(concat(add, "--peer-address", "300.1.1.1"), "--peer-address must be an IPv4 address"),
                new Mistake(concat(add, "--mclt", "600", "--heartbeat-delay", "100"),
                        "--mclt is an ISC dhcpd failover setting and --heartbeat-delay a Kea HA one"),
                new Mistake(concat(add, "--percentage", "101"), "--percentage must be from 0 to 100, not 101"),
                new Mistake(new String[] {"failover", "add", "fo-x", "--primary", "a"}, "give --primary and --secondary"),
                new Mistake(new String[] {"failover", "modify", "fo-x", "--max-ack-delay", "0"}, "--max-ack-delay must be from 1 to 65535"),
                new Mistake(new String[] {"failover", "modify", "fo-x", "--peer-address", "x"}, "--peer-address must be an IPv4 address"),
                new Mistake(new String[] {"scopes", "add", "--subnet", "10.79.0.0/24", "--server", "cli-isc", "--failover", "fo-x"},
                        "--failover needs at least one --pool"));
        for (Mistake m : mistakes) {
            CliRun r = tandem(auth(m.args()));
            assertThat(r.code()).as(String.join(" ", m.args()) + "\n" + r.err()).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", m.args())).contains(m.message()).doesNotContain("\tat ").doesNotContain("Exception");
            assertThat(r.out()).isEmpty();
        }
    }

    @Test
    void scopesAdd_unknownFailoverRelationship_refusedByCentralAndNothingAdded() throws Exception {
        CliRun r = tandem(auth("scopes", "add", "--subnet", "10.79.1.0/24", "--server", "cli-fo-none", "--pool", "10.79.1.10-10.79.1.20",
                "--failover", "no-such-relationship"));
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("tandem scopes add: ").doesNotContain("\tat ");
        assertThatRangeIsMissing("10.79.1.0/24");
    }

    @Test
    void login_noTerminal_readsThePasswordFromStandardInput() throws Exception {
        Path session = home.resolve("piped-session.json");
        Files.deleteIfExists(session);
        CliRun piped = loginProcess(PASSWORD + "\n", session);
        assertThat(piped.code()).as(piped.err()).isZero();
        assertThat(piped.out()).contains("Logged in to " + url + " as administrator.");
        assertThat(TandemClient.json().readTree(session.toFile()).path("session").asText()).isNotEmpty();

        Files.deleteIfExists(session);
        CliRun wrong = loginProcess("not-" + PASSWORD + "\n", session);
        assertThat(wrong.code()).isEqualTo(3);
        assertThat(session).doesNotExist();

        CliRun empty = loginProcess("", session);
        assertThat(empty.code()).isEqualTo(2);
        assertThat(empty.err()).contains("tandem login: the password is empty").doesNotContain("\tat ");
        assertThat(session).doesNotExist();
    }

    // Issue 17, finding 9: there was no way to change a password.
    @Test
    void usersPasswd_ownWithTheOldOne_andAnAdministratorSetsAnothers() throws Exception {
        JsonNode added = api("AddUser", "{\"user\":{\"name\":\"cli-reader\",\"password\":\"cli-reader-password-1\",\"role\":\"ReadOnly\"}}");
        assertThat(added.path("ref").asText()).startsWith("users/");
        String[] asReader = {"--url", url, "--user", "cli-reader", "--password", "cli-reader-password-1"};

        CliRun weak = withStdin("12345678\n", () -> tandem(concat(new String[] {"users", "passwd"}, asReader)));
        assertThat(weak.code()).isEqualTo(1);
        assertThat(weak.err()).contains("newPassword: must be at least 12 characters").doesNotContain("\tat ");

        CliRun own = withStdin("cli-reader-password-2\n", () -> tandem(concat(new String[] {"users", "passwd"}, asReader)));
        assertThat(own.code()).as(own.err()).isZero();
        assertThat(own.out()).contains("Changed the password of cli-reader");
        assertThat(tandem("history", "--url", url, "--user", "cli-reader", "--password", "cli-reader-password-2").code()).isZero();

        CliRun byAdmin = withStdin("cli-reader-password-3\n", () -> tandem(auth("users", "passwd", "cli-reader")));
        assertThat(byAdmin.code()).as(byAdmin.err()).isZero();
        assertThat(tandem("history", "--url", url, "--user", "cli-reader", "--password", "cli-reader-password-3").code()).isZero();

        CliRun readerSetsAdmins = withStdin("cli-reader-owns-it-1\n", () -> tandem(concat(new String[] {"users", "passwd", "administrator"},
                "--url", url, "--user", "cli-reader", "--password", "cli-reader-password-3")));
        assertThat(readerSetsAdmins.code()).isEqualTo(3);
    }

    private static CliRun withStdin(String text, java.util.function.Supplier<CliRun> run) {
        java.io.InputStream saved = System.in;
        System.setIn(new java.io.ByteArrayInputStream(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        try {
            return run.get();
        } finally {
            System.setIn(saved);
        }
    }

    /** {@code tandem login} in its own JVM with stdin, stdout and stderr piped: no terminal, as in a script. */
    private static CliRun loginProcess(String stdin, Path session) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "login", "--url", url, "--user", "administrator");
        pb.environment().remove("TANDEM_PASSWORD");
        pb.environment().remove("TANDEM_URL");
        pb.environment().put("TANDEM_SESSION_FILE", session.toString());
        Path out = Files.createTempFile(home, "login", ".out");
        Path err = Files.createTempFile(home, "login", ".err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            try (var in = p.getOutputStream()) {
                in.write(stdin.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("tandem login ended").isTrue();
            return new CliRun(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
