package org.tandem.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.tandem.central.Central;
import org.tandem.central.CentralConfig;
import org.tandem.cli.TandemClient;
import org.tandem.common.UserError;
import org.tandem.kea.config.KeaConfigPatch;
import org.tandem.kea.text.KeaConfigText;
import org.tandem.store.Database;
import org.tandem.sync.SyncExtension;
import org.tandem.testing.Cleanup;
import org.tandem.testing.KeaDaemon;
import org.tandem.testing.RealServers;
import org.tandem.testing.TextRegions;

/**
 * The agent next to a real kea-dhcp4 (unix control socket, a config file with comments, an include and a subnet that
 * inherits the global valid-lifetime), with Central writing through it: each change lands in the file as exactly that
 * change, comments and include kept, and the subnet keeps inheriting, which Kea's own config-write would have ended.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeaAgentIT {

    private static final String PASSWORD = "kea-agent-it-password";
    private static final String TOKEN = "kea-agent-it-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String MAIN = """
            # kea-dhcp4 for KeaAgentIT: comments, an include, a subnet that inherits
            {
                "Dhcp4": {
                    // every subnet inherits this unless it says otherwise
                    "valid-lifetime": 600,
                    "interfaces-config": { "interfaces": [ ] },
                    "control-socket": { "socket-type": "unix", "socket-name": "SOCKET" },
                    "lease-database": { "type": "memfile", "persist": false },
                    /* the subnets live
                       in their own file */
                    <?include "subnets.json"?>
                    "loggers": [ { "name": "kea-dhcp4", "severity": "WARN",
                                   "output_options": [ { "output": "LOG" } ] } ]
                }
            }
            """;
    private static final String SUBNETS = """
                    "subnet4": [
                        // the lab's own subnet: no valid-lifetime of its own
                        {
                            "id": 1,
                            "subnet": "192.0.2.0/24",
                            "pools": [ { "pool": "192.0.2.10 - 192.0.2.99" } ]
                        }
                    ],
            """;

    private static Path dir;
    private static Path main;
    private static Path subnets;
    private static String mainText;
    private static KeaDaemon kea;
    private static AgentServer agent;
    private static Central central;
    private static TandemClient rpc;
    private static String scopeRef;
    private static String reservationRef;

    @BeforeAll
    static void start() throws Exception {
        RealServers.assumeKea();
        dir = Files.createTempDirectory("tandem-kea-agent-");
        main = dir.resolve("kea-dhcp4.conf");
        subnets = dir.resolve("subnets.json");
        Path socket = dir.resolve("kea4.sock");
        mainText = MAIN.replace("SOCKET", socket.toString()).replace("LOG", dir.resolve("kea-dhcp4.log").toString());
        Files.writeString(main, mainText);
        Files.writeString(subnets, SUBNETS);
        kea = KeaDaemon.start(main, socket);
        agent = new AgentServer(AgentSettings.forKea("127.0.0.1", 0, KeaAgentSettings.of(main, socket), TOKEN, 3), Clock.systemUTC()).start();
        central = Central.start(new Central.Options("127.0.0.1", 0, Database.temporaryUrl("kea-agent-" + UUID.randomUUID()),
                new CentralConfig(Duration.ofSeconds(900), Duration.ofHours(1), 1 << 20, Duration.ofSeconds(1)), Clock.systemUTC(),
                List.of(new SyncExtension()), PASSWORD));
        rpc = new TandemClient(URI.create("http://127.0.0.1:" + central.port()), null);
        rpc.login("administrator", PASSWORD);
        call("AddDHCPServer", "{\"dhcpServer\":{\"name\":\"kea-lab\",\"type\":\"Kea\",\"address\":\"127.0.0.1\",\"port\":" + agent.port()
                + ",\"agentToken\":\"" + TOKEN + "\"}}");
        rpc.call("SyncDHCPServer", TandemClient.params().put("dhcpServerRef", "kea-lab"));
    }

    @AfterAll
    static void stop() throws Exception {
        Cleanup.close(central, agent, kea, () -> {
            if (dir != null) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        });
    }

    @Test
    @Order(1)
    void addScope_throughCentral_appendsTheSubnetToTheIncludedFileOnly() throws Exception {
        JsonNode before = KeaConfigText.load(main).meaning();
        String range = call("AddRange", "{\"range\":{\"name\":\"agent-lan\",\"subnet\":\"198.51.100.0/24\"}}").path("ref").asText();
        scopeRef = call("AddDHCPScope", "{\"dhcpScope\":{\"rangeRef\":\"" + range + "\",\"dhcpServerRef\":\"kea-lab\"},"
                + "\"dhcpAddressPools\":[{\"from\":\"198.51.100.10\",\"to\":\"198.51.100.99\"}]}").path("ref").asText();

        assertThat(Files.readString(main)).isEqualTo(mainText);
        String now = Files.readString(subnets);
        assertThat(now).contains("// the lab's own subnet: no valid-lifetime of its own");
        TextRegions.assertOnlyOneRegionChanged(SUBNETS, now, 1);
        JsonNode after = KeaConfigText.load(main).meaning();
        ArrayNode added = (ArrayNode) after.get("Dhcp4").get("subnet4");
        assertThat(added).hasSize(2);
        assertThat(added.get(0)).isEqualTo(before.get("Dhcp4").get("subnet4").get(0));
        assertThat(added.get(1).path("subnet").asText()).isEqualTo("198.51.100.0/24");
        assertThat(added.get(1).has("t1-percent")).as("no derived value written into the new subnet").isFalse();
        assertThat(withoutSubnets(after)).isEqualTo(withoutSubnets(before));
        assertThat(dir.resolve("subnets.json.tandem-1")).hasContent(SUBNETS);
        assertThat(subnetInKea("192.0.2.0/24").path("valid-lifetime").asInt()).isEqualTo(600);
    }

    @Test
    @Order(2)
    void addReservation_throughCentral_addsExactlyItToTheNewSubnet() throws Exception {
        String beforeText = Files.readString(subnets);
        JsonNode before = KeaConfigText.load(main).meaning();
        reservationRef = call("AddDHCPReservation", "{\"owner\":\"" + scopeRef + "\",\"dhcpReservation\":{\"name\":\"printer\","
                + "\"clientIdentifier\":\"00:11:22:33:44:55\",\"addresses\":[\"198.51.100.5\"]}}").path("ref").asText();

        assertThat(Files.readString(main)).isEqualTo(mainText);
        JsonNode after = KeaConfigText.load(main).meaning();
        ObjectNode expected = before.deepCopy();
        ObjectNode newSubnet = (ObjectNode) expected.get("Dhcp4").get("subnet4").get(1);
        JsonNode reservations = after.get("Dhcp4").get("subnet4").get(1).get("reservations");
        assertThat(reservations).singleElement().satisfies(r -> assertThat(r.path("ip-address").asText()).isEqualTo("198.51.100.5"));
        newSubnet.set("reservations", reservations);
        assertThat(after).isEqualTo(expected);
        TextRegions.assertOnlyOneRegionChanged(beforeText, Files.readString(subnets), 2);
    }

    @Test
    @Order(3)
    void removeReservationThenScope_throughCentral_givesBackTheFilesByteForByte() throws Exception {
        call("RemoveDHCPReservation", "{\"dhcpReservationRef\":\"" + reservationRef + "\"}");
        assertThat(KeaConfigText.load(main).meaning().get("Dhcp4").get("subnet4").get(1).path("reservations")).isEmpty();
        call("RemoveDHCPScope", "{\"dhcpScopeRef\":\"" + scopeRef + "\"}");

        assertThat(Files.readString(subnets)).isEqualTo(SUBNETS);
        assertThat(Files.readString(main)).isEqualTo(mainText);
    }

    /** The point of it all: after Central's writes the subnet still inherits, so a change of the global value reaches it. */
    @Test
    @Order(4)
    void globalValidLifetimeRaisedByHand_subnetFollowsAfterConfigReload() throws Exception {
        Files.writeString(main, mainText.replace("\"valid-lifetime\": 600,", "\"valid-lifetime\": 1200,"));
        assertThat(kea.socket().call("config-reload", null).isSuccess()).isTrue();

        assertThat(subnetInKea("192.0.2.0/24").path("valid-lifetime").asInt()).isEqualTo(1200);
        Files.writeString(main, mainText);
        assertThat(kea.socket().call("config-reload", null).isSuccess()).isTrue();
    }

    @Test
    @Order(5)
    void patchKeaRefuses_leavesTheFilesByteIdentical_andNamesTheStepWithKeasText() throws Exception {
        AgentClient client = new AgentClient(URI.create("http://127.0.0.1:" + agent.port()), TOKEN);
        KeaConfigPatch bad = new KeaConfigPatch(List.of(new KeaConfigPatch.SetMember(List.of(new KeaConfigPatch.Member("Dhcp4"),
                new KeaConfigPatch.Member("subnet4"), new KeaConfigPatch.Element(new KeaConfigPatch.Key(Map.of("id", "1")))),
                "valid-lifetime", JSON.getNodeFactory().textNode("forever"))));

        assertThatThrownBy(() -> client.patchKeaConfig(null, bad.toJson(), false)).isInstanceOfSatisfying(AgentError.class, e -> {
            assertThat(e.kind()).isEqualTo(UserError.Kind.SERVER_REFUSED);
            assertThat(e.details()).containsEntry("step", "kea-dhcp4 -t");
            assertThat(e.getMessage()).contains("kea-dhcp4 -t refused").contains("expecting integer").contains(subnets + ":7");
            assertThat(e.details().get("keaText").toString()).contains("syntax error");
        });
        assertThat(Files.readString(main)).isEqualTo(mainText);
        assertThat(Files.readString(subnets)).isEqualTo(SUBNETS);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("tandem-check") || n.endsWith(".tmp"));
        }
    }

    @Test
    @Order(6)
    void commands_configWriteIsRefused_configGetIsForwarded_anExpectedHashThatIsNotRunningIsAConflict() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> write = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.port() + "/v1/kea/command"))
                .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString("{\"command\": \"config-write\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(write.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(write.body()).path("field").asText()).isEqualTo("command");
        HttpResponse<String> noToken = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.port() + "/v1/kea/command"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"command\": \"config-get\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(subnetInKea("192.0.2.0/24").path("id").asInt()).isEqualTo(1);

        AgentClient client = new AgentClient(URI.create("http://127.0.0.1:" + agent.port()), TOKEN);
        KeaConfigPatch harmless = new KeaConfigPatch(List.of(new KeaConfigPatch.SetMember(List.of(new KeaConfigPatch.Member("Dhcp4")),
                "renew-timer", JSON.getNodeFactory().numberNode(100))));
        assertThatThrownBy(() -> client.patchKeaConfig("0".repeat(64), harmless.toJson(), false))
                .isInstanceOfSatisfying(AgentError.class, e -> assertThat(e.kind()).isEqualTo(UserError.Kind.CONFLICT));
        AgentApi.KeaPatchResult dry = client.patchKeaConfig(null, harmless.toJson(), true);
        assertThat(dry.files()).singleElement().satisfies(f -> assertThat(f.diff()).contains("+        \"renew-timer\": 100"));
        assertThat(Files.readString(main)).isEqualTo(mainText);
    }

    @Test
    @Order(7)
    void register_keaWithBothAgentTokenAndControlAgentCredentials_isRefusedNamingTheField() {
        assertThatThrownBy(() -> call("AddDHCPServer", "{\"dhcpServer\":{\"name\":\"kea-both\",\"type\":\"Kea\",\"address\":\"127.0.0.1\","
                + "\"agentToken\":\"" + TOKEN + "\",\"username\":\"u\",\"password\":\"p\"}}"))
                .hasMessageContaining("agentToken").hasMessageContaining("not both");
    }

    private static JsonNode withoutSubnets(JsonNode config) {
        ObjectNode c = config.deepCopy();
        ((ObjectNode) c.get("Dhcp4")).remove("subnet4");
        return c;
    }

    private static JsonNode subnetInKea(String prefix) {
        JsonNode subnets = kea.socket().ok("config-get", null, false).arguments().path("Dhcp4").path("subnet4");
        for (JsonNode s : subnets) {
            if (s.path("subnet").asText().equals(prefix)) {
                return s;
            }
        }
        throw new AssertionError("Kea runs no subnet " + prefix + ": " + subnets);
    }

    private static JsonNode call(String method, String params) {
        try {
            return rpc.call(method, (ObjectNode) TandemClient.json().readTree(params));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
