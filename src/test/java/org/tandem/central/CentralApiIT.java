package org.tandem.central;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tandem.agent.LocalAgent;
import org.tandem.testing.Cleanup;

/**
 * The API over real HTTP against a whole in-process Central: the happy path on JSON-RPC and REST, and
 * every bad-input case of the issue. Each bad input must answer its error, change nothing, and never 500.
 */
class CentralApiIT {

    private static TestCentral c;
    private static LocalAgent agent;
    private static String admin;
    private static String bearer;
    /** The scope made at start; scope writes check in a rolled-back transaction first, so ids are not 1, 2, 3... */
    private static String scope;

    @BeforeAll
    static void start() throws Exception {
        CentralConfig config = new CentralConfig(Duration.ofSeconds(900), Duration.ofHours(1), 4096);
        c = new TestCentral(config);
        admin = c.adminSession();
        bearer = "Bearer " + admin;
        agent = LocalAgent.start();
        ok(c.rpc("AddDHCPServer", "{\"session\":\"" + admin + "\",\"dhcpServer\":" + agent.serverJson("isc-a") + "}"));
        ok(c.rpc("AddRange", "{\"session\":\"" + admin + "\",\"range\":{\"subnet\":\"10.20.0.0/24\"},\"saveComment\":\"lab\"}"));
        scope = ok(c.rpc("AddDHCPScope", "{\"session\":\"" + admin + "\",\"dhcpScope\":{\"rangeRef\":\"ranges/1\",\"dhcpServerRef\":\"isc-a\"}}"))
                .path("ref").asText();
        ok(c.rpc("AddUser", "{\"session\":\"" + admin + "\",\"user\":{\"name\":\"reader\",\"password\":\"reader-password\",\"role\":\"ReadOnly\"}}"));
    }

    @AfterAll
    static void stop() throws Exception {
        Cleanup.close(c, agent);
    }

    private static JsonNode ok(JsonNode answer) {
        assertThat(answer.has("error")).as("unexpected error: %s", answer).isFalse();
        return answer.path("result");
    }

    private static String s(String params) {
        return "{\"session\":\"" + admin + "\"" + (params.isEmpty() ? "" : "," + params) + "}";
    }

    /** Everything a write would change: the change log length and the number of each kind of object. */
    private static String state() {
        StringBuilder b = new StringBuilder();
        for (String[] q : new String[][] {{"GetChangeHistory", "changes"}, {"GetDHCPServers", ""}, {"GetRanges", ""}, {"GetDHCPScopes", ""},
                {"GetDHCPAddressPools", ""}, {"GetDHCPReservations", ""}, {"GetUsers", ""}}) {
            b.append(ok(c.rpc(q[0], s(""))).path("totalResults").asLong()).append(',');
        }
        return b.toString();
    }

