package org.tandem.central;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.tandem.kea.client.KeaClient;
import org.tandem.kea.client.KeaEndpoint;
import org.tandem.kea.config.KeaConfig;
import org.tandem.kea.config.KeaReservation;
import org.tandem.kea.config.KeaSubnet;
import org.tandem.lab.DhcpdLab;
import org.tandem.lab.KeaLab;
import org.tandem.net.Ipv4Range;
import org.tandem.sync.SyncExtension;
import org.tandem.testing.Cleanup;
import org.tandem.testing.RealServers;
import org.tandem.testing.RpcSession;

/**
 * Issue 13, parts 4 to 6: the calls Micetro's own clients (its Ansible collection's dhcp, user and freeip) make for
 * reservations, address records, the next free address, users, roles, groups and property definitions, against a
 * Central wired to the real lab: a dhcpd 4.4 failover pair and a Kea 2.2 HA pair. REST calls use HTTP Basic on every
 * request and the v2 prefix, as the collection does (with the unversioned prefix); each checks the answer's shape the
 * collection reads, and the reservation writes are checked in both peers' configurations.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MicetroRecordsIT {

    private static final String API = "/mmws/api/v2/";
    private static final String DHCPD_NET = "198.19.222";
    private static final String KEA_NET = "198.19.223";

    private static DhcpdLab dhcpd;
    private static KeaLab kea;
    private static TestCentral central;
    private static RpcSession rpc;
    private static String basic;
    private static String dhcpdRange;
    private static String keaRange;
    private static KeaClient keaA;
    private static KeaClient keaB;

    @BeforeAll
    static void start() throws Exception {
        RealServers.assumeDhcpd();
        RealServers.assumeKea();
        dhcpd = DhcpdLab.start();
        kea = KeaLab.start(KeaLab.Options.loopback(KeaLab.HaSetup.LOAD_BALANCING));
        central = new TestCentral(CentralConfig.defaults(), List.of(new SyncExtension()));
        rpc = RpcSession.administrator(central);
        basic = "Basic " + Base64.getEncoder().encodeToString(("administrator:" + TestCentral.ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));

        // The dhcpd pair: one scope in a failover relationship, so it has an instance on each server.
        String primary = rpc.call("AddDHCPServer", "{\"dhcpServer\":{\"name\":\"rec-a\",\"type\":\"ISC\",\"address\":\"127.0.0.1\",\"port\":"
                + dhcpd.primary().agentUri().getPort() + ",\"agentToken\":\"" + dhcpd.primary().agentToken() + "\"}}").path("ref").asText();
        String secondary = rpc.call("AddDHCPServer", "{\"dhcpServer\":{\"name\":\"rec-b\",\"type\":\"ISC\",\"address\":\"127.0.0.1\",\"port\":"
                + dhcpd.secondary().agentUri().getPort() + ",\"agentToken\":\"" + dhcpd.secondary().agentToken() + "\"}}").path("ref").asText();
        dhcpdRange = rpc.call("AddRange", "{\"range\":{\"name\":\"rec-dhcpd\",\"subnet\":\"" + DHCPD_NET + ".0/24\"}}").path("ref").asText();
        String scope = rpc.call("AddDHCPScope", "{\"dhcpScope\":{\"rangeRef\":\"" + dhcpdRange + "\",\"dhcpServerRef\":\"" + primary + "\"},"
                + "\"dhcpAddressPools\":[{\"from\":\"" + DHCPD_NET + ".10\",\"to\":\"" + DHCPD_NET + ".99\"}]}").path("ref").asText();
        rpc.call("AddDHCPFailoverRelationship", "{\"dhcpFailoverRelationship\":{\"name\":\"rec\",\"primaryServer\":\"rec-a\","
                + "\"secondaryServer\":\"rec-b\",\"mclt\":600,\"maxResponseDelay\":15,\"primaryAddress\":\"" + dhcpd.primary().address()
                + "\",\"secondaryAddress\":\"" + dhcpd.secondary().address() + "\"}}");
        rpc.call("AddDHCPScopesToDHCPFailoverRelationship", "{\"dhcpServerRef\":\"" + primary + "\",\"dhcpFailoverRelationshipName\":\"rec\","
                + "\"dhcpScopeRefs\":[\"" + scope + "\"]}");
        for (String ref : List.of(primary, secondary)) {
            rpc.call("SyncDHCPServer", "{\"dhcpServerRef\":\"" + ref + "\"}");
        }

        // The Kea HA pair, found by the sync; a subnet added on one peer goes on both.
        for (KeaLab.Node n : kea.nodes()) {
            rpc.call("AddDHCPServer", "{\"dhcpServer\":{\"name\":\"" + n.name() + "\",\"type\":\"Kea\",\"address\":\"127.0.0.1\",\"port\":"
                    + n.agentUrl().getPort() + "}}");
        }
        for (KeaLab.Node n : kea.nodes()) {
            rpc.call("SyncDHCPServer", "{\"dhcpServerRef\":\"" + n.name() + "\"}");
        }
        keaRange = rpc.call("AddRange", "{\"range\":{\"name\":\"rec-kea\",\"subnet\":\"" + KEA_NET + ".0/24\"}}").path("ref").asText();
        rpc.call("AddDHCPScope", "{\"dhcpScope\":{\"rangeRef\":\"" + keaRange + "\",\"dhcpServerRef\":\"" + kea.node(0).name() + "\"},"
                + "\"dhcpAddressPools\":[{\"from\":\"" + KEA_NET + ".10\",\"to\":\"" + KEA_NET + ".109\"}]}");
        keaA = new KeaClient(kea.node(0).name(), KeaEndpoint.ControlAgent.of(kea.node(0).agentUrl()));
        keaB = new KeaClient(kea.node(1).name(), KeaEndpoint.ControlAgent.of(kea.node(1).agentUrl()));
    }

    @AfterAll
    static void stop() throws Exception {
        Cleanup.close(central, kea, dhcpd);
    }

    // ------------------------------------------------------------------ reservations on the dhcpd pair

    private static String dhcpdReservation;
    private static String dhcpdSecondReservation;

    @Test
    @Order(1)
    void dhcpd_rangeListsBothScopeInstances_createOnEach_reachesBothConfigsOnce_secondAnswersTheExisting() throws Exception {
        List<String> scopes = scopeRefsOf(dhcpdRange);
        assertThat(scopes).as("the range's dhcpScopes: one instance per peer").hasSize(2);
        String body = reservationBody("printer-1", "00:11:22:33:44:55", DHCPD_NET + ".150");
        TestCentral.Answer first = rest("POST", scopes.get(0) + "/dhcpReservations", body);
        assertThat(first.status()).as(first.text()).isEqualTo(201);
        dhcpdReservation = first.body().path("result").path("ref").asText();
        for (DhcpdLab.Server s : dhcpd.servers()) {
            assertThat(hostBlock(s, "printer-1")).contains("hardware ethernet 00:11:22:33:44:55;").contains("fixed-address " + DHCPD_NET + ".150;")
                    .contains("ddns-hostname \"printer-1.example.org\";").contains("filename \"pxelinux.0\";")
                    .contains("server-name \"boot.example.org\";").contains("next-server " + DHCPD_NET + ".2;");
        }
        // The client creates the reservation once per scope instance: the second is the same reservation, already there.
        TestCentral.Answer second = rest("POST", scopes.get(1) + "/dhcpReservations", body);
        assertThat(second.status()).as(second.text()).isEqualTo(200);
        dhcpdSecondReservation = second.body().path("result").path("ref").asText();
        assertThat(dhcpdSecondReservation).isNotEqualTo(dhcpdReservation).startsWith("dhcpReservations/");
        for (DhcpdLab.Server s : dhcpd.servers()) {
            assertThat(Files.readString(s.conf()).split("host printer-1 ", -1)).as("one host on %s", s.label()).hasSize(2);
        }
        // The servers are the truth: a sync reads the values back from both configs and changes nothing.
        syncAll();
        assertThat(rest("GET", dhcpdSecondReservation, null).body().path("result").path("dhcpReservation").path("serverName").asText())
                .isEqualTo("boot.example.org");
        // What the collection compares before deciding to PUT: every field, "" for none.
        JsonNode r = rest("GET", dhcpdReservation, null).body().path("result").path("dhcpReservation");
        assertThat(r.path("ddnsHostName").asText()).isEqualTo("printer-1.example.org");
        assertThat(r.path("nextServer").asText()).isEqualTo(DHCPD_NET + ".2");
        assertThat(r.path("addresses").get(0).asText()).isEqualTo(DHCPD_NET + ".150");
    }

    @Test
    @Order(2)
    void dhcpd_ipamRecord_ofTheReservedAddress_listsBothInstancesReservations_andOfAPoolAddressTheServersLeases() {
        JsonNode rec = rest("GET", "ipamRecords/" + DHCPD_NET + ".150", null).body().path("result").path("ipamRecord");
        assertThat(rec.path("address").asText()).isEqualTo(DHCPD_NET + ".150");
        assertThat(rec.path("state").asText()).isEqualTo("Reserved");
        assertThat(rec.path("rangeRef").asText()).isEqualTo(dhcpdRange);
        assertThat(rec.path("dhcpScopes")).hasSize(2);
        assertThat(texts(rec.path("dhcpReservations"), "ref")).containsExactlyInAnyOrder(dhcpdReservation, dhcpdSecondReservation);
        assertThat(rec.path("dhcpReservations").get(0).path("addresses").get(0).asText()).isEqualTo(DHCPD_NET + ".150");
        // dhcpd in failover writes each pool address to its leases file (free on the primary, backup on the secondary): read
        // through each server's agent.
        JsonNode pool = rest("GET", "ipamRecords/" + DHCPD_NET + ".20", null).body().path("result").path("ipamRecord");
        assertThat(pool.path("state").asText()).isEqualTo("InPool");
        assertThat(pool.path("inPool").asBoolean()).isTrue();
        assertThat(pool.path("dhcpReservations")).isEmpty();
        assertThat(pool.path("dhcpLeases")).isNotEmpty().allSatisfy(l -> assertThat(l.path("state").asText()).isIn("free", "backup"));
        // Outside every range: a record of nothing, not an error.
        JsonNode outside = rest("GET", "ipamRecords/203.0.113.9", null).body().path("result").path("ipamRecord");
        assertThat(outside.path("state").asText()).isEqualTo("Free");
        assertThat(outside.path("rangeRef").isNull()).isTrue();
        TestCentral.Answer bad = rest("GET", "ipamRecords/198.19.222.300", null);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().path("error").path("message").asText()).contains("address");
    }

    @Test
    @Order(3)
    void dhcpd_put_micetroPropertiesList_editsTheHostOnBothPeersInPlace() throws Exception {
        String body = "{\"ref\":\"" + dhcpdReservation + "\",\"saveComment\":\"Ansible API\",\"deleteUnspecified\":false,\"properties\":["
                + "{\"name\":\"name\",\"value\":\"printer-1\"},{\"name\":\"clientIdentifier\",\"value\":\"00:11:22:33:44:55\"},"
                + "{\"name\":\"addresses\",\"value\":\"" + DHCPD_NET + ".150\"},{\"name\":\"filename\",\"value\":\"grub.efi\"},"
                + "{\"name\":\"serverName\",\"value\":\"\"},{\"name\":\"nextServer\",\"value\":\"" + DHCPD_NET + ".3\"}]}";
        TestCentral.Answer put = rest("PUT", dhcpdReservation, body);
        assertThat(put.status()).as(put.text()).isEqualTo(204);
        for (DhcpdLab.Server s : dhcpd.servers()) {
            assertThat(hostBlock(s, "printer-1")).contains("filename \"grub.efi\";").contains("next-server " + DHCPD_NET + ".3;")
                    .doesNotContain("server-name").contains("ddns-hostname \"printer-1.example.org\";");
        }
        JsonNode after = rest("GET", dhcpdSecondReservation, null).body().path("result").path("dhcpReservation");
        assertThat(after.path("filename").asText()).as("the other instance's reservation follows").isEqualTo("grub.efi");
        assertThat(after.path("serverName").asText()).isEmpty();
        // A hostile value is refused naming its field, before any server is asked.
        TestCentral.Answer hostile = rest("PUT", dhcpdReservation, "{\"properties\":[{\"name\":\"filename\",\"value\":\"a\\\"; } evil {\"}]}");
        assertThat(hostile.status()).isEqualTo(400);
        assertThat(hostile.body().path("error").path("message").asText()).startsWith("properties.filename");
    }

    @Test
    @Order(4)
    void dhcpd_deleteEachInstancesReservation_bothSucceed_andTheHostLeavesBothPeers() throws Exception {
        TestCentral.Answer first = rest("DELETE", dhcpdReservation, "{\"saveComment\":\"Ansible API\"}");
        assertThat(first.status()).as(first.text()).isEqualTo(204);
        for (DhcpdLab.Server s : dhcpd.servers()) {
            assertThat(Files.readString(s.conf())).doesNotContain("printer-1");
        }
        TestCentral.Answer second = rest("DELETE", dhcpdSecondReservation, "{\"saveComment\":\"Ansible API\"}");
        assertThat(second.status()).as("removed with its pair: success").isEqualTo(204);
        TestCentral.Answer never = rest("DELETE", "dhcpReservations/987654", null);
        assertThat(never.status()).as("never existed: not found").isEqualTo(404);
    }

    // ------------------------------------------------------------------ reservations on the Kea pair

    private static String keaReservation;
    private static String keaSecondReservation;

    @Test
    @Order(5)
    void kea_createOnEachInstance_putAndDeleteTwice_reachBothPeersConfigs() {
        List<String> scopes = scopeRefsOf(keaRange);
        assertThat(scopes).hasSize(2);
        String body = reservationBody("printer-2", "00:11:22:33:44:66", KEA_NET + ".150");
        TestCentral.Answer first = rest("POST", scopes.get(0) + "/dhcpReservations", body);
        assertThat(first.status()).as(first.text()).isEqualTo(201);
        keaReservation = first.body().path("result").path("ref").asText();
        for (KeaClient c : List.of(keaA, keaB)) {
            KeaReservation r = reservation(c, KEA_NET + ".150").orElseThrow();
            assertThat(r.hostname()).isEqualTo("printer-1.example.org");
            assertThat(r.bootFileName()).isEqualTo("pxelinux.0");
            assertThat(r.serverHostname()).isEqualTo("boot.example.org");
            assertThat(r.nextServer()).isEqualTo(DHCPD_NET + ".2");
        }
        TestCentral.Answer second = rest("POST", scopes.get(1) + "/dhcpReservations", body);
        assertThat(second.status()).as(second.text()).isEqualTo(200);
        keaSecondReservation = second.body().path("result").path("ref").asText();
        syncAll();
        JsonNode synced = rest("GET", keaSecondReservation, null).body().path("result").path("dhcpReservation");
        assertThat(synced.path("filename").asText()).as("read back by the sync, same ref").isEqualTo("pxelinux.0");
        assertThat(synced.path("ddnsHostName").asText()).isEqualTo("printer-1.example.org");

        TestCentral.Answer put = rest("PUT", keaReservation, "{\"properties\":{\"filename\":\"grub.efi\",\"serverName\":\"\"}}");
        assertThat(put.status()).as(put.text()).isEqualTo(204);
        for (KeaClient c : List.of(keaA, keaB)) {
            KeaReservation r = reservation(c, KEA_NET + ".150").orElseThrow();
            assertThat(r.bootFileName()).isEqualTo("grub.efi");
            assertThat(r.serverHostname()).isNull();
            assertThat(r.hostname()).as("not asked, kept").isEqualTo("printer-1.example.org");
        }
        // JSON-RPC too: ModifyDHCPReservation with Micetro's ref and properties.
        JsonNode modified = rpc.call("ModifyDHCPReservation", "{\"ref\":\"" + keaReservation + "\",\"properties\":{\"nextServer\":\"" + KEA_NET + ".4\"}}");
        assertThat(modified.path("dryRun").asBoolean()).isFalse();
        assertThat(reservation(keaB, KEA_NET + ".150").orElseThrow().nextServer()).isEqualTo(KEA_NET + ".4");

        assertThat(rest("DELETE", keaSecondReservation, null).status()).isEqualTo(204);
        assertThat(reservation(keaA, KEA_NET + ".150")).isEmpty();
        assertThat(reservation(keaB, KEA_NET + ".150")).isEmpty();
        assertThat(rest("DELETE", keaReservation, null).status()).as("removed with its pair: success").isEqualTo(204);
    }

    // ------------------------------------------------------------------ address records with leases, next free address

    @Test
    @Order(6)
    void kea_ipamRecordOfALeasedAddress_andNextFreeAddress_skipReservationsLeasesAndWithExcludeDhcpPools() {
        String reserved = rest("POST", scopeRefsOf(keaRange).get(0) + "/dhcpReservations",
                reservationBody("gw-printer", "00:11:22:33:44:77", KEA_NET + ".1")).body().path("result").path("ref").asText();
        ObjectNode lease = KeaClient.mapper().createObjectNode().put("ip-address", KEA_NET + ".2").put("hw-address", "00:11:22:33:44:88")
                .put("valid-lft", 3600);
        keaA.ok("lease4-add", lease, false);
        try {
            JsonNode rec = rest("GET", "ipamRecords/" + KEA_NET + ".2", null).body().path("result").path("ipamRecord");
            assertThat(rec.path("state").asText()).isEqualTo("Leased");
            assertThat(rec.path("dhcpLeases")).singleElement().satisfies(l -> {
                assertThat(l.path("dhcpServer").asText()).isEqualTo(kea.node(0).name());
                assertThat(l.path("clientIdentifier").asText()).isEqualTo("00:11:22:33:44:88");
                assertThat(l.path("state").asText()).isEqualTo("assigned");
            });
            JsonNode viaRpc = rpc.call("GetIPAMRecord", "{\"addrRef\":\"IPAMRecords/" + KEA_NET + ".1\"}").path("ipamRecord");
            assertThat(viaRpc.path("state").asText()).isEqualTo("Reserved");

            // .0 is the network, .1 reserved, .2 leased.
            assertThat(nextFree(keaRange, "")).isEqualTo(KEA_NET + ".3");
            assertThat(nextFree(keaRange, "?startAddress=" + KEA_NET + ".10")).as("pools count without excludeDHCP").isEqualTo(KEA_NET + ".10");
            // The collection's freeip lookup: excludeDHCP=1 in the query, its arguments again in a GET body.
            assertThat(nextFree(keaRange, "?excludeDHCP=1&startAddress=" + KEA_NET + ".10")).isEqualTo(KEA_NET + ".110");
            TestCentral.Answer withBody = rest("GET", keaRange + "/nextFreeAddress?excludeDHCP=1",
                    "{\"temporaryClaimTime\":0,\"ping\":0,\"excludeDHCP\":1,\"startAddress\":\"" + KEA_NET + ".50\"}");
            assertThat(withBody.body().path("result").path("address").asText()).isEqualTo(KEA_NET + ".110");
            TestCentral.Answer claim = rest("GET", keaRange + "/nextFreeAddress?temporaryClaimTime=60", null);
            assertThat(claim.status()).isEqualTo(400);
            assertThat(claim.body().path("error").path("message").asText()).contains("temporaryClaimTime");
            JsonNode viaRpcFree = rpc.call("GetNextFreeAddress", "{\"rangeRef\":\"" + keaRange + "\"}");
            assertThat(viaRpcFree.path("address").asText()).isEqualTo(KEA_NET + ".3");
            // The dhcpd pair's range reads both servers' leases files.
            assertThat(nextFree(dhcpdRange, "?excludeDHCP=true")).isEqualTo(DHCPD_NET + ".1");
        } finally {
            keaA.ok("lease4-del", KeaClient.mapper().createObjectNode().put("ip-address", KEA_NET + ".2"), true);
            rest("DELETE", reserved, null);
        }
    }

    // ------------------------------------------------------------------ users, roles, groups, property definitions

    @Test
    @Order(7)
    void users_postWithMicetroFields_listAnswersThem_putPropertiesChangesThem_rolesAndGroupsAreReadOnlyLists() {
        JsonNode roles = rest("GET", "roles", null).body().path("result");
        assertThat(texts(roles.path("roles"), "name")).containsExactly("Administrator", "ReadOnly");
        assertThat(rest("GET", "groups", null).body().path("result").path("totalResults").asInt()).isZero();
        String readOnlyRef = roles.path("roles").get(1).path("ref").asText();

        TestCentral.Answer created = rest("POST", "users", "{\"saveComment\":\"Ansible API\",\"user\":{\"name\":\"ansible-op\","
                + "\"password\":\"ansible-op-password-1\",\"fullName\":\"Ansible Operator\",\"description\":null,\"email\":\"op@example.org\","
                + "\"authenticationType\":\"Internal\",\"groups\":[],\"roles\":[{\"ref\":\"" + readOnlyRef + "\",\"objType\":\"Roles\","
                + "\"name\":\"ReadOnly\"}]}}");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String ref = created.body().path("result").path("ref").asText();
        JsonNode user = user("ansible-op");
        assertThat(user.path("fullName").asText()).isEqualTo("Ansible Operator");
        assertThat(user.path("email").asText()).isEqualTo("op@example.org");
        assertThat(user.path("authenticationType").asText()).isEqualTo("Internal");
        assertThat(texts(user.path("roles"), "name")).containsExactly("ReadOnly");
        assertThat(user.path("groups")).isEmpty();

        TestCentral.Answer put = rest("PUT", ref, "{\"ref\":\"" + ref + "\",\"saveComment\":\"Ansible API\",\"properties\":["
                + "{\"name\":\"name\",\"value\":\"ansible-op\"},{\"name\":\"password\",\"value\":\"ansible-op-password-2\"},"
                + "{\"name\":\"fullName\",\"value\":\"Ansible Operator II\"},{\"name\":\"authenticationType\",\"value\":\"Internal\"}]}");
        assertThat(put.status()).as(put.text()).isEqualTo(204);
        assertThat(user("ansible-op").path("fullName").asText()).isEqualTo("Ansible Operator II");
        assertThat(central.login("ansible-op", "ansible-op-password-2")).isNotEmpty();
        // The collection changes roles one membership at a time: PUT the wanted one, DELETE the one held before.
        String adminRef = roles.path("roles").get(0).path("ref").asText();
        assertThat(rest("PUT", ref + "/roles/" + adminRef.substring(adminRef.indexOf('/') + 1), "{\"saveComment\":\"Ansible API\"}").status())
                .isEqualTo(204);
        assertThat(rest("DELETE", ref + "/roles/" + readOnlyRef.substring(readOnlyRef.indexOf('/') + 1), null).status()).isEqualTo(204);
        assertThat(texts(user("ansible-op").path("roles"), "name")).containsExactly("Administrator");
        assertThat(rest("DELETE", ref + "/roles/Administrator", null).status()).as("its one role").isEqualTo(409);

        TestCentral.Answer radius = rest("POST", "users", "{\"user\":{\"name\":\"radius-op\",\"password\":\"radius-op-password-1\","
                + "\"authenticationType\":\"RADIUS\"}}");
        assertThat(radius.status()).isEqualTo(400);
        assertThat(radius.body().path("error").path("message").asText()).startsWith("user.authenticationType").contains("Internal");
        TestCentral.Answer grouped = rest("POST", "users", "{\"user\":{\"name\":\"group-op\",\"password\":\"group-op-password-1\","
                + "\"groups\":[{\"ref\":\"groups/1\",\"objType\":\"Groups\",\"name\":\"ops\"}]}}");
        assertThat(grouped.status()).isEqualTo(400);
        assertThat(grouped.body().path("error").path("message").asText()).startsWith("user.groups");
        assertThat(rest("DELETE", ref, null).status()).isEqualTo(204);
    }

    @Test
    @Order(8)
    void propertyDefinitions_readOrWritten_answerNotSupported_notNoResource() {
        for (String[] call : List.of(new String[] {"GET", "propertyDefinitions"}, new String[] {"GET", "ranges/propertyDefinitions"},
                new String[] {"POST", "dhcpScopes/propertyDefinitions"})) {
            TestCentral.Answer a = rest(call[0], call[1], call[0].equals("POST") ? "{\"propertyDefinition\":{\"name\":\"owner\"}}" : null);
            assertThat(a.status()).as("%s %s", call[0], call[1]).isEqualTo(400);
            assertThat(a.body().path("error").path("code").asInt()).isNotEqualTo(16544);
            assertThat(a.body().path("error").path("message").asText()).contains("not supported").contains("custom properties");
        }
        assertThat(rpc.error("GetPropertyDefinitions", "{}").path("message").asText()).contains("not supported");
        TestCentral.Answer anonymous = central.send("GET", API + "propertyDefinitions", null, null);
        assertThat(anonymous.status()).as("signed in first").isEqualTo(401);
    }

    @Test
    @Order(9)
    void unversionedMicetroForms_reachTheSameRoutes() {
        TestCentral.Answer rec = central.send("GET", "/mmws/api/IPAMRecords/" + DHCPD_NET + ".20", null, basic);
        assertThat(rec.status()).as(rec.text()).isEqualTo(200);
        assertThat(rec.body().path("result").path("ipamRecord").path("state").asText()).isEqualTo("InPool");
        String rangeId = dhcpdRange.substring(dhcpdRange.indexOf('/') + 1);
        TestCentral.Answer free = central.send("GET", "/mmws/api/Ranges/" + rangeId + "/NextFreeAddress?excludeDHCP=1", null, basic);
        assertThat(free.body().path("result").path("address").asText()).as(free.text()).isEqualTo(DHCPD_NET + ".1");
        assertThat(central.send("GET", "/mmws/api/Roles", null, basic).body().path("result").path("roles")).hasSize(2);
        TestCentral.Answer props = central.send("GET", "/mmws/api/Ranges/PropertyDefinitions", null, basic);
        assertThat(props.status()).isEqualTo(400);
        assertThat(props.body().path("error").path("message").asText()).contains("not supported");
    }

    // ------------------------------------------------------------------ helpers

    private static String reservationBody(String name, String mac, String address) {
        return "{\"saveComment\":\"Ansible API\",\"dhcpReservation\":{\"name\":\"" + name + "\",\"clientIdentifier\":\"" + mac + "\","
                + "\"reservationMethod\":\"HardwareAddress\",\"addresses\":[\"" + address + "\"],\"ddnsHostName\":\"printer-1.example.org\","
                + "\"filename\":\"pxelinux.0\",\"serverName\":\"boot.example.org\",\"nextServer\":\"" + DHCPD_NET + ".2\"}}";
    }

    private static void syncAll() {
        for (JsonNode server : rpc.call("GetDHCPServers", "{}").path("dhcpServers")) {
            rpc.call("SyncDHCPServer", "{\"dhcpServerRef\":\"" + server.path("ref").asText() + "\"}");
        }
    }

    private static TestCentral.Answer rest(String method, String path, String body) {
        return central.send(method, API + path, body, basic);
    }

    private static String nextFree(String rangeRef, String query) {
        TestCentral.Answer a = rest("GET", rangeRef + "/nextFreeAddress" + query, null);
        assertThat(a.status()).as(a.text()).isEqualTo(200);
        return a.body().path("result").path("address").asText();
    }

    private static List<String> scopeRefsOf(String rangeRef) {
        JsonNode range = rest("GET", rangeRef, null).body().path("result").path("range");
        return texts(range.path("dhcpScopes"), "ref");
    }

    private static JsonNode user(String name) {
        for (JsonNode u : rest("GET", "users", null).body().path("result").path("users")) {
            if (u.path("name").asText().equals(name)) {
                return u;
            }
        }
        throw new AssertionError("no user " + name);
    }

    private static List<String> texts(JsonNode list, String field) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.path(field).asText()));
        return out;
    }

    /** The text of the host declaration {@code name} in the server's dhcpd.conf. */
    private static String hostBlock(DhcpdLab.Server s, String name) throws Exception {
        String conf = Files.readString(s.conf());
        int at = conf.indexOf("host " + name + " ");
        assertThat(at).as("host %s on %s:%n%s", name, s.label(), conf).isNotNegative();
        return conf.substring(at, conf.indexOf('}', at) + 1);
    }

    private static Optional<KeaReservation> reservation(KeaClient c, String address) {
        KeaClient.Streamed<KeaConfig> s = c.call("config-get", null, p -> KeaConfig.fromKea(p, Instant.now()));
        s.envelope().requireSuccess(false);
        Ipv4Range net = Ipv4Range.parseCidr("s", KEA_NET + ".0/24");
        return s.value().subnets().stream().filter(x -> x.subnet().equals(net)).map(KeaSubnet::reservations).flatMap(List::stream)
                .filter(r -> r.ipAddress() != null && r.ipAddress().toString().equals(address)).findFirst();
    }
}
