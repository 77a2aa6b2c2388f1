package org.tandem.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.tandem.agent.AgentApi;
import org.tandem.agent.AgentClient;
import org.tandem.agent.AgentError;
import org.tandem.agent.AgentServer;
import org.tandem.common.UserError;
import org.tandem.dhcpd.DhcpdFailoverState;
import org.tandem.omapi.FailoverStatus;
import org.tandem.omapi.OmapiClient;
import org.tandem.omapi.OmapiException;
import org.tandem.testing.RealServers;

/**
 * A real dhcpd 4.4.3 failover pair in two network namespaces (DhcpdLab), configured only through
 * two Tandem agents and observed through the OMAPI client. The order matters: the pair is brought
 * to normal, then one peer is stopped, then the survivor is put in partner-down.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DhcpdFailoverPairIT {

    private static final Duration STATE_DEADLINE = Duration.ofSeconds(60);
    private static DhcpdLab lab;
    private static AgentClient agentA;
    private static AgentClient agentB;

    @BeforeAll
    static void startLab() throws Exception {
        RealServers.assumeDhcpd();
        lab = DhcpdLab.start();
        agentA = new AgentClient(lab.primary().agentUri(), lab.primary().agentToken());
        agentB = new AgentClient(lab.secondary().agentUri(), lab.secondary().agentToken());
    }

    @AfterAll
    static void stopLab() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    @Order(1)
    void agent_wrongToken_isRefusedAndConfigUntouched() throws Exception {
        byte[] before = Files.readAllBytes(lab.primary().conf());
        AgentClient intruder = new AgentClient(lab.primary().agentUri(), lab.secondary().agentToken());
        assertThatThrownBy(() -> intruder.writeConfig(lab.baseConfig() + "# intruder\n", null))
                .isInstanceOfSatisfying(UserError.class, e -> assertThat(e.kind()).isEqualTo(UserError.Kind.AUTHENTICATION));
        assertThatThrownBy(intruder::readConfig).isInstanceOf(UserError.class);
        assertThat(Files.readAllBytes(lab.primary().conf())).isEqualTo(before);
    }

    @Test
    @Order(2)
    void agent_invalidConfig_isRefusedWithDhcpdsMessageAndFileIsByteIdentical() throws Exception {
        byte[] before = Files.readAllBytes(lab.primary().conf());
        String broken = LabConfigs.failover(lab, lab.primary(), "    range " + lab.subnetPrefix() + ".300;\n");
        assertThatThrownBy(() -> agentA.writeConfig(broken, null))
                .isInstanceOfSatisfying(AgentError.class, e -> assertThat(e.kind()).isEqualTo(UserError.Kind.SERVER_REFUSED))
                .hasMessageContaining(lab.primary().conf() + " line ");
        assertThat(Files.readAllBytes(lab.primary().conf())).isEqualTo(before);
        assertThat(agentA.health().dhcpdRunning()).isTrue();
    }

    @Test
    @Order(3)
    void agent_restartCommandFails_restoresPreviousFileAndDhcpdKeepsRunning() throws Exception {
        DhcpdLab.Server a = lab.primary();
        byte[] before = Files.readAllBytes(a.conf());
        String restart = "grep -q FAILRESTART '" + a.conf() + "' && { echo 'restart refused by policy'; exit 3; }; exec '"
                + a.restartScript() + "'";
        try (AgentServer flaky = new AgentServer(lab.agentSettings(a, restart, a.agentToken()), Clock.systemUTC()).start()) {
            AgentClient c = new AgentClient(java.net.URI.create("http://127.0.0.1:" + flaky.port()), a.agentToken());
            assertThatThrownBy(() -> c.writeConfig(lab.baseConfig() + "# FAILRESTART\n", null))
                    .isInstanceOfSatisfying(AgentError.class, e -> assertThat(e.details())
                            .containsEntry("restored", true).containsEntry("runningAfterRestore", true))
                    .hasMessageContaining("exit code 3");
        }
        assertThat(Files.readAllBytes(a.conf())).isEqualTo(before);
        // dhcpd answers OMAPI (greeting and key) on the restored config.
        lab.omapi(a).close();
    }

    @Test
    @Order(4)
    void agent_configDhcpdCannotRunOn_isRolledBackAndDhcpdRunsAgain() throws Exception {
        DhcpdLab.Server a = lab.primary();
        byte[] before = Files.readAllBytes(a.conf());
        // Passes dhcpd -t, but no subnet matches the interface, so the real dhcpd exits at start.
        String wrongSubnet = lab.baseConfig().replace("subnet " + lab.subnetPrefix() + ".0", "subnet 198.51.100.0");
        try (AgentServer quick = new AgentServer(lab.agentSettings(a, a.restartScript().toString(), a.agentToken(),
                Duration.ofSeconds(6)), Clock.systemUTC()).start()) {
            AgentClient c = new AgentClient(java.net.URI.create("http://127.0.0.1:" + quick.port()), a.agentToken());
            assertThatThrownBy(() -> c.writeConfig(wrongSubnet, null))
                    .isInstanceOfSatisfying(AgentError.class, e -> assertThat(e.details())
                            .containsEntry("restored", true).containsEntry("runningAfterRestore", true))
                    .hasMessageContaining("not running");
        }
        assertThat(Files.readAllBytes(a.conf())).isEqualTo(before);
        assertThat(agentA.health().dhcpdRunning()).isTrue();
    }

    @Test
    @Order(5)
    void failoverConfigsWrittenThroughAgents_bringBothPeersToNormal() throws Exception {
        AgentApi.ConfigView current = agentA.readConfig();
        agentA.writeConfig(LabConfigs.failover(lab, lab.primary(), ""), current.sha256());
        agentB.writeConfig(LabConfigs.failover(lab, lab.secondary(), ""), agentB.readConfig().sha256());

        FailoverStatus a = awaitState(lab.primary(), FailoverStatus::bothNormal);
        FailoverStatus b = awaitState(lab.secondary(), FailoverStatus::bothNormal);
        assertThat(a.role()).isEqualTo(FailoverStatus.Role.PRIMARY);
        assertThat(b.role()).isEqualTo(FailoverStatus.Role.SECONDARY);
        assertThat(a.mcltSeconds()).isEqualTo(30L);

        AgentApi.FailoverStateView viaAgent = agentB.failoverState(LabConfigs.RELATIONSHIP);
        assertThat(viaAgent.localState()).isEqualTo(DhcpdFailoverState.NORMAL);
        assertThat(viaAgent.role()).isEqualTo("secondary");
        assertThatThrownBy(() -> agentB.failoverState("no-such-relationship"))
                .isInstanceOfSatisfying(UserError.class, e -> assertThat(e.kind()).isEqualTo(UserError.Kind.NOT_FOUND))
                .hasMessageContaining("no-such-relationship");
        // Pool balancing after "normal" hands half the free leases to the secondary (state backup);
        // the primary's lease file shows it once dhcpd has written the records.
        AgentApi.LeasesView leases = poll(agentA::leases,
                l -> l.leases().stream().anyMatch(x -> x.bindingState().equals("backup")));
        assertThat(leases.leases()).hasSize(100);
        assertThat(leases.leases()).extracting(AgentApi.LeaseView::bindingState).contains("free", "backup");
    }

    @Test
    @Order(6)
    void stoppingOnePeer_showsCommunicationsInterruptedOnTheOther() throws Exception {
        lab.stopDhcpd(lab.secondary());
        FailoverStatus a = awaitState(lab.primary(), s -> s.localState() == DhcpdFailoverState.COMMUNICATIONS_INTERRUPTED);
        assertThat(a.partnerState()).isNotEqualTo(DhcpdFailoverState.COMMUNICATIONS_INTERRUPTED);
        assertThat(agentB.health().dhcpdRunning()).isFalse();
    }

    @Test
    @Order(7)
    void partnerDownThroughAgent_movesSurvivorToPartnerDownAndLeaseFileRecordsIt() throws Exception {
        AgentApi.FailoverStateView after = agentA.partnerDown(LabConfigs.RELATIONSHIP);
        assertThat(after.localState()).isEqualTo(DhcpdFailoverState.PARTNER_DOWN);
        assertThat(awaitState(lab.primary(), s -> s.localState() == DhcpdFailoverState.PARTNER_DOWN).localState())
                .isEqualTo(DhcpdFailoverState.PARTNER_DOWN);
        AgentApi.LeasesView leases = poll(agentA::leases, l -> l.failoverStates().stream()
                .anyMatch(r -> r.relationship().equals(LabConfigs.RELATIONSHIP) && r.myState() == DhcpdFailoverState.PARTNER_DOWN));
        assertThat(leases.failoverStates()).extracting(AgentApi.PeerStateView::myState).contains(DhcpdFailoverState.PARTNER_DOWN);
    }

    /** Calls {@code read} until {@code until} holds or the deadline passes; returns the last answer. */
    private static <T> T poll(java.util.function.Supplier<T> read, Predicate<T> until) throws InterruptedException {
        Instant end = Instant.now().plus(STATE_DEADLINE);
        T last = read.get();
        while (!until.test(last) && Instant.now().isBefore(end)) {
            Thread.sleep(250);
            last = read.get();
        }
        return last;
    }

    /** Polls OMAPI on {@code s} until {@code until} holds, or fails with the last state and the log. */
    private static FailoverStatus awaitState(DhcpdLab.Server s, Predicate<FailoverStatus> until) throws InterruptedException {
        Instant end = Instant.now().plus(STATE_DEADLINE);
        FailoverStatus last = null;
        String lastError = null;
        while (Instant.now().isBefore(end)) {
            try (OmapiClient c = lab.omapi(s)) {
                last = c.failoverState(LabConfigs.RELATIONSHIP);
                if (until.test(last)) {
                    return last;
                }
            } catch (OmapiException e) {
                lastError = e.getMessage();
            }
            Thread.sleep(250);
        }
        throw new AssertionError("server " + s.label() + " did not reach the expected state within " + STATE_DEADLINE.toSeconds()
                + " s; last state " + last + ", last error " + lastError + "\nlog:\n" + DhcpdLab.tail(s.log()));
    }
}