    /** Sends a bad JSON-RPC body and checks the error code and that message contains every {@code mentions}. */
    private static void rpcRefused(String body, int code, String... mentions) {
        String before = state();
        TestCentral.Answer a = c.rpcRaw(body);
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body().path("error").path("code").asInt()).as(a.text()).isEqualTo(code);
        assertThat(a.body().path("error").path("message").asText()).contains(mentions);
        assertThat(state()).as("a refused request changed something").isEqualTo(before);
    }

    @Test
    void rpc_malformedJson_isParseError() {
        rpcRefused("{\"method\":\"GetDHCPScopes\",", -32700, "Parse error");
        rpcRefused("{\"method\":\"Login\",\"method\":\"Logout\"}", -32700, "Duplicate field");
        // Jackson's limit message names the Java setting behind it; the user reads only the limit.
        String deep = "{\"method\":\"GetDHCPScopes\",\"params\":" + "[".repeat(100) + "]".repeat(100) + "}";
        rpcRefused(deep, -32700, "nesting depth", "maximum allowed (64)");
        assertThat(c.rpcRaw(deep).text()).doesNotContain("StreamReadConstraints").doesNotContain("`");
        assertThat(c.send("POST", "/mmws/api/v2/ranges", deep, bearer).text()).contains("maximum allowed (64)").doesNotContain("StreamReadConstraints");
    }

    @Test
    void rpc_unknownMethodOrBadEnvelope_isRefused() {
        rpcRefused("{\"jsonrpc\":\"2.0\",\"method\":\"DropEverything\",\"params\":{}}", -32601, "DropEverything");
        rpcRefused("[{\"method\":\"GetDHCPScopes\"}]", -32600, "batches");
        rpcRefused("{\"jsonrpc\":\"1.0\",\"method\":\"GetDHCPScopes\"}", -32600, "jsonrpc");
        rpcRefused("{\"method\":\"GetDHCPScopes\",\"params\":[1]}", -32602, "params");
    }

    @Test
    void rpc_missingOrWrongParameter_namesIt() {
        rpcRefused("{\"method\":\"AddDHCPScope\",\"params\":" + s("") + "}", -32602, "dhcpScope");
        rpcRefused("{\"method\":\"AddDHCPScope\",\"params\":" + s("\"dhcpScope\":{\"rangeRef\":\"ranges/1\"}") + "}", -32602, "dhcpScope.dhcpServerRef");
        rpcRefused("{\"method\":\"AddDHCPScope\",\"params\":" + s("\"dhcpScope\":{\"rangeRef\":\"ranges/1\",\"dhcpServerRef\":\"isc-a\",\"color\":\"red\"}") + "}",
                -32602, "dhcpScope.color");
        rpcRefused("{\"method\":\"GetDHCPScopes\",\"params\":" + s("\"limit\":\"ten\"") + "}", -32602, "limit");
        rpcRefused("{\"method\":\"GetDHCPScopes\",\"params\":" + s("\"filter\":\"secret=1\"") + "}", -32602, "filter", "secret");
        rpcRefused("{\"method\":\"GetDHCPScopes\",\"params\":" + s("\"sortOrder\":\"Up\"") + "}", -32602, "sortOrder");
        rpcRefused("{\"method\":\"AddRange\",\"params\":" + s("\"range\":{\"subnet\":\"10.30.0.1/24\"}") + "}", -32602, "range.subnet", "host bits");
        rpcRefused("{\"method\":\"AddDHCPServer\",\"params\":" + s("\"dhcpServer\":{\"name\":\"x\\\"; }\",\"type\":\"Kea\",\"address\":\"1.2.3.4\"}") + "}",
                -32602, "dhcpServer.name");
    }

    @Test
    void rpc_missingOrExpiredSession_isLoginError() {
        rpcRefused("{\"method\":\"GetDHCPScopes\",\"params\":{}}", 16394, "Session");
        rpcRefused("{\"method\":\"AddRange\",\"params\":{\"session\":\"not-a-session\",\"range\":{\"subnet\":\"10.31.0.0/24\"}}}", 16394, "expired");
        rpcRefused("{\"method\":\"Login\",\"params\":{\"loginName\":\"administrator\",\"password\":\"wrong\"}}", 16394, "Invalid username or password.");
    }

    @Test
    void rpc_loggedOutSession_noLongerWorks() {
        String session = c.adminSession();
        ok(c.rpc("Logout", "{\"session\":\"" + session + "\"}"));
        rpcRefused("{\"method\":\"GetRanges\",\"params\":{\"session\":\"" + session + "\"}}", 16394, "log in again");

        String viaHeader = c.adminSession();
        TestCentral.Answer out = c.send("POST", "/mmws/json", "{\"method\":\"Logout\"}", "Bearer " + viaHeader);
        assertThat(out.body().has("error")).as(out.text()).isFalse();
        assertRest(c.send("GET", "/mmws/api/v2/ranges", null, "Bearer " + viaHeader), 401, 16394);
    }

    @Test
    void rpc_unknownRef_isNotFoundNamingRef() {
        rpcRefused("{\"method\":\"GetDHCPScope\",\"params\":" + s("\"dhcpScopeRef\":\"dhcpScopes/9999\"") + "}", 2049, "dhcpScopes/9999");
        rpcRefused("{\"method\":\"RemoveDHCPServer\",\"params\":" + s("\"dhcpServerRef\":\"no-such-server\"") + "}", 2049, "no-such-server");
        rpcRefused("{\"method\":\"AddDHCPScope\",\"params\":" + s("\"dhcpScope\":{\"rangeRef\":\"ranges/77\",\"dhcpServerRef\":\"isc-a\"}") + "}", 2049, "ranges/77");
    }

    @Test
    void rpc_overlapsAndOutsideScope_nameBothObjects() {
        rpcRefused("{\"method\":\"AddRange\",\"params\":" + s("\"range\":{\"from\":\"10.20.0.200\",\"to\":\"10.20.1.10\"}") + "}", 4109,
                "10.20.0.200-10.20.1.10", "range \"10.20.0.0/24\" (ranges/1");
        rpcRefused("{\"method\":\"AddDHCPAddressPool\",\"params\":" + s("\"dhcpScopeRef\":\"" + scope + "\",\"dhcpAddressPool\":{\"from\":\"10.20.0.10\",\"to\":\"10.20.2.0\"}") + "}",
                4109, "Address pool 10.20.0.10-10.20.2.0", "scope \"10.20.0.0/24\" (" + scope);
        rpcRefused("{\"method\":\"AddDHCPReservation\",\"params\":" + s("\"owner\":\"" + scope + "\",\"dhcpReservation\":{\"name\":\"pc\",\"clientIdentifier\":\"00:11:22:33:44:55\",\"addresses\":[\"10.21.0.1\"]}") + "}",
                4109, "Reservation \"pc\" (10.21.0.1)", "scope \"10.20.0.0/24\" (" + scope);
    }

    @Test
    void rpc_readOnlyUser_getsPermissionErrorOnWrites_butCanRead() {
        String reader = c.login("reader", "reader-password");
        ok(c.rpc("GetDHCPScopes", "{\"session\":\"" + reader + "\"}"));
        rpcRefused("{\"method\":\"AddRange\",\"params\":{\"session\":\"" + reader + "\",\"range\":{\"subnet\":\"10.40.0.0/24\"}}}", 4103, "read-only");
    }

    @Test
    void rpc_bodyOverLimit_isRefusedBeforeParsing() {
        // Not even valid JSON: had it been parsed, the answer would be -32700.
        rpcRefused("{" + "x".repeat(5000), 4113, "4096 bytes");
    }

    @Test
    void rest_badInputs_answerTheirStatusAndChangeNothing() {
        String before = state();
        assertRest(c.send("POST", "/mmws/api/v2/ranges", "{\"range\":", bearer), 400, -32700);
        assertRest(c.send("GET", "/mmws/api/v2/dhcpScopes", null, null), 401, 16394);
        assertRest(c.send("GET", "/mmws/api/v2/dhcpScopes", null, "Bearer nope"), 401, 16394);
        assertRest(c.send("GET", "/mmws/api/v2/dhcpScopes/4242", null, bearer), 404, 2049);
        assertRest(c.send("GET", "/mmws/api/v2/dhcpScopes?limit=lots", null, bearer), 400, -32602);
        assertRest(c.send("GET", "/mmws/api/v2/noSuchThing", null, bearer), 404, 16544);
        assertRest(c.send("POST", "/mmws/api/v2/ranges", "{\"range\":{\"subnet\":\"10.20.0.128/25\"}}", bearer), 409, 4109);
        assertRest(c.send("POST", "/mmws/api/v2/ranges", "{\"range\":{\"subnet\":\"10.50.0.0/24\"},\"pad\":\"" + "x".repeat(5000) + "\"}", bearer), 413, 4113);
        String reader = c.login("reader", "reader-password");
        assertRest(c.send("DELETE", "/mmws/api/v2/" + scope, null, "Bearer " + reader), 403, 4103);
        assertThat(state()).isEqualTo(before);
    }

    private static void assertRest(TestCentral.Answer a, int status, int code) {
        assertThat(a.status()).as(a.text()).isEqualTo(status);
        assertThat(a.body().path("error").path("code").asInt()).as(a.text()).isEqualTo(code);
    }

    @Test
    void rest_fullRoundTrip_withBasicAuthAndSessions() {
        TestCentral.Answer login = c.send("POST", "/mmws/api/v2/micetro/sessions", "{\"loginName\":\"administrator\",\"password\":\"" + TestCentral.ADMIN_PASSWORD + "\"}", null);
        assertThat(login.status()).isEqualTo(201);
        String auth = "Bearer " + login.body().path("result").path("session").asText();
        TestCentral.Answer range = c.send("POST", "/mmws/api/v2/ranges", "{\"range\":{\"from\":\"10.60.0.0\",\"to\":\"10.60.0.255\"},\"saveComment\":\"rest range\"}", auth);
        assertThat(range.status()).isEqualTo(201);
        String rangeRef = range.body().path("result").path("ref").asText();
        TestCentral.Answer scope = c.send("POST", "/mmws/api/v2/dhcpScopes",
                "{\"dhcpScope\":{\"rangeRef\":\"" + rangeRef + "\",\"dhcpServerRef\":\"dhcpServers/1\",\"name\":\"rest scope\"}}", auth);
        assertThat(scope.status()).isEqualTo(201);
        String scopeId = scope.body().path("result").path("ref").asText().substring("dhcpScopes/".length());
        assertThat(c.send("POST", "/mmws/api/v2/dhcpScopes/" + scopeId + "/dhcpAddressPools", "{\"dhcpAddressPool\":{\"from\":\"10.60.0.100\",\"to\":\"10.60.0.199\"}}", auth).status()).isEqualTo(201);
        assertThat(c.send("POST", "/mmws/api/v2/dhcpScopes/" + scopeId + "/dhcpReservations",
                "{\"dhcpReservation\":{\"name\":\"printer\",\"clientIdentifier\":\"aa:bb:cc:dd:ee:ff\",\"addresses\":[\"10.60.0.9\"]}}", auth).status()).isEqualTo(201);
        assertThat(c.send("PUT", "/mmws/api/v2/dhcpScopes/" + scopeId,
                "{\"saveComment\":\"disable for maintenance\",\"properties\":{\"enabled\":false}}", auth).status()).isEqualTo(204);

        String basic = "Basic " + Base64.getEncoder().encodeToString(("administrator:" + TestCentral.ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));
        JsonNode listed = c.send("GET", "/mmws/api/v2/dhcpScopes?filter=name%3D%22rest%20scope%22%20AND%20enabled%3Dfalse", null, basic).body();
        assertThat(listed.path("result").path("totalResults").asInt()).isEqualTo(1);
        assertThat(listed.path("result").path("dhcpScopes").get(0).path("rangeRef").asText()).isEqualTo(rangeRef);
        JsonNode pools = c.send("GET", "/mmws/api/v2/dhcpScopes/" + scopeId + "/dhcpAddressPools", null, auth).body();
        assertThat(pools.path("result").path("dhcpAddressPools").get(0).path("name").asText()).isEqualTo("10.60.0.100-10.60.0.199");

        JsonNode history = c.send("GET", "/mmws/api/v2/changeHistory?filter=objRef%3DdhcpScopes/" + scopeId + "&sortOrder=Descending", null, auth).body();
        JsonNode modified = history.path("result").path("changes").get(0);
        assertThat(modified.path("action").asText()).isEqualTo("Modified");
        assertThat(modified.path("saveComment").asText()).isEqualTo("disable for maintenance");
        assertThat(modified.path("user").asText()).isEqualTo("administrator");
        assertThat(modified.path("before").path("enabled").asBoolean()).isTrue();
        assertThat(modified.path("after").path("enabled").asBoolean()).isFalse();

        assertThat(c.send("DELETE", "/mmws/api/v2/dhcpScopes/" + scopeId, "{\"saveComment\":\"done\"}", auth).status()).isEqualTo(204);
        assertThat(c.send("DELETE", "/mmws/api/v2/ranges/" + rangeRef.substring("ranges/".length()), null, auth).status()).isEqualTo(204);
        assertThat(c.send("GET", "/mmws/api/v2/dhcpScopes/" + scopeId, null, auth).status()).isEqualTo(404);
    }

    @Test
    void rpc_pagingAndServersNeverShowSecrets() {
        JsonNode servers = ok(c.rpc("GetDHCPServers", s("\"filter\":\"type=ISC\"")));
        assertThat(servers.path("totalResults").asInt()).isEqualTo(1);
        assertThat(servers.toString()).doesNotContain(LocalAgent.TOKEN).doesNotContain("agentToken");
        JsonNode page = ok(c.rpc("GetUsers", s("\"limit\":1,\"offset\":1,\"sortBy\":\"name\"")));
        assertThat(page.path("totalResults").asInt()).isEqualTo(2);
        assertThat(page.path("users").get(0).path("name").asText()).isEqualTo("reader");
        assertThat(page.toString()).doesNotContain("$2a$");
    }

    @Test
    void openApi_everyDocumentedRouteAnswers() throws Exception {
        JsonNode doc = new ObjectMapper().readTree(c.send("GET", Central.OPENAPI_PATH, null, null).text());
        int checked = 0;
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> p = paths.next();
            // Unknown ids: reads answer 404 "not found" (2049), writes are refused; nothing is changed.
            String path = p.getKey().replace("{ref}", "987654").replace("{scope}", "987654").replace("{server}", "987654")
                    .replace("{name}", "no-such-relationship");
            for (Iterator<String> methods = p.getValue().fieldNames(); methods.hasNext(); ) {
                String method = methods.next().toUpperCase();
                TestCentral.Answer a = c.send(method, path, method.equals("GET") || method.equals("DELETE") ? null : "{}", bearer);
                assertThat(a.status()).as(method + " " + path + ": " + a.text()).isNotIn(405, 500);
                if (a.status() == 404) {
                    assertThat(a.body().path("error").path("code").asInt()).as(method + " " + path).isEqualTo(2049);
                }
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(30);
    }

    @Test
    void metricsAndHealth_answer() {
        c.rpc("GetRanges", s(""));
        assertThat(c.send("GET", "/health", null, null).text()).contains("UP");
        assertThat(c.send("GET", "/metrics", null, null).text()).contains("tandem_rpc_requests_seconds_count{method=\"GetRanges\"");
    }
}
