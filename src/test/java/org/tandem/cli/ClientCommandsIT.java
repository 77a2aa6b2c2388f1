package org.tandem.cli;

import org.tandem.agent.LocalAgent;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
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

/** The client commands as a user types them, run in-process against a Central on a free loopback port. */
class ClientCommandsIT {

    private static final String PASSWORD = "cli-test-password";
    private static Central central;
    private static String url;
    private static String savedHome;

    @TempDir
    static Path home;

    /** What one command printed and its exit code. */
    record Run(int code, String out, String err) {}

    private static LocalAgent agent;

    @BeforeAll
    static void start() {
        agent = LocalAgent.start();
        central = Central.start(new Central.Options("127.0.0.1", 0, Database.inMemoryUrl("cli-" + UUID.randomUUID()),
                CentralConfig.defaults(), Clock.systemUTC(), List.of(), PASSWORD));
        url = "http://127.0.0.1:" + central.port() + "/";
        // The session file goes under ~/.config/tandem: point ~ at a temp dir for this class.
        savedHome = System.getProperty("user.home");
        System.setProperty("user.home", home.toString());
    }

    @AfterAll
    static void stop() throws Exception {
        System.setProperty("user.home", savedHome);
        Cleanup.close(central, agent);
    }

    private static Run tandem(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static String[] auth(String... args) {
        String[] all = new String[args.length + 6];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(new String[] {"--url", url, "--user", "administrator", "--password", PASSWORD}, 0, all, args.length, 6);
        return all;
    }

    @Test
    void login_wrongPassword_exit3AndNoSessionSaved() {
        Run r = tandem("login", "--url", url, "--user", "administrator", "--password", "wrong-password");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).startsWith("tandem login: ");
        Run after = tandem("history", "--url", "http://127.0.0.1:1/");
        assertThat(after.code()).isIn(3, 4);
    }

    @Test
    void login_thenCommandsUseSavedSessionFileReadableByOwnerOnly() throws Exception {
        Run r = tandem("login", "--url", url, "--user", "administrator", "--password", PASSWORD);
        assertThat(r.code()).as(r.err()).isZero();
        Path file = home.resolve(".config/tandem/session.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        Run history = tandem("history", "--json");
        assertThat(history.code()).as(history.err()).isZero();
        JsonNode answer = TandemClient.json().readTree(history.out());
        assertThat(answer.path("changes").isArray()).isTrue();
    }

    @Test
    void serversAndScopes_addListRemove_showInListsAndHistory() throws Exception {
        Run add = tandem(auth("servers", "add", "--name", "cli-isc", "--type", "ISC", "--address", "127.0.0.1", "--port",
                Integer.toString(agent.port()), "--agent-token", LocalAgent.TOKEN, "--comment", "from the CLI test"));
        assertThat(add.code()).as(add.err()).isZero();
        Run list = tandem(auth("servers", "list", "--json"));
        JsonNode servers = TandemClient.json().readTree(list.out());
        assertThat(servers.path("dhcpServers").findValuesAsText("name")).contains("cli-isc");

        Run scope = tandem(auth("scopes", "add", "--subnet", "10.77.0.0/24", "--server", "cli-isc", "--pool", "10.77.0.10-10.77.0.20"));
        assertThat(scope.code()).as(scope.err()).isZero();
        assertThat(scope.out()).contains("Added scope dhcpScopes/").contains("Added pool");
        assertThat(agent.confText()).contains("subnet 10.77.0.0 netmask 255.255.255.0").contains("range 10.77.0.10 10.77.0.20;");
        Run table = tandem(auth("scopes", "list"));
        assertThat(table.out()).contains("10.77.0.0").contains("10.77.0.255");

        Run again = tandem(auth("scopes", "add", "--subnet", "10.77.0.0/24", "--server", "cli-isc"));
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("cli-isc").contains("already serves");

        Run history = tandem(auth("history", "--filter", "saveComment=from the CLI test", "--json"));
        assertThat(TandemClient.json().readTree(history.out()).path("totalResults").asInt()).isEqualTo(1);

        String ref = TandemClient.json().readTree(tandem(auth("scopes", "list", "--json")).out()).path("dhcpScopes").get(0).path("ref").asText();
        assertThat(tandem(auth("scopes", "remove", ref)).code()).isZero();
        assertThat(tandem(auth("scopes", "list")).out()).doesNotContain("10.77.0.0");
        assertThat(agent.confText()).doesNotContain("10.77.0.0");
    }

    @Test
    void serversAdd_tls_registersAnIscAgentReachedOverHttps() throws Exception {
        Run add = tandem(auth("servers", "add", "--name", "cli-tls-agent", "--type", "ISC", "--address", "127.0.0.1", "--port", "2",
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
        Run badType = tandem(auth("servers", "add", "--name", "x", "--type", "Windows", "--address", "127.0.0.1"));
        assertThat(badType.code()).isEqualTo(2);
        assertThat(badType.err()).contains("--type must be ISC or Kea");
        Run noToken = tandem(auth("servers", "add", "--name", "x", "--type", "ISC", "--address", "127.0.0.1"));
        assertThat(noToken.code()).isEqualTo(2);
        assertThat(noToken.err()).contains("--agent-token");
        Run badSubnet = tandem(auth("scopes", "add", "--subnet", "10.1.2.0", "--server", "x"));
        assertThat(badSubnet.code()).isEqualTo(2);
        assertThat(badSubnet.err()).contains("--subnet must be an IPv4 subnet in CIDR");
        Run badAction = tandem(auth("failover", "remove-scopes", "fo", "--scope", "s", "--action", "Erase"));
        assertThat(badAction.code()).isEqualTo(2);
        assertThat(badAction.err()).contains("--action must be None, Disable or Delete");
        Run badUrl = tandem("servers", "list", "--url", "ftp://x", "--user", "a", "--password", "b");
        assertThat(badUrl.code()).isEqualTo(2);
        assertThat(badUrl.err()).contains("--url must be an http://");
        Run missingOption = tandem("scopes", "add", "--subnet", "10.0.0.0/24");
        assertThat(missingOption.code()).isEqualTo(2);
    }

    @Test
    void centralNotRunning_exit4NamingTheAddress() {
        Run r = tandem("servers", "list", "--url", "http://127.0.0.1:1/", "--user", "administrator", "--password", PASSWORD);
        assertThat(r.code()).isEqualTo(4);
        assertThat(r.err()).contains("127.0.0.1:1");
    }
}
