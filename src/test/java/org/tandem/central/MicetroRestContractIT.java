package org.tandem.central;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.tandem.cli.TandemClient;
import org.tandem.kea.client.KeaClient;
import org.tandem.kea.client.KeaEndpoint;
import org.tandem.lab.DhcpdLab;
import org.tandem.lab.KeaLab;
import org.tandem.store.Database;
import org.tandem.sync.SyncExtension;
import org.tandem.testing.Cleanup;
import org.tandem.testing.RealServers;

/**
 * Micetro's REST API as Micetro's own clients call it (the menandmice.ansible_micetro collection: its module_utils,
 * the dhcpscope and dhcpscope_info modules, the freeip lookup), against a Central wired to a real dhcpd 4.4 pair
 * (DhcpdLab) and a real Kea 2.2 HA pair (KeaLab on loopback). Every request carries HTTP Basic auth and, as the
 * collection's client does, a JSON body even on GET ({@code {}} when it has no arguments); each test checks the
 * answer fields the collection reads. The exact wire form of the scope lookup is sent over a raw socket, unencoded
 * quotes and all, since an HTTP library would normalise it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MicetroRestContractIT {

    private static final String PASSWORD = "micetro-rest-contract-password";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SMALL = "198.19.230.0/24";
    private static final String LARGE = "198.19.231.0/24";
    private static final String ON_KEA = "198.19.232.0/24";

    private static DhcpdLab dhcpd;
    private static KeaLab kea;
    private static Central central;
    private static String base;
    private static String basic;
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** What the tests made (refs as answered), removed in order by the last test and again, if still there, at the end. */
    private static final List<String> made = new ArrayList<>();
    private static String smallScope;
    private static String largeScope;

    @BeforeAll
    static void start() throws Exception {
        RealServers.assumeDhcpd();
        RealServers.assumeKea();
        dhcpd = DhcpdLab.start();
        kea = KeaLab.start(KeaLab.Options.loopback(KeaLab.HaSetup.LOAD_BALANCING));
        central = Central.start(new Central.Options("127.0.0.1", 0, Database.temporaryUrl("mrc-" + UUID.randomUUID()),
                new CentralConfig(Duration.ofSeconds(900), Duration.ofHours(1), 1 << 20, Duration.ofSeconds(1)), Clock.systemUTC(),
                List.of(new SyncExtension()), PASSWORD));
        base = "http://127.0.0.1:" + central.port();
        basic = "Basic " + Base64.getEncoder().encodeToString(("administrator:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        TandemClient rpc = new TandemClient(URI.create(base), null);
        rpc.login("administrator", PASSWORD);
        for (String[] s : new String[][] {{"dhcp-a", "0"}, {"dhcp-b", "1"}}) {
            DhcpdLab.Server server = dhcpd.servers().get(Integer.parseInt(s[1]));
            rpc.call("AddDHCPServer", (ObjectNode) JSON.readTree("{\"dhcpServer\":{\"name\":\"" + s[0] + "\",\"type\":\"ISC\","
                    + "\"address\":\"127.0.0.1\",\"port\":" + server.agentUri().getPort() + ",\"agentToken\":\"" + server.agentToken() + "\"}}"));
        }
        for (KeaLab.Node n : kea.nodes()) {
            rpc.call("AddDHCPServer", (ObjectNode) JSON.readTree("{\"dhcpServer\":{\"name\":\"" + n.name() + "\",\"type\":\"Kea\","
                    + "\"address\":\"127.0.0.1\",\"port\":" + n.agentUrl().getPort() + "}}"));
        }
        for (String server : List.of("dhcp-a", "dhcp-b", kea.node(0).name(), kea.node(1).name())) {
            rpc.call("SyncDHCPServer", TandemClient.params().put("dhcpServerRef", server));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (central != null) {
            // Whatever a failed test left: scopes before ranges, newest first.
            for (int i = made.size() - 1; i >= 0; i--) {
                call("DELETE", "/mmws/api/" + made.get(i), "{}");
            }
        }
        Cleanup.close(central, kea, dhcpd);
    }

    @Test
    @Order(1)
    void everyRequest_withoutOrWithWrongBasicAuth_isRefusedAsNotLoggedIn() {
        TestCentral.Answer none = TestCentral.send(http, base, "GET", "/mmws/api/Ranges", "{}", null, Duration.ofSeconds(20));
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.body().path("error").path("code").asInt()).isEqualTo(16394);
        String wrong = "Basic " + Base64.getEncoder().encodeToString("administrator:not-the-password".getBytes(StandardCharsets.UTF_8));
        TestCentral.Answer bad = TestCentral.send(http, base, "GET", "/mmws/api/DHCPServers", "{}", wrong, Duration.ofSeconds(20));
        assertThat(bad.status()).isEqualTo(401);
        assertThat(bad.body().path("error").path("message").asText()).isNotBlank();
    }

    @Test
    @Order(2)
    void getDhcpServers_unversioned_listsTheFourLabServers() {
        JsonNode result = ok(call("GET", "/mmws/api/DHCPServers", "{}"));
        assertThat(result.path("totalResults").asInt()).isEqualTo(4);
        assertThat(result.path("dhcpServers")).extracting(s -> s.path("name").asText())
                .containsExactlyInAnyOrder("dhcp-a", "dhcp-b", kea.node(0).name(), kea.node(1).name());
        assertThat(result.path("dhcpServers")).allSatisfy(s -> assertThat(s.path("ref").asText()).matches("dhcpServers/[0-9]+"));
    }

    @Test
    @Order(3)
    void getRanges_unversioned_listsTheLabsSubnetsWithRefs() {
        JsonNode result = ok(call("GET", "/mmws/api/Ranges", "{}"));
        assertThat(result.path("totalResults").asInt()).isGreaterThanOrEqualTo(2).isEqualTo(result.path("ranges").size());
        assertThat(labRange().path("ref").asText()).isNotEmpty();
        assertThat(result.path("ranges")).allSatisfy(r -> assertThat(r.path("ref").asText()).matches("ranges/[0-9]+"));
    }

    @Test
    @Order(4)
    void getRange_byIdInEitherCaseAndAsRefAppendedToItsCollection_answersTheSameRange() {
        String ref = labRange().path("ref").asText();
        String id = ref.substring(ref.indexOf('/') + 1);
        JsonNode upper = ok(call("GET", "/mmws/api/Ranges/" + id, "{}")).path("range");
        assertThat(upper.path("ref").asText()).isEqualTo(ref);
        assertThat(upper.path("from").asText()).isEqualTo(dhcpd.subnetPrefix() + ".0");
        assertThat(ok(call("GET", "/mmws/api/ranges/" + id, "{}")).path("range")).isEqualTo(upper);
        assertThat(ok(call("GET", "/mmws/api/Ranges/" + ref, "{}")).path("range")).isEqualTo(upper);
        assertThat(ok(call("GET", "/mmws/api/v2/ranges/" + id, null)).path("range")).isEqualTo(upper);
    }

    @Test
    @Order(5)
    void getRanges_filterInTheGetBody_asTheFreeipLookup_findsTheRangeHoldingIt() {
        String subnet = dhcpd.subnetPrefix() + ".0/24";
        JsonNode bySubnet = ok(call("GET", "/mmws/api/Ranges", "{\"filter\": \"" + subnet + "\"}"));
        assertThat(bySubnet.path("totalResults").asInt()).isEqualTo(1);
        assertThat(bySubnet.path("ranges").get(0).path("ref")).isEqualTo(labRange().path("ref"));
        JsonNode byAddress = ok(call("GET", "/mmws/api/Ranges?filter=" + dhcpd.subnetPrefix() + ".77", "{}"));
        assertThat(byAddress.path("ranges").get(0).path("ref")).isEqualTo(bySubnet.path("ranges").get(0).path("ref"));
        assertThat(ok(call("GET", "/mmws/api/Ranges", "{\"filter\": \"203.0.113.9\"}")).path("totalResults").asInt()).isZero();
        TestCentral.Answer twice = call("GET", "/mmws/api/Ranges?filter=" + subnet, "{\"filter\": \"" + subnet + "\"}");
        assertThat(twice.status()).isEqualTo(400);
        assertThat(twice.body().path("error").path("message").asText()).startsWith("filter:");
    }

    @Test
    @Order(6)
    void postDhcpScope_asTheDhcpscopeModuleSendsIt_writesTheSubnetOnTheServer() throws Exception {
        String small = addRange("mrc-small-range", SMALL);
        String large = addRange("mrc-large-range", LARGE);
        String serverRef = serverRef("dhcp-a");
        // The module's body: dhcpScope with Micetro-cased refs, description and enabled; saveComment.
        for (String[] s : new String[][] {{"mrc-small", small, "198.19.230.10", "198.19.230.19"},
                {"mrc-large", large, "198.19.231.10", "198.19.231.109"}}) {
            TestCentral.Answer created = call("POST", "/mmws/api/DHCPScopes", "{\"dhcpScope\":{\"name\":\"" + s[0] + "\",\"rangeRef\":\""
                    + capitalised(s[1]) + "\",\"dhcpServerRef\":\"" + capitalised(serverRef) + "\",\"description\":\"Managed via Ansible\","
                    + "\"enabled\":true},\"saveComment\":\"Ansible API\"}");
            assertThat(created.status()).as(created.text()).isEqualTo(201);
            String ref = created.body().path("result").path("ref").asText();
            assertThat(ref).matches("dhcpScopes/[0-9]+");
            made.add(ref);
            if (s[0].equals("mrc-small")) {
                smallScope = ref;
            } else {
                largeScope = ref;
            }
            TestCentral.Answer pool = call("POST", "/mmws/api/" + ref + "/DHCPAddressPools",
                    "{\"dhcpAddressPool\":{\"from\":\"" + s[2] + "\",\"to\":\"" + s[3] + "\"},\"saveComment\":\"Ansible API\"}");
            assertThat(pool.status()).as(pool.text()).isEqualTo(201);
        }
        assertThat(Files.readString(dhcpd.primary().conf())).contains("subnet 198.19.230.0 netmask 255.255.255.0 {")
                .contains("range 198.19.231.10 198.19.231.109;");
        // On a Kea HA pair the one scope reaches both peers' subnet lists.
        String onKea = addRange("mrc-kea-range", ON_KEA);
        TestCentral.Answer keaScope = call("POST", "/mmws/api/DHCPScopes", "{\"dhcpScope\":{\"name\":\"mrc-kea\",\"rangeRef\":\""
                + capitalised(onKea) + "\",\"dhcpServerRef\":\"" + capitalised(serverRef(kea.node(0).name())) + "\",\"description\":\"d\","
                + "\"enabled\":true},\"saveComment\":\"Ansible API\"}");
        assertThat(keaScope.status()).as(keaScope.text()).isEqualTo(201);
        made.add(keaScope.body().path("result").path("ref").asText());
        for (KeaLab.Node n : kea.nodes()) {
            assertThat(keaConfig(n)).as("%s's config", n.name()).contains("\"198.19.232.0/24\"");
        }
    }

    @Test
    @Order(7)
    void getDhcpScopes_theModulesExactLookup_overTheWire_findsExactlyThatScope() throws Exception {
        String range = rangeNamed("mrc-small-range").path("ref").asText();
        String server = serverRef("dhcp-a");
        // As the issue saw it on the wire: "?&", raw quotes, %20 between terms, Micetro-cased refs.
        String target = "/mmws/api/DHCPScopes?&filter=name=\"mrc-small\"%20AND%20rangeRef=" + capitalised(range)
                + "%20AND%20dhcpServerRef=" + capitalised(server) + "&sortBy=name&sortOrder=Ascending";
        JsonNode result = ok(raw("GET", target, "{}"));
        assertThat(result.path("totalResults").asInt()).isEqualTo(1);
        JsonNode scope = result.path("dhcpScopes").get(0);
        assertThat(scope.path("name").asText()).isEqualTo("mrc-small");
        assertThat(scope.path("rangeRef").asText()).isEqualTo(range);
        assertThat(scope.path("dhcpServerRef").asText()).isEqualTo(server);
        assertThat(scope.path("ref").asText()).isEqualTo(smallScope);
        // The dhcpscope module's own form: an unquoted name, lower-case path, no leading "&".
        JsonNode unquoted = ok(raw("GET", "/mmws/api/dhcpScopes?filter=name=mrc-small%20AND%20rangeRef=" + capitalised(range)
                + "%20AND%20dhcpServerRef=" + capitalised(server), "{}"));
        assertThat(unquoted.path("dhcpScopes").get(0).path("ref")).isEqualTo(scope.path("ref"));
        // The other server of the pair has no such scope.
        assertThat(ok(raw("GET", "/mmws/api/DHCPScopes?&filter=name=\"mrc-small\"%20AND%20dhcpServerRef=" + capitalised(serverRef("dhcp-b")),
                "{}")).path("totalResults").asInt()).isZero();
    }

    @Test
    @Order(8)
    void getDhcpScopes_containsAndEndsWith_asDhcpscopeInfoSendsThem() throws Exception {
        JsonNode contains = ok(raw("GET", "/mmws/api/dhcpScopes?filter=name=@\"rc-sm\"&sortBy=name&sortOrder=Ascending", "{}"));
        assertThat(contains.path("dhcpScopes")).extracting(s -> s.path("name").asText()).containsExactly("mrc-small");
        JsonNode endsWith = ok(raw("GET", "/mmws/api/dhcpScopes?filter=name=$\"-large\"&sortBy=name&sortOrder=Ascending", "{}"));
        assertThat(endsWith.path("dhcpScopes")).extracting(s -> s.path("name").asText()).containsExactly("mrc-large");
        JsonNode startsWith = ok(raw("GET", "/mmws/api/dhcpScopes?filter=name=^\"mrc-\"&sortBy=name&sortOrder=Descending", "{}"));
        // The Kea scope is one scope per peer of the HA pair, both named mrc-kea.
        assertThat(startsWith.path("dhcpScopes")).extracting(s -> s.path("name").asText()).startsWith("mrc-small", "mrc-large")
                .containsOnly("mrc-small", "mrc-large", "mrc-kea");
    }

    @Test
    @Order(9)
    void getDhcpScopes_sortedByAvailable_ordersByFreeAddressesInTheirPools() throws Exception {
        String filter = "filter=name=^\"mrc-\"%20AND%20dhcpServerRef=" + capitalised(serverRef("dhcp-a"));
        JsonNode ascending = ok(raw("GET", "/mmws/api/dhcpScopes?" + filter + "&sortBy=available&sortOrder=Ascending", "{}"));
        assertThat(ascending.path("dhcpScopes")).extracting(s -> s.path("name").asText()).containsExactly("mrc-small", "mrc-large");
        // A reservation inside the large pool takes one address; 99 free is still more than 10.
        TestCentral.Answer reserved = call("POST", "/mmws/api/" + largeScope + "/DHCPReservations", "{\"dhcpReservation\":{\"name\":\"mrc-host\","
                + "\"clientIdentifier\":\"00:11:22:33:44:66\",\"addresses\":[\"198.19.231.50\"]},\"saveComment\":\"Ansible API\"}");
        assertThat(reserved.status()).as(reserved.text()).isEqualTo(201);
        JsonNode descending = ok(raw("GET", "/mmws/api/dhcpScopes?" + filter + "&sortBy=available&sortOrder=Descending", "{}"));
        assertThat(descending.path("dhcpScopes")).extracting(s -> s.path("name").asText()).containsExactly("mrc-large", "mrc-small");
        assertThat(ok(call("GET", "/mmws/api/dhcpScopes?filter=available%3D99", "{}")).path("dhcpScopes"))
                .extracting(s -> s.path("name").asText()).containsExactly("mrc-large");
    }

    @Test
    @Order(10)
    void jsonRpc_getDhcpScopesByServer_filtersAndAnUnknownParameterIsRefusedNamingIt() throws Exception {
        TandemClient rpc = new TandemClient(URI.create(base), null);
        rpc.login("administrator", PASSWORD);
        String keaA = kea.node(0).name();
        JsonNode all = rpc.call("GetDHCPScopes", TandemClient.params());
        JsonNode onKeaA = rpc.call("GetDHCPScopes", TandemClient.params().put("dhcpServerRef", keaA));
        assertThat(onKeaA.path("totalResults").asInt()).isPositive().isLessThan(all.path("totalResults").asInt());
        assertThat(onKeaA.path("dhcpScopes")).allSatisfy(s -> assertThat(s.path("dhcpServerRef").asText()).isEqualTo(serverRef(keaA)));
        JsonNode raw = TestCentral.send(http, base, "POST", "/mmws/json", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"GetDHCPScopes\","
                + "\"params\":{\"dhcpServerRefs\":[\"" + keaA + "\"]}}", basic, Duration.ofSeconds(20)).body();
        assertThat(raw.path("error").path("code").asInt()).isEqualTo(-32602);
        assertThat(raw.path("error").path("message").asText()).startsWith("dhcpServerRefs:").contains("dhcpServerRef");
        JsonNode onWrite = TestCentral.send(http, base, "POST", "/mmws/json", "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"RemoveDHCPScope\","
                + "\"params\":{\"dhcpScopeRef\":\"" + smallScope + "\",\"force\":true}}", basic, Duration.ofSeconds(20)).body();
        assertThat(onWrite.path("error").path("message").asText()).startsWith("force:");
        assertThat(ok(call("GET", "/mmws/api/" + smallScope, "{}")).path("dhcpScope").path("name").asText()).isEqualTo("mrc-small");
    }

    @Test
    @Order(11)
    void delete_refAppendedToItsCollection_removesScopesFromTheServersAndThenTheRanges() throws Exception {
        for (int i = made.size() - 1; i >= 0; i--) {
            String ref = made.get(i);
            String collection = ref.startsWith("dhcpScopes/") ? "DHCPScopes" : "Ranges";
            if (collection.equals("Ranges")) {
                // A scope on one peer of the Kea pair has an instance on the other; the range goes once both are gone.
                for (JsonNode twin : ok(call("GET", "/mmws/api/DHCPScopes", "{\"filter\": \"rangeRef=" + capitalised(ref) + "\"}")).path("dhcpScopes")) {
                    assertThat(call("DELETE", "/mmws/api/DHCPScopes/" + twin.path("ref").asText(), "{}").status()).isEqualTo(204);
                }
            }
            TestCentral.Answer gone = call("DELETE", "/mmws/api/" + collection + "/" + ref, "{\"saveComment\":\"Ansible API\"}");
            assertThat(gone.status()).as("DELETE %s: %s", ref, gone.text()).isEqualTo(204);
            assertThat(call("GET", "/mmws/api/" + ref, "{}").status()).isEqualTo(404);
            made.remove(i);
        }
        assertThat(Files.readString(dhcpd.primary().conf())).doesNotContain("198.19.230.0").doesNotContain("198.19.231.0");
        for (KeaLab.Node n : kea.nodes()) {
            assertThat(keaConfig(n)).as("%s's config", n.name()).doesNotContain("\"198.19.232.0/24\"");
        }
    }

    // ---- helpers

    private static TestCentral.Answer call(String method, String path, String body) {
        return TestCentral.send(http, base, method, path, body, basic, Duration.ofSeconds(60));
    }

    private static JsonNode ok(TestCentral.Answer a) {
        assertThat(a.status()).as(a.text()).isEqualTo(200);
        return a.body().path("result");
    }

    /** The range the first sync made for the dhcpd lab's own subnet. */
    private static JsonNode labRange() {
        for (JsonNode r : ok(call("GET", "/mmws/api/Ranges", "{}")).path("ranges")) {
            if (r.path("from").asText().equals(dhcpd.subnetPrefix() + ".0") && r.path("to").asText().equals(dhcpd.subnetPrefix() + ".255")) {
                return r;
            }
        }
        throw new AssertionError("no range for the dhcpd lab's subnet");
    }

    private static String keaConfig(KeaLab.Node n) {
        return new KeaClient(n.name(), KeaEndpoint.ControlAgent.of(n.agentUrl())).ok("config-get", null, false).arguments().toString();
    }

    private static JsonNode rangeNamed(String name) {
        for (JsonNode r : ok(call("GET", "/mmws/api/Ranges", "{}")).path("ranges")) {
            if (r.path("name").asText().equals(name)) {
                return r;
            }
        }
        throw new AssertionError("no range named " + name);
    }

    private static String serverRef(String name) {
        for (JsonNode s : ok(call("GET", "/mmws/api/DHCPServers", "{}")).path("dhcpServers")) {
            if (s.path("name").asText().equals(name)) {
                return s.path("ref").asText();
            }
        }
        throw new AssertionError("no server named " + name);
    }

    private static String addRange(String name, String subnet) {
        TestCentral.Answer a = call("POST", "/mmws/api/Ranges", "{\"range\":{\"name\":\"" + name + "\",\"subnet\":\"" + subnet + "\"}}");
        assertThat(a.status()).as(a.text()).isEqualTo(201);
        String ref = a.body().path("result").path("ref").asText();
        made.add(ref);
        return ref;
    }

    /** {@code ranges/6} as Micetro writes it: {@code Ranges/6}, {@code DHCPServers/1}. */
    private static String capitalised(String ref) {
        return ref.replace("ranges/", "Ranges/").replace("dhcpServers/", "DHCPServers/").replace("dhcpScopes/", "DHCPScopes/");
    }

    /** One HTTP/1.1 request written byte for byte (the target unencoded, as the collection's client sends it). */
    private static TestCentral.Answer raw(String method, String target, String body) throws IOException {
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        try (Socket s = new Socket("127.0.0.1", central.port())) {
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write((method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + basic + "\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + content.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(content);
            out.flush();
            InputStream in = s.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            int headEnd = answer.indexOf("\r\n\r\n");
            String head = answer.substring(0, headEnd);
            String text = answer.substring(headEnd + 4);
            if (head.toLowerCase().contains("transfer-encoding: chunked")) {
                text = dechunk(text);
            }
            int status = Integer.parseInt(head.substring(9, 12));
            text = new String(text.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            return new TestCentral.Answer(status, text.isEmpty() ? null : JSON.readTree(text), text);
        }
    }

    private static String dechunk(String chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] bytes = chunked.getBytes(StandardCharsets.ISO_8859_1);
        int i = 0;
        while (true) {
            int lineEnd = chunked.indexOf("\r\n", i);
            int size = Integer.parseInt(chunked.substring(i, lineEnd).strip(), 16);
            if (size == 0) {
                return out.toString(StandardCharsets.ISO_8859_1);
            }
            out.write(bytes, lineEnd + 2, size);
            i = lineEnd + 2 + size + 2;
        }
    }
}
