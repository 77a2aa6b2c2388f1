package org.tandem.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.tandem.agent.AgentClient;
import org.tandem.changelog.ChangeEntry;
import org.tandem.failover.FailoverRelationship;
import org.tandem.failover.LiveStates;
import org.tandem.failover.PeerAddresses;
import org.tandem.lab.DhcpdLab;
import org.tandem.lab.LabConfigs;
import org.tandem.scope.AddressBlock;
import org.tandem.scope.DhcpScope;
import org.tandem.servers.DhcpServer;
import org.tandem.store.ListQuery;
import org.tandem.testing.Cleanup;
import org.tandem.testing.RealServers;

/**
 * A real dhcpd 4.4.3 failover pair (DhcpdLab, network namespaces) already configured with a mirrored
 * {@code failover peer}, registered in a Central: import, relationship detection, an edit made through the
 * agent behind Tandem's back, live states, and a cut link between the peers. Ordered: each step builds on the last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DhcpdSyncIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static DhcpdLab lab;
    private static SyncFixture fx;
    private static DhcpServer a;
    private static DhcpServer b;

    @BeforeAll
    static void start() throws Exception {
        RealServers.assumeDhcpd();
        lab = DhcpdLab.start();
        for (DhcpdLab.Server s : lab.servers()) {
            new AgentClient(s.agentUri(), s.agentToken()).writeConfig(LabConfigs.failover(lab, s, ""), null);
        }
        fx = new SyncFixture();
        a = fx.addIsc("dhcpd-a", lab.primary().agentUri(), lab.primary().agentToken());
        b = fx.addIsc("dhcpd-b", lab.secondary().agentUri(), lab.secondary().agentToken());
    }

    @AfterAll
    static void stop() throws Exception {
        Cleanup.close(fx, lab);
    }

    private static String subnet() {
        return lab.subnetPrefix();
    }

    @Test
    @Order(1)
    void register_pairWithMirroredPeer_importsScopesPoolsAndDetectsRelationship() throws Exception {
        FailoverRelationship r = SyncFixture.await("relationship " + LabConfigs.RELATIONSHIP + " with its scope", DEADLINE, () ->
                fx.central.failoverRelationships().findByName(LabConfigs.RELATIONSHIP).filter(x -> x.scopeIds().size() == 1).orElse(null));
        assertThat(r.primaryServerId()).isEqualTo(a.id());
        assertThat(r.secondaryServerId()).isEqualTo(b.id());
        assertThat(r.state()).isEqualTo(FailoverRelationship.State.Normal);
        assertThat(r.failoverMode()).isEqualTo(FailoverRelationship.Mode.LoadBalance);
        assertThat(r.mclt()).isEqualTo(30);
        assertThat(r.maxResponseDelay()).isEqualTo(10);
        for (DhcpServer s : List.of(a, b)) {
            DhcpScope scope = scopeOf(s).orElseThrow();
            assertThat(scope.addresses().first().toString()).isEqualTo(subnet() + ".0");
            assertThat(pools(scope)).containsExactly(subnet() + ".100-" + subnet() + ".199");
            // The relationship lists the primary's instance of each scope, as the failover writes do.
            if (s.id() == r.primaryServerId()) {
                assertThat(r.scopeIds()).containsExactly(scope.id());
            }
            assertThat(fx.central.servers().get("s", s.ref()).state()).isEqualTo("OK");
        }
        assertThat(new PeerAddresses(fx.central.database().jdbi()).find(r.id())).contains(
                new PeerAddresses.Pair(lab.primary().address(), lab.secondary().address()));
        // The failover engine plans from what was imported: a modify changes only what it says.
        var plan = fx.rpc.call("ModifyDHCPFailoverRelationship", fx.rpc.params().put("dryRun", true)
                .set("dhcpFailoverRelationship", fx.rpc.params().put("name", LabConfigs.RELATIONSHIP).put("mclt", 45)));
        String diffs = plan.path("changes").toString();
        assertThat(diffs).contains("+  mclt 45;").doesNotContain("+  address").doesNotContain("+  peer address");
        // A second sync finds the same relationship and adds nothing.
        fx.rpc.call("SyncDHCPServer", fx.rpc.params().put("dhcpServerRef", b.ref()));
        assertThat(fx.central.failoverRelationships().list(null)).hasSize(1);
    }

    @Test
    @Order(2)
    void externalEdit_throughAgent_isPickedUpByNextSyncWithSystemChangeLogEntry() throws Exception {
        String extra = "    range " + subnet() + ".200 " + subnet() + ".209;\n";
        for (DhcpdLab.Server s : lab.servers()) {
            new AgentClient(s.agentUri(), s.agentToken()).writeConfig(LabConfigs.failover(lab, s, extra), null);
        }
        var outcome = fx.rpc.call("SyncDHCPServer", fx.rpc.params().put("dhcpServerRef", a.ref()));
        assertThat(outcome.path("created").asInt()).isEqualTo(1);
        assertThat(pools(scopeOf(a).orElseThrow())).contains(subnet() + ".200-" + subnet() + ".209");
        List<ChangeEntry> history = fx.central.changeLog().history(new ListQuery(null, 0, 1000, null, false)).items();
        assertThat(history).anySatisfy(e -> {
            assertThat(e.userName()).isEqualTo("tandem");
            assertThat(e.objectType()).isEqualTo(AddressBlock.Kind.POOL.objType);
            assertThat(e.afterJson()).contains(subnet() + ".200");
        });
    }

    @Test
    @Order(3)
    void statePuller_healthyPair_reportsNormalForBothPeers() throws Exception {
        for (DhcpServer s : List.of(a, b)) {
            SyncFixture.await(s.name() + " normal", DEADLINE, () -> fx.central.liveStates().get(s.id(), LabConfigs.RELATIONSHIP)
                    .filter(x -> "normal".equals(x.localState()) && x.reachable()).orElse(null));
        }
        var answer = fx.rpc.call("GetDHCPFailoverPeerStates", fx.rpc.params().put("dhcpFailoverRelationshipName", LabConfigs.RELATIONSHIP));
        assertThat(answer.path("totalResults").asInt()).isEqualTo(2);
    }

    @Test
    @Order(4)
    void linkDown_betweenPeers_showsCommunicationsInterruptedThenRecovers() throws Exception {
        DhcpdLab.Server sb = lab.secondary();
        ip("-n", sb.namespace(), "link", "set", sb.iface(), "down");
        try {
            // dhcpd notices after max-response-delay (10 s in the lab config); the puller within two polls more.
            LiveStates.PeerState cut = SyncFixture.await("primary in communications-interrupted", DEADLINE, () ->
                    fx.central.liveStates().get(a.id(), LabConfigs.RELATIONSHIP)
                            .filter(x -> "communications-interrupted".equals(x.localState())).orElse(null));
            assertThat(cut.reachable()).isTrue();
            assertThat(fx.central.liveStates().get(b.id(), LabConfigs.RELATIONSHIP).orElseThrow().reachable()).isFalse();
        } finally {
            ip("-n", sb.namespace(), "link", "set", sb.iface(), "up");
        }
        for (DhcpServer s : List.of(a, b)) {
            SyncFixture.await(s.name() + " back to normal", DEADLINE, () -> fx.central.liveStates().get(s.id(), LabConfigs.RELATIONSHIP)
                    .filter(x -> "normal".equals(x.localState()) && x.reachable()).orElse(null));
        }
    }

    private static Optional<DhcpScope> scopeOf(DhcpServer s) {
        return fx.central.scopes().scopes(ListQuery.all()).items().stream().filter(x -> x.serverId() == s.id()).findFirst();
    }

    private static List<String> pools(DhcpScope scope) {
        return fx.central.scopes().blocks(AddressBlock.Kind.POOL, "scope", scope.ref(), ListQuery.all()).items().stream()
                .map(AddressBlock::name).toList();
    }

    private static void ip(String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "ip";
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + new String(p.getInputStream().readAllBytes())).isZero();
    }
}
