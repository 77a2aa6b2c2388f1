package org.tandem.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.tandem.central.CentralConfig;
import org.tandem.central.TestCentral;
import org.tandem.lab.DhcpdLab;
import org.tandem.testing.Cleanup;
import org.tandem.testing.RealServers;

/**
 * The agent of the second server of a two-server failover change (the primary; the engine applies the
 * secondary first) fails in the middle of the change, on a real dhcpd pair: killed with SIGKILL, the
 * change fails at once naming that server and the first server gets its old config back; stopped with
 * SIGSTOP for a few seconds and continued, the change waits for it and completes; stopped for longer than
 * Central's {@code ServerStepTimeout}, the change fails after that time naming the server, and the first server
 * gets its old config back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentFaultIT {

    private static final String REL = "fo-agent";
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final Duration STOPPED_FOR = Duration.ofSeconds(4);
    /** Central's ServerStepTimeout here: well above STOPPED_FOR, far below the 180 s default. */
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(15);

    private static DhcpdLab lab;
    private static AgentProcess agentA;
    private static TestCentral central;
    private static FailoverCalls api;
    private static String primaryRef;
    private static String toggled;

    @BeforeAll
    static void start() throws Exception {
        RealServers.assumeDhcpd();
        lab = DhcpdLab.start();
        agentA = new AgentProcess(lab, lab.primary());
        agentA.start();
        CentralConfig defaults = CentralConfig.defaults();
        central = new TestCentral(new CentralConfig(defaults.dhcpSyncInterval(), defaults.sessionTimeout(), defaults.maxRequestBytes(),
                defaults.failoverStatePollInterval(), defaults.sessionMaxAge(), defaults.tls(), STEP_TIMEOUT));
        api = new FailoverCalls((method, params) -> central.rpc(method, params, DEADLINE), () -> "");
        api.login(TestCentral.ADMIN_PASSWORD);
        primaryRef = api.addServer("dhcp-a", agentA.uri().getPort(), lab.primary().agentToken());
        api.addServer("dhcp-b", lab.secondary().agentUri().getPort(), lab.secondary().agentToken());
        api.addRelationship(REL, lab);
        String always = api.scopeWithPool(primaryRef, "198.19.220.0/24", "198.19.220.10", "198.19.220.99");
        api.call("AddDHCPScopesToDHCPFailoverRelationship", FailoverCalls.scopeParams(primaryRef, REL, always, ""));
        toggled = api.scopeWithPool(primaryRef, "198.19.221.0/24", "198.19.221.10", "198.19.221.99");
    }

    @AfterAll
    static void stop() throws Exception {
        Cleanup.close(central, agentA, lab);
    }

    @Test
    @Order(1)
    void secondServersAgentKilled_changeFailsNamingIt_firstServerRolledBack() throws Exception {
        String a0 = Files.readString(lab.primary().conf());
        String b0 = Files.readString(lab.secondary().conf());
        Instant t0 = Instant.now();
        CompletableFuture<JsonNode> answer = addToggled();
        awaitChanged(lab.secondary(), b0);
        Instant killed = Instant.now();
        agentA.kill();
        JsonNode result = answer.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        Instant answered = Instant.now();

        assertThat(result.has("error")).as("answer: " + result).isTrue();
        assertThat(Duration.between(killed, answered)).as("answer after the kill (rollback of the first server included)")
                .isLessThan(Duration.ofSeconds(30));
        String message = result.path("error").path("message").asText();
        assertThat(message).contains("\"dhcp-a\"").contains("Rolled back \"dhcp-b\"");
        assertThat(Files.readString(lab.secondary().conf())).isEqualTo(b0);
        assertThat(Files.readString(lab.primary().conf())).isEqualTo(a0);
        lab.awaitNormal(lab.secondary(), REL, DEADLINE);
        System.out.println("AgentFaultIT killed: first server written after " + Duration.between(t0, killed).toMillis()
                + " ms, agent SIGKILLed, answer " + Duration.between(killed, answered).toMillis() + " ms later: " + message);

        agentA.start();
    }

    @Test
    @Order(2)
    void secondServersAgentStoppedForSeconds_changeWaitsAndCompletes() throws Exception {
        String b0 = Files.readString(lab.secondary().conf());
        Instant t0 = Instant.now();
        CompletableFuture<JsonNode> answer = addToggled();
        awaitChanged(lab.secondary(), b0);
        agentA.pause();
        Instant stopped = Instant.now();
        // The injected fault itself: the agent hangs this long.
        Thread.sleep(STOPPED_FOR.toMillis());
        agentA.resume();
        JsonNode result = answer.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        Instant answered = Instant.now();

        assertThat(result.has("result")).as("answer: " + result).isTrue();
        for (DhcpdLab.Server s : lab.servers()) {
            assertThat(Files.readString(s.conf())).contains("subnet 198.19.221.0 netmask 255.255.255.0");
            lab.awaitNormal(s, REL, DEADLINE);
        }
        System.out.println("AgentFaultIT stopped: agent SIGSTOPped " + Duration.between(t0, stopped).toMillis() + " ms into the change for "
                + STOPPED_FOR.toMillis() + " ms; change answered " + Duration.between(stopped, answered).toMillis()
                + " ms after the stop, applied to both");
    }

    @Test
    @Order(3)
    void secondServersAgentHangs_changeFailsAfterServerStepTimeout_firstServerRolledBack() throws Exception {
        String a0 = Files.readString(lab.primary().conf());
        String b0 = Files.readString(lab.secondary().conf());
        CompletableFuture<JsonNode> answer = CompletableFuture.supplyAsync(() -> api.answer("RemoveDHCPScopesFromDHCPFailoverRelationship",
                FailoverCalls.scopeParams(primaryRef, REL, toggled, "")));
        awaitChanged(lab.secondary(), b0);
        agentA.pause();
        Instant stopped = Instant.now();
        JsonNode result;
        try {
            result = answer.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        } finally {
            agentA.resume();
        }
        Duration waited = Duration.between(stopped, Instant.now());

        assertThat(result.has("error")).as("answer: " + result).isTrue();
        assertThat(waited).as("the hung request is given up after ServerStepTimeout, then dhcp-b is rolled back")
                .isGreaterThanOrEqualTo(STEP_TIMEOUT.minusSeconds(2)).isLessThan(STEP_TIMEOUT.plusSeconds(40));
        assertThat(result.path("error").path("message").asText()).contains("\"dhcp-a\"").contains("Rolled back \"dhcp-b\"");
        assertThat(Files.readString(lab.secondary().conf())).isEqualTo(b0);
        assertThat(Files.readString(lab.primary().conf())).isEqualTo(a0);
        for (DhcpdLab.Server s : lab.servers()) {
            lab.awaitNormal(s, REL, DEADLINE);
        }
        System.out.println("AgentFaultIT hung: agent SIGSTOPped, change answered " + waited.toMillis() + " ms later (ServerStepTimeout "
                + STEP_TIMEOUT.toSeconds() + " s): " + result.path("error").path("message").asText());
    }

    private static CompletableFuture<JsonNode> addToggled() {
        return CompletableFuture.supplyAsync(() -> api.answer("AddDHCPScopesToDHCPFailoverRelationship",
                FailoverCalls.scopeParams(primaryRef, REL, toggled, "")));
    }

    private static void awaitChanged(DhcpdLab.Server s, String before) throws Exception {
        Instant end = Instant.now().plus(DEADLINE);
        while (Files.readString(s.conf()).equals(before)) {
            if (Instant.now().isAfter(end)) {
                throw new AssertionError("server " + s.label() + " was not written within " + DEADLINE.toSeconds() + " s");
            }
            Thread.sleep(20);
        }
    }
}
