package org.tandem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tandem.central.TestCentral;
import org.tandem.kea.client.KeaClient;
import org.tandem.kea.client.KeaEndpoint;
import org.tandem.kea.config.KeaConfig;
import org.tandem.kea.config.KeaHaConfig;
import org.tandem.lab.KeaLab;
import org.tandem.testing.Cleanup;
import org.tandem.testing.CliRun;
import org.tandem.testing.RealServers;

/**
 * {@code failover add|modify} with the Kea HA timing options on a real Kea 2.2 pair on loopback (KeaLab, no HA at
 * first): the dry run shows both peers' diffs and writes nothing, the real write puts the values in both peers' HA
 * blocks, and the API reads them back.
 */
class ClientFailoverKeaIT {

    private static final String REL = "cli-kea";
    private static KeaLab lab;
    private static TestCentral central;
    private static KeaClient a;
    private static KeaClient b;


    @BeforeAll
    static void start() throws Exception {
        RealServers.assumeKea();
        lab = KeaLab.start(KeaLab.Options.loopback(KeaLab.HaSetup.NONE));
        central = new TestCentral();
        a = new KeaClient("cli-kea-1", KeaEndpoint.ControlAgent.of(lab.node(0).agentUrl()));
        b = new KeaClient("cli-kea-2", KeaEndpoint.ControlAgent.of(lab.node(1).agentUrl()));
    }

    @AfterAll
    static void stop() throws Exception {
        Cleanup.close(central, lab);
    }

    private static CliRun tandem(String... args) {
        return CliRun.asAdministrator(central, args);
    }

    private static JsonNode relationships() throws Exception {
        TandemClient c = new TandemClient(URI.create(central.base() + "/"), null);
        c.login("administrator", TestCentral.ADMIN_PASSWORD);
        return c.call("GetDHCPFailoverRelationships", (ObjectNode) TandemClient.json().readTree("{}")).path("dhcpFailoverRelationships");
    }

    private static KeaConfig config(KeaClient c) {
        KeaClient.Streamed<KeaConfig> s = c.call("config-get", null, p -> KeaConfig.fromKea(p, Instant.now()));
        s.envelope().requireSuccess(false);
        return s.value();
    }

    private static String[] with(String[] args, String... more) {
        String[] all = Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }

    @Test
    void failoverAddAndModify_keaTimings_dryRunWritesNothing_thenBothPeersAndTheApiHaveThem() throws Exception {
        for (int i = 0; i < 2; i++) {
            CliRun add = tandem("servers", "add", "--name", "cli-kea-" + (i + 1), "--type", "Kea", "--address", "127.0.0.1", "--port",
                    Integer.toString(lab.node(i).agentUrl().getPort()));
            assertThat(add.code()).as(add.err()).isZero();
        }
        String[] add = {"failover", "add", REL, "--primary", "cli-kea-1", "--secondary", "cli-kea-2", "--mode", "LoadBalance",
                "--heartbeat-delay", "2000", "--max-response-delay", "6000", "--max-ack-delay", "1500", "--max-unacked-clients", "2",
                "--auto-failover", "false"};
        String hashA = config(a).hash();
        String hashB = config(b).hash();
        CliRun dry = tandem(with(add, "--dry-run"));
        assertThat(dry.code()).as(dry.err()).isZero();
        assertThat(dry.out().stripTrailing()).endsWith(ClientOptions.DRY_RUN_DONE);
        assertThat(dry.out()).doesNotContain("Added failover relationship").contains("--- cli-kea-1").contains("--- cli-kea-2")
                .containsPattern("\"heartbeat-delay\"\\s*:\\s*2000").containsPattern("\"max-unacked-clients\"\\s*:\\s*2");
        assertThat(config(a).hash()).isEqualTo(hashA);
        assertThat(config(b).hash()).isEqualTo(hashB);
        assertThat(relationships()).isEmpty();

        CliRun added = tandem(add);
        assertThat(added.code()).as(added.err()).isZero();
        assertThat(added.out()).contains("Added failover relationship " + REL + ".").doesNotContain(ClientOptions.DRY_RUN_DONE);
        for (KeaClient c : new KeaClient[] {a, b}) {
            KeaHaConfig ha = config(c).ha().orElseThrow();
            assertThat(ha.heartbeatDelayMs()).isEqualTo(2000);
            assertThat(ha.maxResponseDelayMs()).isEqualTo(6000);
            assertThat(ha.maxAckDelayMs()).isEqualTo(1500);
            assertThat(ha.maxUnackedClients()).isEqualTo(2);
            assertThat(ha.peers()).extracting(KeaHaConfig.Peer::autoFailover).containsOnly(false);
        }
        JsonNode r = relationships().get(0);
        assertThat(r.path("heartbeatDelay").asInt()).isEqualTo(2000);
        assertThat(r.path("maxAckDelay").asInt()).isEqualTo(1500);
        assertThat(r.path("maxUnackedClients").asInt()).isEqualTo(2);
        assertThat(r.path("autoFailover").isBoolean() && !r.path("autoFailover").asBoolean()).as(r.toString()).isTrue();

        CliRun show = tandem("failover", "show", REL, "--server", "cli-kea-2");
        assertThat(show.out()).containsPattern("heartbeat-delay \\(ms\\) +2000").containsPattern("auto-failover +false")
                .doesNotContain("mclt");

        hashA = config(a).hash();
        CliRun dryModify = tandem("failover", "modify", REL, "--heartbeat-delay", "3000", "--auto-failover", "true", "--dry-run");
        assertThat(dryModify.code()).as(dryModify.err()).isZero();
        assertThat(dryModify.out().stripTrailing()).endsWith(ClientOptions.DRY_RUN_DONE);
        assertThat(dryModify.out()).doesNotContain("Modified failover relationship").containsPattern("\\+.*\"heartbeat-delay\"\\s*:\\s*3000");
        assertThat(config(a).hash()).isEqualTo(hashA);

        CliRun modified = tandem("failover", "modify", REL, "--heartbeat-delay", "3000", "--auto-failover", "true");
        assertThat(modified.code()).as(modified.err()).isZero();
        assertThat(modified.out()).contains("Modified failover relationship " + REL + ".");
        KeaHaConfig after = config(b).ha().orElseThrow();
        assertThat(after.heartbeatDelayMs()).isEqualTo(3000);
        assertThat(after.peers()).extracting(KeaHaConfig.Peer::autoFailover).containsOnly(true);
        assertThat(relationships().get(0).path("heartbeatDelay").asInt()).isEqualTo(3000);

        // A dhcpd-only value reaches Central, which refuses it for a Kea pair naming the field; nothing changes.
        CliRun address = tandem("failover", "modify", REL, "--address", "127.0.0.9");
        assertThat(address.code()).isEqualTo(1);
        assertThat(address.err()).startsWith("tandem failover modify: ").contains("primaryAddress").contains("ISC dhcpd failover setting");
    }
}
