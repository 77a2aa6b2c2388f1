package org.tandem.failover;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tandem.central.CentralConfig;
import org.tandem.central.TestCentral;
import org.tandem.kea.client.KeaClient;
import org.tandem.kea.client.KeaEndpoint;
import org.tandem.kea.config.KeaConfig;
import org.tandem.kea.config.KeaOptionData;
import org.tandem.kea.config.KeaSubnet;
import org.tandem.lab.DhcpdLab;
import org.tandem.lab.KeaLab;
import org.tandem.net.Ipv4Range;
import org.tandem.sync.SyncExtension;
import org.tandem.testing.Cleanup;
import org.tandem.testing.RealServers;
import org.tandem.testing.RpcSession;

/**
 * A scope's DHCP options through Micetro's calls, against a Central wired to the real lab: the dhcpd failover pair and
 * the Kea 2.2 HA pair. {@code PUT /mmws/api/v2/dhcpScopes/{ref}/options} with Micetro's body reaches both peers' configs
 * in one change (a dry run shows both diffs and changes nothing), {@code GET} reads them back in Micetro's shape, and
 * the JSON-RPC commands GetDHCPScopeOptions / SetDHCPScopeOptions do the same. Only the v2 prefix is tried: the
 * unversioned {@code /mmws/api/} router is another branch's.
 */
class ScopeOptionsIT {

    private static final String BODY = "{\"saveComment\":\"gateway and DNS\",\"dhcpOptions\":[{\"option\":\"3\",\"value\":\"192.0.2.1\"},"
            + "{\"option\":\"6\",\"value\":\"192.0.2.53, 192.0.2.54\"}]}";

    private DhcpdLab dhcpd;
    private KeaLab kea;
    private TestCentral central;

    @AfterEach
    void stop() throws Exception {
        Cleanup.close(central, dhcpd, kea);
    }

