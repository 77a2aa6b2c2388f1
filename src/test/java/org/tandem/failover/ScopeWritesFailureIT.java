package org.tandem.failover;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tandem.agent.LocalAgent;
import org.tandem.central.TestCentral;
import org.tandem.testing.Cleanup;

/**
 * A scope write the server accepts on validation but that fails when applied: a real agent (LocalAgent, real
 * {@code dhcpd -t}) whose restart command fails for one subnet, as a dhcpd that does not come back would. The
 * agent puts the old file back, the engine reports the server and the cause, and the store is unchanged.
 */
class ScopeWritesFailureIT {

    private static LocalAgent agent;
    private static TestCentral central;
    private static String session;

    @BeforeAll
    static void start() {
        agent = LocalAgent.start("! grep -q 'subnet 10.66.0.0' dhcpd.conf");
        central = new TestCentral();
        session = central.adminSession();
        call("AddDHCPServer", "\"dhcpServer\":" + agent.serverJson("flaky"));
    }

    @AfterAll
    static void stop() throws Exception {
        Cleanup.close(central, agent);
    }

    @Test
    void addScope_serverFailsToRestart_answerNamesServerAndCause_configAndStoreUnchanged() {
        String range = call("AddRange", "\"range\":{\"subnet\":\"10.66.0.0/24\"}").path("result").path("ref").asText();
        long scopes = call("GetDHCPScopes", "").path("result").path("totalResults").asLong();
        long history = call("GetChangeHistory", "").path("result").path("totalResults").asLong();

        JsonNode answer = call("AddDHCPScope", "\"dhcpScope\":{\"rangeRef\":\"" + range + "\",\"dhcpServerRef\":\"flaky\"},"
                + "\"dhcpAddressPools\":[{\"from\":\"10.66.0.10\",\"to\":\"10.66.0.20\"}]");

        assertThat(answer.path("error").path("message").asText()).contains("flaky").containsIgnoringCase("restart");
        assertThat(agent.confText()).isEqualTo(LocalAgent.INITIAL);
        assertThat(call("GetDHCPScopes", "").path("result").path("totalResults").asLong()).isEqualTo(scopes);
        assertThat(call("GetChangeHistory", "").path("result").path("totalResults").asLong()).isEqualTo(history);

        // Another subnet goes through: the failure was that one change, not the server.
        String other = call("AddRange", "\"range\":{\"subnet\":\"10.67.0.0/24\"}").path("result").path("ref").asText();
        JsonNode ok = call("AddDHCPScope", "\"dhcpScope\":{\"rangeRef\":\"" + other + "\",\"dhcpServerRef\":\"flaky\"}");
        assertThat(ok.has("error")).as(ok.toString()).isFalse();
        assertThat(agent.confText()).contains("subnet 10.67.0.0 netmask 255.255.255.0");
    }

    private static JsonNode call(String method, String params) {
        return central.rpc(method, "{\"session\":\"" + session + "\"" + (params.isEmpty() ? "" : "," + params) + "}");
    }
}
