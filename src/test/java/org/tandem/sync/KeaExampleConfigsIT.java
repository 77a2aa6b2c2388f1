package org.tandem.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tandem.kea.client.KeaClient;
import org.tandem.kea.client.KeaEndpoint;
import org.tandem.kea.client.KeaResponse;
import org.tandem.lab.KeaLab;
import org.tandem.net.Ipv4Address;
import org.tandem.net.Ipv4Range;
import org.tandem.scope.DhcpScope;
import org.tandem.scope.Reservation;
import org.tandem.servers.DhcpServer;
import org.tandem.store.ListQuery;
import org.tandem.testing.Cleanup;
import org.tandem.testing.KeaExamples;
import org.tandem.testing.RealServers;

/**
 * Issue 14's round trip on a real kea-dhcp4 2.2 behind its Control Agent: each of Kea's own example configurations
 * that runs here (no MySQL, no hook library Debian does not ship, no HA partner off this machine) is put on the server,
 * synced into a Central, and then, through Central's API, a subnet is added and a reservation added to one of its
 * subnets, and both are removed again. After each step the server's configuration differs from the one before only
 * by the intended change; at the end it is exactly the original again.
 */
class KeaExampleConfigsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Ipv4Range NEW_SUBNET = Ipv4Range.parseCidr("s", "198.18.250.0/24");
    private static KeaLab lab;
    private static SyncFixture fx;
    private static DhcpServer server;
    private static KeaClient kea;
    private static ObjectNode labConfig;
    private static String rangeRef;

    @BeforeAll
    static void start() throws Exception {
        RealServers.assumeKea();
        lab = KeaLab.start(KeaLab.Options.loopback(KeaLab.HaSetup.NONE));
        fx = new SyncFixture();
        server = fx.addKea("kea-examples", lab.node(0).agentUrl());
        kea = new KeaClient(server.name(), KeaEndpoint.ControlAgent.of(lab.node(0).agentUrl()));
        labConfig = (ObjectNode) configGet().get("Dhcp4");
        ObjectNode range = fx.rpc.params();
        range.putObject("range").put("name", "examples").put("subnet", NEW_SUBNET.toString());
        rangeRef = fx.rpc.call("AddRange", range).path("ref").asText();
    }

    @AfterAll
    static void stop() throws Exception {
        Cleanup.close(fx, lab);
    }

    @Test
    void keasExampleConfigs_addAndRemoveASubnetAndAReservation_changeNothingElse() throws Exception {
        List<String> ran = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Path file : KeaExamples.all()) {
            String name = file.getFileName().toString();
            ObjectNode example = KeaExamples.read(file);
            Optional<String> why = prepare(example);
            if (why.isEmpty()) {
                KeaResponse test = kea.call("config-test", example);
                why = test.isSuccess() ? Optional.empty() : Optional.of("Kea's config-test: " + test.text());
            }
            if (why.isPresent()) {
                skipped.add(name + ": " + why.get());
                continue;
            }
            kea.ok("config-set", example, false);
            roundTrip(name);
            ran.add(name);
        }
        System.out.printf("KeaExampleConfigsIT: %d example configs round-tripped %s; %d not run here:%n  %s%n", ran.size(), ran,
                skipped.size(), String.join("\n  ", skipped));
        // Kea 2.2 ships 25; those needing MySQL/PostgreSQL, premium or made-up hook libraries, a config backend or a
        // remote HA partner cannot run here: 8. The other 17 must.
        assertThat(ran).as("example configs that ran").hasSize(17).contains("reservations.json", "multiple-options.json",
                "shared-network.json", "classify2.json", "all-options.json", "comments.json");
    }

    /**
     * A subnet that inherits the global valid-lifetime keeps inheriting it after Tandem's writes through the Control
     * Agent: raised afterwards through the change path of the web UI's configuration editor ({@code KeaTarget}), the
     * global value reaches the subnet. Control: the same raise sent as config-get printed it pins the subnet.
     */
    @Test
    void subnetInheritingTheGlobalLifetime_afterTandemsWrites_stillFollowsTheGlobalValue() throws Exception {
        Ipv4Range prefix = Ipv4Range.parseCidr("s", "198.18.251.0/24");
        ObjectNode config = labBase();
        ObjectNode dhcp4 = (ObjectNode) config.get("Dhcp4");
        dhcp4.put("valid-lifetime", 4000);
        ObjectNode subnet = dhcp4.putArray("subnet4").addObject().put("id", 1).put("subnet", prefix.toString());
        subnet.putArray("pools").addObject().put("pool", "198.18.251.100 - 198.18.251.150");
        kea.ok("config-set", config, false);
        fx.rpc.call("SyncDHCPServer", fx.rpc.params().put("dhcpServerRef", server.name()));
        DhcpScope scope = fx.central.scopes().scopes(ListQuery.all()).items().stream()
                .filter(s -> s.serverId() == server.id() && s.addresses().equals(prefix)).findFirst().orElseThrow();
        ObjectNode add = fx.rpc.params().put("owner", scope.ref());
        add.putObject("dhcpReservation").put("name", "printer").put("clientIdentifier", "0a:00:5e:00:53:02")
                .putArray("addresses").add("198.18.251.5");
        fx.rpc.call("AddDHCPReservation", add);
        assertThat(KeaExamples.subnet(configGet(), prefix).path("valid-lifetime").asInt()).as("derived from the global").isEqualTo(4000);

        org.tandem.kea.KeaEngine engine = new org.tandem.kea.KeaEngine(new org.tandem.kea.InMemoryKeaConfigStore(),
                java.time.Clock.systemUTC(), null);
        org.tandem.kea.KeaTarget target = new org.tandem.kea.KeaTarget(kea, engine, Optional::empty, java.time.Clock.systemUTC());
        org.tandem.change.LiveConfig live = target.read();
        ObjectNode raised = (ObjectNode) JSON.readTree(engine.lastSynced(kea).toPrettyString());
        ((ObjectNode) raised.get("Dhcp4")).put("valid-lifetime", 7200);
        String text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(raised);
        target.validate(text);
        target.apply(text, live.sha256());
        assertThat(KeaExamples.subnet(configGet(), prefix).path("valid-lifetime").asInt()).as("follows the raised global").isEqualTo(7200);

        // Control: config-get's text sent back as it is pins the subnet, which is what Tandem avoids.
        ObjectNode pinned = (ObjectNode) configGet();
        ((ObjectNode) pinned.get("Dhcp4")).put("valid-lifetime", 9000);
        kea.ok("config-set", pinned, false);
        assertThat(KeaExamples.subnet(configGet(), prefix).path("valid-lifetime").asInt()).as("pinned by a plain config-set").isEqualTo(7200);
    }

    /** Issue 14, finding 4: a peer whose HA partner Tandem does not manage is not written alone, and nothing changes. */
    @Test
    void haPeerWhosePartnerIsNotRegistered_scopeWriteIsRefusedNamingThePartner_andNothingChanges() throws Exception {
        Ipv4Range prefix = Ipv4Range.parseCidr("s", "198.18.252.0/24");
        ObjectNode config = labBase();
        ObjectNode dhcp4 = (ObjectNode) config.get("Dhcp4");
        ObjectNode subnet = dhcp4.putArray("subnet4").addObject().put("id", 1).put("subnet", prefix.toString());
        subnet.putArray("pools").addObject().put("pool", "198.18.252.100 - 198.18.252.150");
        String hooks = org.tandem.kea.hooks.KeaHookLocator.firstExistingDirectory(null).orElseThrow().toString();
        ArrayNode libraries = dhcp4.putArray("hooks-libraries");
        libraries.addObject().put("library", hooks + "/libdhcp_lease_cmds.so");
        ObjectNode ha = libraries.addObject().put("library", hooks + "/libdhcp_ha.so").putObject("parameters")
                .putArray("high-availability").addObject().put("this-server-name", "server1").put("mode", "hot-standby");
        ha.putArray("peers").addObject().put("name", "server1").put("url", lab.node(0).agentUrl().toString()).put("role", "primary");
        ((ArrayNode) ha.get("peers")).addObject().put("name", "server2").put("url", lab.node(1).agentUrl().toString()).put("role", "standby");
        kea.ok("config-set", config, false);
        try {
            fx.rpc.call("SyncDHCPServer", fx.rpc.params().put("dhcpServerRef", server.name()));
            DhcpScope scope = fx.central.scopes().scopes(ListQuery.all()).items().stream()
                    .filter(s -> s.serverId() == server.id() && s.addresses().equals(prefix)).findFirst().orElseThrow();
            JsonNode before = configGet();
            ObjectNode add = fx.rpc.params().put("owner", scope.ref());
            add.putObject("dhcpReservation").put("name", "printer").put("clientIdentifier", "0a:00:5e:00:53:03")
                    .putArray("addresses").add("198.18.252.5");
            var refused = org.assertj.core.api.Assertions.catchThrowableOfType(org.tandem.cli.TandemClient.RpcError.class,
                    () -> fx.rpc.call("AddDHCPReservation", add));
            assertThat(refused.getMessage()).contains("\"kea-examples\" is in an HA relationship (hot-standby) with \"server2\" ("
                    + lab.node(1).agentUrl()).contains("Register the partner").contains("Nothing was changed");
            assertThat(configGet()).isEqualTo(before);
            assertThat(fx.central.scopes().reservations("s", scope.ref(), ListQuery.all()).items()).isEmpty();
        } finally {
            dhcp4.remove("hooks-libraries");
            kea.ok("config-set", config, false);
        }
    }

    /** One example on the server: synced, then the four writes, each compared with the configuration before it. */
    private static void roundTrip(String name) throws Exception {
        fx.rpc.call("SyncDHCPServer", fx.rpc.params().put("dhcpServerRef", server.name()));
        assertThat(fx.central.servers().get("s", server.ref()).state()).as(name + ": server state after the sync").isNotEqualTo("Error");
        JsonNode original = configGet();
        // Every reservation of an address inside its subnet is imported, whichever identifier it uses.
        long onServer = KeaExamples.subnetLists(original).stream().flatMap(l -> java.util.stream.StreamSupport.stream(l.spliterator(), false))
                .mapToLong(s -> java.util.stream.StreamSupport.stream(s.path("reservations").spliterator(), false)
                        .filter(r -> r.has("ip-address") && List.of("hw-address", "client-id", "duid", "circuit-id", "flex-id").stream()
                                .anyMatch(r::has)).count()).sum();
        long stored = fx.central.scopes().scopes(ListQuery.all()).items().stream().filter(s -> s.serverId() == server.id())
                .mapToLong(s -> fx.central.scopes().reservations("s", s.ref(), ListQuery.all()).items().size()).sum();
        assertThat(stored).as(name + ": reservations imported").isEqualTo(onServer);

        ObjectNode addScope = fx.rpc.params();
        addScope.set("dhcpScope", fx.rpc.params().put("rangeRef", rangeRef).put("dhcpServerRef", server.name()));
        addScope.putArray("dhcpAddressPools").addObject().put("from", "198.18.250.10").put("to", "198.18.250.20");
        String scopeRef = written(name, "AddDHCPScope", addScope).path("ref").asText();
        JsonNode withSubnet = configGet();
        JsonNode added = withSubnet.deepCopy();
        KeaExamples.removeSubnet(added, NEW_SUBNET);
        assertThat(added).as(name + ": after AddDHCPScope, the config less the new subnet").isEqualTo(original);

        Optional<DhcpScope> target = fx.central.scopes().scopes(ListQuery.all()).items().stream()
                .filter(s -> s.serverId() == server.id() && !s.addresses().equals(NEW_SUBNET) && free(s).isPresent()).findFirst();
        if (target.isPresent()) {
            DhcpScope scope = target.get();
            Ipv4Address address = free(scope).orElseThrow();
            ObjectNode add = fx.rpc.params().put("owner", scope.ref());
            add.putObject("dhcpReservation").put("name", "tandem-test").put("clientIdentifier", "0a:00:5e:00:53:01")
                    .putArray("addresses").add(address.toString());
            String reservation = written(name, "AddDHCPReservation", add).path("ref").asText();
            JsonNode withReservation = configGet();
            // Kea lists a subnet's reservations in its own order: the new one is found by its identifier.
            ArrayNode reservations = (ArrayNode) KeaExamples.subnet(withReservation, scope.addresses()).get("reservations");
            int mine = -1;
            for (int i = 0; i < reservations.size(); i++) {
                if (reservations.get(i).path("hw-address").asText().equals("0a:00:5e:00:53:01")) {
                    mine = i;
                }
            }
            assertThat(mine).as(name + ": the new reservation in " + scope.addresses()).isNotNegative();
            assertThat(reservations.get(mine).path("ip-address").asText()).isEqualTo(address.toString());
            reservations.remove(mine);
            assertThat(withReservation).as(name + ": after AddDHCPReservation in " + scope.addresses() + ", less the new reservation")
                    .isEqualTo(withSubnet);
            written(name, "RemoveDHCPReservation", fx.rpc.params().put("dhcpReservationRef", reservation));
            assertThat(configGet()).as(name + ": after RemoveDHCPReservation").isEqualTo(withSubnet);
        }
        written(name, "RemoveDHCPScope", fx.rpc.params().put("dhcpScopeRef", scopeRef));
        assertThat(configGet()).as(name + ": after RemoveDHCPScope, the original").isEqualTo(original);
    }

    /**
     * One write, whose answer must carry no note: Central plans each write on the config it set last, and a note would
     * say the server did not report what Tandem set (Kea rewrote something Tandem wrote, and Central took it for an
     * edit made elsewhere).
     */
    private static JsonNode written(String example, String command, ObjectNode params) throws Exception {
        JsonNode answer = fx.rpc.call(command, params);
        assertThat(answer.path("notes")).as(example + ": notes of " + command).isEmpty();
        return answer;
    }

    /**
     * Makes an example runnable here, or says why it cannot be: this server's control socket, interfaces, lease file
     * and logging replace the example's; MySQL/PostgreSQL databases, config backends and HA (whose partners are
     * other machines) are not run.
     */
    private static Optional<String> prepare(ObjectNode example) {
        if (!(example.get("Dhcp4") instanceof ObjectNode dhcp4)) {
            return Optional.of("no Dhcp4");
        }
        for (String needsDatabase : List.of("hosts-database", "hosts-databases", "config-control")) {
            if (dhcp4.has(needsDatabase)) {
                return Optional.of(needsDatabase + " (a MySQL or PostgreSQL server)");
            }
        }
        String lease = dhcp4.path("lease-database").path("type").asText("memfile");
        if (!lease.equals("memfile")) {
            return Optional.of("lease-database " + lease);
        }
        if (dhcp4.path("hooks-libraries").toString().contains("libdhcp_ha.so")) {
            return Optional.of("HA with partners on other machines (the network rules keep tests on loopback)");
        }
        for (String k : LAB_KEYS) {
            if (labConfig.has(k)) {
                dhcp4.set(k, labConfig.get(k).deepCopy());
            } else {
                dhcp4.remove(k);
            }
        }
        if (dhcp4.get("dhcp-ddns") instanceof ObjectNode ddns) {
            ddns.put("server-ip", "127.0.0.1").put("sender-ip", "127.0.0.1");
        }
        localise(dhcp4);
        return Optional.empty();
    }

    /**
     * What Kea's file loader does and config-set does not (a "comment" becomes the user-context's comment), and this
     * machine's interface for the examples' eth0/eth1 in subnets and shared networks.
     */
    private static void localise(JsonNode node) {
        if (node instanceof ObjectNode o) {
            if (o.has("comment")) {
                o.withObject("user-context").set("comment", o.remove("comment"));
            }
            if (o.has("interface") && o.has("subnet4") || o.has("interface") && o.has("subnet")) {
                o.put("interface", "lo");
            }
            o.properties().stream().filter(e -> !e.getKey().equals("user-context")).forEach(e -> localise(e.getValue()));
        } else if (node instanceof ArrayNode a) {
            a.forEach(KeaExampleConfigsIT::localise);
        }
    }

    /** The lab server's own parts of a config: control socket, interfaces, lease file, logging. */
    private static final List<String> LAB_KEYS = List.of("control-socket", "interfaces-config", "lease-database", "loggers");

    /** A config of only this lab server's own parts, for a test to add to. */
    private static ObjectNode labBase() {
        ObjectNode config = JSON.createObjectNode();
        ObjectNode dhcp4 = config.putObject("Dhcp4");
        LAB_KEYS.stream().filter(labConfig::has).forEach(k -> dhcp4.set(k, labConfig.get(k).deepCopy()));
        return config;
    }

    private static JsonNode configGet() {
        KeaResponse r = kea.call("config-get", null);
        assertThat(r.isSuccess()).as("config-get: " + r.text()).isTrue();
        return r.arguments();
    }

    /** An address of the scope that no reservation uses, for the reservation the test adds. */
    private static Optional<Ipv4Address> free(DhcpScope scope) {
        List<Reservation> taken = fx.central.scopes().reservations("s", scope.ref(), ListQuery.all()).items();
        for (long i = 2; i < Math.min(scope.addresses().size() - 1, 256); i++) {
            Ipv4Address a = scope.addresses().first().plus(i);
            if (taken.stream().noneMatch(r -> r.address().equals(a))) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