    @Test
    void dhcpdFailoverScope_putOptions_reachBothPeersInOneChange_getAndRpcReadThemBack() throws Exception {
        RealServers.assumeDhcpd();
        dhcpd = DhcpdLab.start();
        central = new TestCentral(CentralConfig.defaults(), List.of(new SyncExtension()));
        RpcSession rpc = RpcSession.administrator(central);
        String primary = addDhcpd(rpc, "opt-a", dhcpd.primary());
        addDhcpd(rpc, "opt-b", dhcpd.secondary());
        String range = rpc.call("AddRange", "{\"range\":{\"name\":\"opt\",\"subnet\":\"198.19.220.0/24\"}}").path("ref").asText();
        String scope = rpc.call("AddDHCPScope", "{\"dhcpScope\":{\"rangeRef\":\"" + range + "\",\"dhcpServerRef\":\"" + primary + "\"},"
                + "\"dhcpAddressPools\":[{\"from\":\"198.19.220.10\",\"to\":\"198.19.220.99\"}]}").path("ref").asText();
        rpc.call("AddDHCPFailoverRelationship", "{\"dhcpFailoverRelationship\":{\"name\":\"opt\",\"primaryServer\":\"opt-a\","
                + "\"secondaryServer\":\"opt-b\",\"mclt\":600,\"maxResponseDelay\":15,\"primaryAddress\":\"" + dhcpd.primary().address()
                + "\",\"secondaryAddress\":\"" + dhcpd.secondary().address() + "\"}}");
        rpc.call("AddDHCPScopesToDHCPFailoverRelationship", "{\"dhcpServerRef\":\"" + primary + "\",\"dhcpFailoverRelationshipName\":\"opt\","
                + "\"dhcpScopeRefs\":[\"" + scope + "\"]}");
        String id = scope.substring(scope.lastIndexOf('/') + 1);
        String path = "/mmws/api/v2/dhcpScopes/" + id + "/options";
        String auth = basic();

        TestCentral.Answer empty = central.send("GET", path, null, auth);
        assertThat(empty.status()).as(empty.text()).isEqualTo(200);
        assertThat(empty.body().path("result").path("dhcpOptions")).isEmpty();

        String a = conf(dhcpd.primary());
        String b = conf(dhcpd.secondary());
        TestCentral.Answer dry = central.send("PUT", path + "?dryRun=true", BODY, auth);
        assertThat(dry.status()).as(dry.text()).isEqualTo(200);
        JsonNode changes = dry.body().path("result").path("changes");
        assertThat(changes).hasSize(2);
        changes.forEach(c -> assertThat(c.path("diff").asText()).contains("+  option routers 192.0.2.1;")
                .contains("+  option domain-name-servers 192.0.2.53, 192.0.2.54;"));
        assertThat(conf(dhcpd.primary())).isEqualTo(a);
        assertThat(conf(dhcpd.secondary())).isEqualTo(b);

        TestCentral.Answer put = central.send("PUT", path, BODY, auth);
        assertThat(put.status()).as(put.text()).isEqualTo(204);
        for (DhcpdLab.Server s : dhcpd.servers()) {
            assertThat(subnetText(conf(s), "198.19.220.0")).contains("option routers 192.0.2.1;")
                    .contains("option domain-name-servers 192.0.2.53, 192.0.2.54;").contains("failover peer \"opt\";");
        }
        JsonNode shown = central.send("GET", path, null, auth).body().path("result").path("dhcpOptions");
        assertThat(shown.toString()).isEqualTo("[{\"option\":\"::3\",\"value\":\"192.0.2.1\"},{\"option\":\"::6\",\"value\":\"192.0.2.53,192.0.2.54\"}]");
        // The same PUT again changes nothing (Micetro's Ansible collection compares, then puts only when different).
        String written = conf(dhcpd.primary());
        assertThat(central.send("PUT", path, BODY, auth).status()).isEqualTo(204);
        assertThat(conf(dhcpd.primary())).isEqualTo(written);

        // JSON-RPC: one change on both servers; the gateway removed (empty value), the domain name set, DNS kept.
        JsonNode set = rpc.call("SetDHCPScopeOptions", "{\"dhcpScopeRef\":\"" + scope + "\",\"dhcpOptions\":[{\"option\":\"::3\","
                + "\"value\":\"\"},{\"option\":\"domain-name\",\"value\":\"lab.example\"}]}");
        assertThat(set.path("changes")).hasSize(2);
        assertThat(set.path("changeId").asText()).isNotEmpty();
        for (DhcpdLab.Server s : dhcpd.servers()) {
            assertThat(subnetText(conf(s), "198.19.220.0")).doesNotContain("option routers").contains("option domain-name \"lab.example\";")
                    .contains("option domain-name-servers 192.0.2.53, 192.0.2.54;");
        }
        assertThat(rpc.call("GetDHCPScopeOptions", "{\"dhcpScopeRef\":\"" + scope + "\"}").path("dhcpOptions").toString())
                .isEqualTo("[{\"option\":\"::6\",\"value\":\"192.0.2.53,192.0.2.54\"},{\"option\":\"::15\",\"value\":\"lab.example\"}]");

        // A hostile value is refused naming it, before any server is asked.
        String before = conf(dhcpd.primary());
        TestCentral.Answer bad = central.send("PUT", path, "{\"dhcpOptions\":[{\"option\":\"15\",\"value\":\"x\\\"; } subnet 10.0.0.0 netmask"
                + " 255.0.0.0 { #\"}]}", auth);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().path("error").path("message").asText()).startsWith("dhcpOptions[0].value");
        assertThat(conf(dhcpd.primary())).isEqualTo(before);
        dhcpd.awaitNormal(dhcpd.primary(), "opt", Duration.ofSeconds(60));
    }

    @Test
    void keaHaScope_putOptions_reachBothPeersInOneChange_getAndRpcReadThemBack() throws Exception {
        RealServers.assumeKea();
        kea = KeaLab.start(KeaLab.Options.loopback(KeaLab.HaSetup.HOT_STANDBY));
        central = new TestCentral(CentralConfig.defaults(), List.of(new SyncExtension()));
        RpcSession rpc = RpcSession.administrator(central);
        for (KeaLab.Node n : kea.nodes()) {
            rpc.call("AddDHCPServer", "{\"dhcpServer\":{\"name\":\"" + n.name() + "\",\"type\":\"Kea\",\"address\":\"127.0.0.1\",\"port\":"
                    + n.agentUrl().getPort() + "}}");
        }
        for (KeaLab.Node n : kea.nodes()) {
            rpc.call("SyncDHCPServer", "{\"dhcpServerRef\":\"" + n.name() + "\"}");
        }
        Ipv4Range prefix = Ipv4Range.parseCidr("subnet", "198.19.230.0/24");
        String range = rpc.call("AddRange", "{\"range\":{\"name\":\"opt\",\"subnet\":\"" + prefix + "\"}}").path("ref").asText();
        String scope = rpc.call("AddDHCPScope", "{\"dhcpScope\":{\"rangeRef\":\"" + range + "\",\"dhcpServerRef\":\"" + kea.node(0).name()
                + "\"},\"dhcpAddressPools\":[{\"from\":\"198.19.230.10\",\"to\":\"198.19.230.99\"}]}").path("ref").asText();
        List<KeaClient> peers = kea.nodes().stream().map(n -> new KeaClient(n.name(), KeaEndpoint.ControlAgent.of(n.agentUrl()))).toList();
        String id = scope.substring(scope.lastIndexOf('/') + 1);
        String path = "/mmws/api/v2/dhcpScopes/" + id + "/options";
        String auth = basic();

        // Day two: an administrator gave the subnet an option Tandem does not model, by hand on both peers, and synced.
        for (KeaClient c : peers) {
            com.fasterxml.jackson.databind.node.ObjectNode root = (com.fasterxml.jackson.databind.node.ObjectNode)
                    new com.fasterxml.jackson.databind.ObjectMapper().readTree(config(c).json());
            org.tandem.testing.KeaExamples.subnet(root, prefix).withArray("option-data").addObject()
                    .put("name", "boot-size").put("data", "100").put("always-send", true);
            c.ok("config-set", root, false);
        }
        for (KeaLab.Node n : kea.nodes()) {
            rpc.call("SyncDHCPServer", "{\"dhcpServerRef\":\"" + n.name() + "\"}");
        }

        List<String> hashes = peers.stream().map(c -> config(c).hash()).toList();
        TestCentral.Answer dry = central.send("PUT", path + "?dryRun=true", BODY, auth);
        assertThat(dry.status()).as(dry.text()).isEqualTo(200);
        JsonNode changes = dry.body().path("result").path("changes");
        assertThat(changes).hasSize(2);
        changes.forEach(c -> assertThat(c.path("diff").asText()).contains("\"192.0.2.1\"").contains("\"192.0.2.53, 192.0.2.54\"")
                .doesNotContainPattern("(?m)^[-+](?![-+]{2}).*boot-size"));
        assertThat(peers.stream().map(c -> config(c).hash()).toList()).isEqualTo(hashes);

        TestCentral.Answer put = central.send("PUT", path, BODY, auth);
        assertThat(put.status()).as(put.text()).isEqualTo(204);
        for (KeaClient c : peers) {
            assertThat(subnet(c, prefix).options()).extracting(KeaOptionData::name, KeaOptionData::data)
                    .contains(org.assertj.core.groups.Tuple.tuple("routers", "192.0.2.1"),
                            org.assertj.core.groups.Tuple.tuple("domain-name-servers", "192.0.2.53, 192.0.2.54"));
        }
        assertThat(subnet(peers.get(0), prefix)).isEqualTo(subnet(peers.get(1), prefix));
        for (KeaClient c : peers) {
            JsonNode kept = org.tandem.testing.KeaExamples.subnet(new com.fasterxml.jackson.databind.ObjectMapper().readTree(config(c).json()),
                    prefix).path("option-data");
            assertThat(kept.toString()).as("the hand-written option on %s, with its always-send", c.server())
                    .contains("\"name\":\"boot-size\"").contains("\"always-send\":true");
        }
        JsonNode shown = central.send("GET", path, null, auth).body().path("result").path("dhcpOptions");
        assertThat(shown.toString()).isEqualTo("[{\"option\":\"::13\",\"value\":\"100\"},{\"option\":\"::3\",\"value\":\"192.0.2.1\"},"
                + "{\"option\":\"::6\",\"value\":\"192.0.2.53,192.0.2.54\"}]");

        JsonNode set = rpc.call("SetDHCPScopeOptions", "{\"dhcpScopeRef\":\"" + scope + "\",\"saveComment\":\"no gateway\",\"dhcpOptions\":"
                + "[{\"option\":\"routers\",\"value\":\"\"},{\"option\":\"::42\",\"value\":\"192.0.2.123\"}]}");
        assertThat(set.path("changes")).hasSize(2);
        assertThat(set.path("changeId").asText()).isNotEmpty();
        for (KeaClient c : peers) {
            assertThat(subnet(c, prefix).options()).extracting(KeaOptionData::name)
                    .containsExactly("boot-size", "domain-name-servers", "ntp-servers");
        }
        assertThat(rpc.call("GetDHCPScopeOptions", "{\"dhcpScopeRef\":\"" + scope + "\"}").path("dhcpOptions").toString())
                .isEqualTo("[{\"option\":\"::13\",\"value\":\"100\"},{\"option\":\"::6\",\"value\":\"192.0.2.53,192.0.2.54\"},"
                        + "{\"option\":\"::42\",\"value\":\"192.0.2.123\"}]");
        JsonNode refused = rpc.error("SetDHCPScopeOptions", "{\"dhcpScopeRef\":\"" + scope + "\",\"dhcpOptions\":[{\"option\":\"6\","
                + "\"value\":\"192.0.2.1\\\", \\\"data\\\": \\\"6.6.6.6\"}]}");
        assertThat(refused.path("message").asText()).startsWith("dhcpOptions[0].value");
    }

    private static String basic() {
        return "Basic " + Base64.getEncoder().encodeToString(("administrator:" + TestCentral.ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));
    }

    private static String addDhcpd(RpcSession rpc, String name, DhcpdLab.Server s) {
        return rpc.call("AddDHCPServer", "{\"dhcpServer\":{\"name\":\"" + name + "\",\"type\":\"ISC\",\"address\":\"127.0.0.1\",\"port\":"
                + s.agentUri().getPort() + ",\"agentToken\":\"" + s.agentToken() + "\"}}").path("ref").asText();
    }

    private static String conf(DhcpdLab.Server s) throws Exception {
        return Files.readString(s.conf());
    }

    /** The subnet declaration starting at {@code network}, up to its closing brace at the line start. */
    private static String subnetText(String conf, String network) {
        int at = conf.indexOf("subnet " + network + " ");
        assertThat(at).as("subnet %s in\n%s", network, conf).isNotNegative();
        return conf.substring(at, conf.indexOf("\n}", at));
    }

    private static KeaSubnet subnet(KeaClient c, Ipv4Range prefix) {
        Optional<KeaSubnet> s = config(c).subnets().stream().filter(x -> x.subnet().equals(prefix)).findFirst();
        return s.orElseThrow();
    }

    private static KeaConfig config(KeaClient c) {
        KeaClient.Streamed<KeaConfig> s = c.call("config-get", null, p -> KeaConfig.fromKea(p, Instant.now()));
        s.envelope().requireSuccess(false);
        return s.value();
    }
}
