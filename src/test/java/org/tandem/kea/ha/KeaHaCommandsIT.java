package org.tandem.kea.ha;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.tandem.central.TestCentral;
import org.tandem.cli.TandemClient;
import org.tandem.kea.client.KeaClient;
import org.tandem.lab.KeaLab;
import org.tandem.testing.Cleanup;
import org.tandem.testing.CliRun;
import org.tandem.testing.RealServers;

/**
 * The Kea HA actions through JSON-RPC, REST and the CLI on a real Kea 2.2 load-balancing pair on loopback. The pair's
 * HA names (server1, server2) differ from the names it is registered under in Tandem (kea-1, kea-2), as they may in a
 * real network. Every state is read back from the servers themselves (status-get), polled with a deadline.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeaHaCommandsIT {

    private static final Duration STATE_DEADLINE = Duration.ofSeconds(60);
    private static final Duration SYNC_DEADLINE = Duration.ofSeconds(120);
    private static final String READER_PASSWORD = "reader-password-ha";

    private static KeaLab lab;
    private static TestCentral central;
    private static String session;
    private static String reader;
    private static String kea1Ref;
    private static String kea2Ref;
    private static KeaClient s1;
    private static KeaClient s2;
    private static final KeaHaActions ha = new KeaHaActions(Clock.systemUTC());
    /** The saveComments of the actions that succeeded, in order; each must be in the change history. */
    private static final List<String> recorded = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        RealServers.assumeKea();
        try {
            lab = KeaLab.start(KeaLab.Options.loopback(KeaLab.HaSetup.LOAD_BALANCING));
            central = new TestCentral();
            session = central.adminSession();
            kea1Ref = addKea("kea-1", lab.node(0));
            kea2Ref = addKea("kea-2", lab.node(1));
            call("AddDHCPServer", "{\"dhcpServer\":{\"name\":\"isc-a\",\"type\":\"ISC\",\"address\":\"127.0.0.1\",\"port\":1,"
                    + "\"agentToken\":\"an-agent-token-never-used\"}}");
            call("AddUser", "{\"user\":{\"name\":\"reader\",\"password\":\"" + READER_PASSWORD + "\",\"role\":\"ReadOnly\"}}");
            reader = central.login("reader", READER_PASSWORD);
            s1 = new KeaClient("server1", lab.node(0).agentEndpoint());
            s2 = new KeaClient("server2", lab.node(1).agentEndpoint());
            awaitState(s1, "load-balancing");
            awaitState(s2, "load-balancing");
        } catch (Exception | Error e) {
            Cleanup.close(central, lab);
            throw e;
        }
    }

    @AfterAll
    static void stop() throws Exception {
        Cleanup.close(central, lab);
    }

    @Test
    @Order(1)
    void syncKeaHALeases_secondaryFetchesFromItsPartner_byDefaultAndByName() {
        JsonNode r = call("SyncKeaHALeases", "{\"dhcpServerRef\":\"kea-2\",\"saveComment\":\"ha it sync default\"}", SYNC_DEADLINE);
        recorded.add("ha it sync default");
        assertThat(r.path("server").asText()).isEqualTo("kea-2");
        assertThat(r.path("dhcpServerRef").asText()).isEqualTo(kea2Ref);
        assertThat(r.path("command").asText()).isEqualTo("ha-sync");
        assertThat(r.path("arguments").path("server-name").asText()).isEqualTo("server1");
        assertThat(r.path("answer").asText()).isNotBlank();
        assertThat(r.path("haStateBefore").asText()).isEqualTo("load-balancing");

        JsonNode named = call("SyncKeaHALeases", "{\"dhcpServerRef\":\"" + kea1Ref + "\",\"peerName\":\"server2\",\"maxPeriod\":30,"
                + "\"saveComment\":\"ha it sync named\"}", SYNC_DEADLINE);
        recorded.add("ha it sync named");
        assertThat(named.path("arguments").path("server-name").asText()).isEqualTo("server2");
        assertThat(named.path("arguments").path("max-period").asInt()).isEqualTo(30);
        // The peer's DHCP service is enabled again once the sync is over.
        awaitState(s1, "load-balancing");
        awaitState(s2, "load-balancing");
    }

    @Test
    @Order(2)
    void syncKeaHALeases_badInputs_areRefusedNamingTheField() {
        assertThat(callError("SyncKeaHALeases", "{\"dhcpServerRef\":\"kea-2\",\"peerName\":\"server2\"}").path("message").asText())
                .startsWith("peerName:").contains("kea-2 itself").contains("server1");
        assertThat(callError("SyncKeaHALeases", "{\"dhcpServerRef\":\"kea-2\",\"peerName\":\"nobody\"}").path("message").asText())
                .startsWith("peerName:").contains("\"nobody\" is not a peer").contains("server1");
        assertThat(callError("SyncKeaHALeases", "{\"dhcpServerRef\":\"kea-2\",\"peerName\":\"x y\"}").path("message").asText())
                .startsWith("peerName:");
        JsonNode zero = callError("SyncKeaHALeases", "{\"dhcpServerRef\":\"kea-2\",\"maxPeriod\":0}");
        assertThat(zero.path("code").asInt()).isEqualTo(-32602);
        assertThat(zero.path("message").asText()).startsWith("maxPeriod:").contains("from 1 to 86400");
        assertThat(callError("SyncKeaHALeases", "{\"dhcpServerRef\":\"kea-2\",\"maxPeriod\":\"soon\"}").path("message").asText())
                .startsWith("maxPeriod:");
        assertThat(callError("SyncKeaHALeases", "{}").path("message").asText()).isEqualTo("dhcpServerRef: is required");
        assertThat(callError("SyncKeaHALeases", "{\"dhcpServerRef\":\"kea-2\",\"peer\":\"server1\"}").path("message").asText())
                .startsWith("peer: is not a known field");
        assertThat(callError("ContinueKeaHA", "{\"dhcpServerRef\":\"kea-2\",\"comment\":\"x\"}").path("message").asText())
                .startsWith("comment: is not a known field");
    }

    @Test
    @Order(3)
    void setKeaHAScopes_changesTheScopesTheServerServes_andStatusShowsIt() {
        assertThat(ha.status(s1).localScopes()).containsExactly("server1");
        JsonNode r = call("SetKeaHAScopes", "{\"dhcpServerRef\":\"kea-1\",\"scopes\":[\"server1\",\"server2\"],\"saveComment\":\"ha it scopes both\"}");
        recorded.add("ha it scopes both");
        assertThat(r.path("command").asText()).isEqualTo("ha-scopes");
        assertThat(r.path("answer").asText()).isNotBlank();
        ha.await(s1, "scopes server1 and server2", s -> s.localScopes().equals(List.of("server1", "server2")), STATE_DEADLINE,
                Duration.ofMillis(200));

        call("SetKeaHAScopes", "{\"dhcpServerRef\":\"kea-1\",\"scopes\":[],\"saveComment\":\"ha it scopes none\"}");
        recorded.add("ha it scopes none");
        ha.await(s1, "no scopes", s -> s.localScopes().isEmpty(), STATE_DEADLINE, Duration.ofMillis(200));

        call("SetKeaHAScopes", "{\"dhcpServerRef\":\"kea-1\",\"scopes\":[\"server1\"],\"saveComment\":\"ha it scopes own\"}");
        recorded.add("ha it scopes own");
        ha.await(s1, "scope server1", s -> s.localScopes().equals(List.of("server1")), STATE_DEADLINE, Duration.ofMillis(200));
    }

    @Test
    @Order(4)
    void setKeaHAScopes_badInputs_areRefusedNamingTheFieldBeforeAnythingIsSent() {
        assertThat(callError("SetKeaHAScopes", "{\"dhcpServerRef\":\"kea-1\"}").path("message").asText()).startsWith("scopes: is required");
        assertThat(callError("SetKeaHAScopes", "{\"dhcpServerRef\":\"kea-1\",\"scopes\":\"server1\"}").path("message").asText())
                .startsWith("scopes: must be an array");
        assertThat(callError("SetKeaHAScopes", "{\"dhcpServerRef\":\"kea-1\",\"scopes\":[\"HA_server1\"]}").path("message").asText())
                .startsWith("scopes:").contains("client class").contains("\"server1\"");
        assertThat(callError("SetKeaHAScopes", "{\"dhcpServerRef\":\"kea-1\",\"scopes\":[\"server3\"]}").path("message").asText())
                .startsWith("scopes:").contains("\"server3\" is not a HA scope").contains("server1, server2");
        assertThat(callError("SetKeaHAScopes", "{\"dhcpServerRef\":\"kea-1\",\"scopes\":[\"server1; drop\"]}").path("message").asText())
                .startsWith("scopes:").contains("is not a server name");
        assertThat(ha.status(s1).localScopes()).containsExactly("server1");
    }

    @Test
    @Order(5)
    void maintenance_startPutsThePartnerInMaintenance_cancelBringsBothBack_andKeasRefusalIsPassedOn() {
        JsonNode started = call("StartKeaHAMaintenance", "{\"dhcpServerRef\":\"kea-2\",\"saveComment\":\"ha it maintenance start\"}");
        recorded.add("ha it maintenance start");
        assertThat(started.path("command").asText()).isEqualTo("ha-maintenance-start");
        awaitState(s1, "in-maintenance");
        awaitState(s2, "partner-in-maintenance");

        JsonNode cancelled = call("CancelKeaHAMaintenance", "{\"dhcpServerRef\":\"kea-2\",\"saveComment\":\"ha it maintenance cancel\"}");
        recorded.add("ha it maintenance cancel");
        assertThat(cancelled.path("command").asText()).isEqualTo("ha-maintenance-cancel");
        awaitState(s1, "load-balancing");
        awaitState(s2, "load-balancing");

        // Not in partner-in-maintenance any more: Kea refuses, and its own words reach the caller.
        JsonNode refused = callError("CancelKeaHAMaintenance", "{\"dhcpServerRef\":\"kea-2\"}");
        assertThat(refused.path("message").asText()).startsWith("Kea server \"kea-2\" refused 'ha-maintenance-cancel' (result 1): ")
                .doesNotContain("Exception").doesNotContain("at org.");
    }

    @Test
    @Order(6)
    void continueKeaHA_onAStateMachineThatIsNotPaused_answersWithKeasText() {
        JsonNode r = call("ContinueKeaHA", "{\"dhcpServerRef\":\"kea-1\",\"saveComment\":\"ha it continue\"}");
        recorded.add("ha it continue");
        assertThat(r.path("command").asText()).isEqualTo("ha-continue");
        assertThat(r.path("answer").asText()).containsIgnoringCase("not paused");
    }

    @Test
    @Order(7)
    void everyAction_onAnIscOrUnknownServer_isAClearError() {
        for (String method : List.of("SyncKeaHALeases", "SetKeaHAScopes", "StartKeaHAMaintenance", "CancelKeaHAMaintenance", "ContinueKeaHA")) {
            String scopes = method.equals("SetKeaHAScopes") ? ",\"scopes\":[]" : "";
            JsonNode isc = callError(method, "{\"dhcpServerRef\":\"isc-a\"" + scopes + "}");
            assertThat(isc.path("code").asInt()).as(method).isEqualTo(-32602);
            assertThat(isc.path("message").asText()).as(method).startsWith("dhcpServerRef: \"isc-a\" is an ISC DHCP server");
            JsonNode unknown = callError(method, "{\"dhcpServerRef\":\"no-such-server\"" + scopes + "}");
            assertThat(unknown.path("code").asInt()).as(method).isEqualTo(2049);
            assertThat(unknown.path("message").asText()).as(method).contains("\"no-such-server\" was not found");
        }
    }

    @Test
    @Order(8)
    void readOnlyUser_isRefusedEveryAction_overRpcAndRest_andNothingHappens() {
        for (String method : List.of("SyncKeaHALeases", "SetKeaHAScopes", "StartKeaHAMaintenance", "CancelKeaHAMaintenance", "ContinueKeaHA")) {
            JsonNode a = central.rpc(method, "{\"session\":\"" + reader + "\",\"dhcpServerRef\":\"kea-2\",\"scopes\":[]}");
            assertThat(a.path("error").path("code").asInt()).as("%s: %s", method, a).isEqualTo(4103);
            assertThat(a.path("error").path("message").asText()).contains("read-only");
        }
        for (String op : List.of("sync", "scopes", "maintenance/start", "maintenance/cancel", "continue")) {
            TestCentral.Answer a = central.send("POST", "/mmws/api/v2/dhcpServers/kea-2/ha/" + op, "{\"scopes\":[]}", "Bearer " + reader);
            assertThat(a.status()).as("%s: %s", op, a.text()).isEqualTo(403);
        }
        assertThat(ha.status(s2).localState()).isEqualTo("load-balancing");
        assertThat(ha.status(s2).localScopes()).containsExactly("server2");
    }

    @Test
    @Order(9)
    void rest_scopesAndMaintenance_answerLikeTheRpcCommands_andUnknownFieldsAreRefused() {
        TestCentral.Answer scopes = central.send("POST", "/mmws/api/v2/dhcpServers/" + kea2Ref.substring(kea2Ref.indexOf('/') + 1) + "/ha/scopes",
                "{\"scopes\":[\"server2\"],\"saveComment\":\"ha it rest scopes\"}", "Bearer " + session);
        assertThat(scopes.status()).as(scopes.text()).isEqualTo(200);
        recorded.add("ha it rest scopes");
        assertThat(scopes.body().path("result").path("command").asText()).isEqualTo("ha-scopes");

        TestCentral.Answer typo = central.send("POST", "/mmws/api/v2/dhcpServers/kea-2/ha/sync", "{\"peer\":\"server1\"}", "Bearer " + session);
        assertThat(typo.status()).isEqualTo(400);
        assertThat(typo.body().path("error").path("message").asText()).startsWith("peer: is not a known field");

        TestCentral.Answer isc = central.send("POST", "/mmws/api/v2/dhcpServers/isc-a/ha/continue", null, "Bearer " + session);
        assertThat(isc.status()).isEqualTo(400);
        assertThat(isc.body().path("error").path("message").asText()).startsWith("server: \"isc-a\" is an ISC DHCP server");

        TestCentral.Answer start = central.send("POST", "/mmws/api/v2/dhcpServers/kea-1/ha/maintenance/start",
                "{\"saveComment\":\"ha it rest maintenance start\"}", "Bearer " + session);
        assertThat(start.status()).as(start.text()).isEqualTo(200);
        recorded.add("ha it rest maintenance start");
        awaitState(s2, "in-maintenance");
        TestCentral.Answer cancel = central.send("POST", "/mmws/api/v2/dhcpServers/kea-1/ha/maintenance/cancel",
                "{\"saveComment\":\"ha it rest maintenance cancel\"}", "Bearer " + session);
        assertThat(cancel.status()).as(cancel.text()).isEqualTo(200);
        recorded.add("ha it rest maintenance cancel");
        awaitState(s1, "load-balancing");
        awaitState(s2, "load-balancing");
    }

    @Test
    @Order(10)
    void cli_haCommands_printKeasAnswer_jsonAndExitCodes() throws Exception {
        CliRun sync = tandem("ha", "sync", "kea-2", "--comment", "ha it cli sync");
        assertThat(sync.code()).as(sync.err()).isZero();
        recorded.add("ha it cli sync");
        assertThat(sync.out()).startsWith("kea-2 (ha-sync, was load-balancing): ");

        CliRun json = tandem("ha", "scopes", "kea-2", "--scope", "server2", "--json", "--comment", "ha it cli scopes");
        assertThat(json.code()).as(json.err()).isZero();
        recorded.add("ha it cli scopes");
        JsonNode parsed = TandemClient.json().readTree(json.out());
        assertThat(parsed.path("arguments").path("scopes").get(0).asText()).isEqualTo("server2");

        CliRun noScope = tandem("ha", "scopes", "kea-2");
        assertThat(noScope.code()).isEqualTo(2);
        assertThat(noScope.err()).contains("--scope").contains("--none");

        CliRun refused = tandem("ha", "maintenance", "cancel", "kea-2");
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).startsWith("tandem ha maintenance cancel: Kea server \"kea-2\" refused 'ha-maintenance-cancel'");

        CliRun isc = tandem("ha", "continue", "isc-a");
        assertThat(isc.code()).isEqualTo(1);
        assertThat(isc.err()).contains("\"isc-a\" is an ISC DHCP server");

        CliRun asReader = tandem(new String[] {"ha", "continue", "kea-1", "--url", central.base() + "/", "--user", "reader", "--password",
                READER_PASSWORD});
        assertThat(asReader.code()).isEqualTo(3);
        assertThat(asReader.err()).contains("read-only");
    }

    @Test
    @Order(11)
    void everyAction_isInTheChangeHistory_withUserCommentServerAndCommand() {
        JsonNode h = call("GetChangeHistory", "{\"filter\":\"objType=KeaHAAction\",\"limit\":100}");
        List<String> comments = new ArrayList<>();
        for (JsonNode c : h.path("changes")) {
            comments.add(c.path("saveComment").asText());
            assertThat(c.path("user").asText()).isEqualTo("administrator");
            assertThat(c.path("action").asText()).isEqualTo("Modified");
            assertThat(c.path("objRef").asText()).isIn(kea1Ref, kea2Ref);
            assertThat(c.path("after").path("server").asText()).isIn("kea-1", "kea-2");
            assertThat(c.path("after").path("command").asText()).startsWith("ha-");
            assertThat(c.path("before").path("haState").asText()).isNotBlank();
            assertThat(c.path("timestamp").asText()).isNotBlank();
        }
        // Refused calls (bad input, read-only user, Kea's refusal) recorded nothing.
        assertThat(comments).containsExactlyInAnyOrderElementsOf(recorded);
        JsonNode start = null;
        for (JsonNode c : h.path("changes")) {
            if (c.path("saveComment").asText().equals("ha it maintenance start")) {
                start = c;
            }
        }
        assertThat(start).isNotNull();
        assertThat(start.path("objRef").asText()).isEqualTo(kea2Ref);
        assertThat(start.path("after").path("command").asText()).isEqualTo("ha-maintenance-start");
        assertThat(start.path("after").path("answer").asText()).isNotBlank();
    }

    // ------------------------------------------------------------------ helpers


    /** A client command as a user types it, logged in as the administrator for this command only. */
    private static CliRun tandem(String... args) {
        return CliRun.asAdministrator(central, args);
    }

    private static String addKea(String name, KeaLab.Node n) {
        return call("AddDHCPServer", "{\"dhcpServer\":{\"name\":\"" + name + "\",\"type\":\"Kea\",\"address\":\"127.0.0.1\",\"port\":"
                + n.agentUrl().getPort() + "}}").path("ref").asText();
    }

    private static void awaitState(KeaClient c, String state) {
        KeaHaStatus last = ha.await(c, state, s -> s.localState().equals(state), STATE_DEADLINE, Duration.ofMillis(200));
        assertThat(last.localState()).isEqualTo(state);
    }

    private static JsonNode call(String method, String params) {
        return call(method, params, Duration.ofSeconds(20));
    }

    private static JsonNode call(String method, String params, Duration timeout) {
        JsonNode answer = central.rpc(method, withSession(params), timeout);
        if (answer.has("error")) {
            throw new AssertionError(method + " failed: " + answer.path("error"));
        }
        return answer.path("result");
    }

    private static JsonNode callError(String method, String params) {
        JsonNode answer = central.rpc(method, withSession(params));
        assertThat(answer.has("error")).as(method + " should fail: " + answer).isTrue();
        return answer.path("error");
    }

    private static String withSession(String params) {
        String rest = params.substring(1).strip();
        return "{\"session\":\"" + session + "\"" + (rest.equals("}") ? "" : ",") + rest;
    }
}
