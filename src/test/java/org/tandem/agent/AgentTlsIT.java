package org.tandem.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tandem.central.Central;
import org.tandem.central.CentralConfig;
import org.tandem.cli.TandemClient;
import org.tandem.common.UserError;
import org.tandem.lab.DhcpdLab;
import org.tandem.store.Database;
import org.tandem.sync.SyncExtension;
import org.tandem.testing.RealServers;
import org.tandem.tls.ClientTrust;
import org.tandem.tls.ServerIdentity;
import org.tandem.testing.Cleanup;

/**
 * Tandem agents over HTTPS in front of real dhcpd 4.4.3 servers (DhcpdLab): Central, trusting the first agent's
 * self-signed certificate through TrustedCertificates, imports its dhcpd.conf; the second agent presents a certificate
 * Central does not trust and is refused with a message naming the cure.
 */
class AgentTlsIT {

    private static final String PASSWORD = "agent-tls-password";
    private static DhcpdLab lab;
    private static Path dir;
    private static AgentServer trustedAgent;
    private static AgentServer untrustedAgent;
    private static Central central;
    private static TandemClient rpc;

    @BeforeAll
    static void start() throws Exception {
        RealServers.assumeDhcpd();
        dir = Files.createTempDirectory("tandem-agent-tls-");
        lab = DhcpdLab.start();
        // As "tandem agent --tls-self-signed DIR" does: generated on first start, kept in DIR.
        ServerIdentity trusted = ServerIdentity.selfSigned("--tls-self-signed", dir.resolve("agent-a"), Clock.systemUTC());
        ServerIdentity stranger = ServerIdentity.generate(new LinkedHashSet<>(List.of("127.0.0.1")), Instant.now());
        DhcpdLab.Server a = lab.primary();
        DhcpdLab.Server b = lab.secondary();
        trustedAgent = new AgentServer(lab.agentSettings(a, a.restartScript().toString(), a.agentToken()).withTls(trusted), Clock.systemUTC()).start();
        untrustedAgent = new AgentServer(lab.agentSettings(b, b.restartScript().toString(), b.agentToken()).withTls(stranger), Clock.systemUTC()).start();
        CentralConfig config = CentralConfig.load(Files.writeString(dir.resolve("tandem.yaml"),
                "TrustedCertificates: " + dir.resolve("agent-a").resolve(ServerIdentity.CERTIFICATE_FILE) + "\n"));
        central = Central.start(new Central.Options("127.0.0.1", 0, Database.temporaryUrl("agent-tls-" + UUID.randomUUID()), config,
                Clock.systemUTC(), List.of(new SyncExtension()), PASSWORD));
        rpc = new TandemClient(URI.create("http://127.0.0.1:" + central.port()), null);
        rpc.login("administrator", PASSWORD);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            Cleanup.close(central, trustedAgent, untrustedAgent, lab);
        } finally {
            ClientTrust.install(ClientTrust.of("TrustedCertificates", null));
            if (dir != null) {
                try (var files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    private static JsonNode add(String name, int port, String token) {
        ObjectNode s = TandemClient.params().put("name", name).put("type", "ISC").put("address", "127.0.0.1").put("port", port)
                .put("agentToken", token).put("useTls", true);
        return rpc.call("AddDHCPServer", TandemClient.params().<ObjectNode>set("dhcpServer", s));
    }

    @Test
    void trustedAgentOverHttps_centralImportsItsConfig() {
        add("dhcpd-tls", trustedAgent.port(), lab.primary().agentToken());

        JsonNode outcome = rpc.call("SyncDHCPServer", TandemClient.params().put("dhcpServerRef", "dhcpd-tls"));

        assertThat(outcome.path("state").asText()).isEqualTo("OK");
        JsonNode server = rpc.call("GetDHCPServer", TandemClient.params().put("dhcpServerRef", "dhcpd-tls")).path("dhcpServer");
        assertThat(server.path("useTls").asBoolean()).isTrue();
        assertThat(server.path("state").asText()).isEqualTo("OK");
    }

    @Test
    void untrustedAgentCertificate_isRefusedWithAClearMessage() {
        add("dhcpd-stranger", untrustedAgent.port(), lab.secondary().agentToken());

        assertThatThrownBy(() -> rpc.call("SyncDHCPServer", TandemClient.params().put("dhcpServerRef", "dhcpd-stranger")))
                .hasMessageContaining("the agent at https://127.0.0.1:" + untrustedAgent.port() + "/ presented a certificate that is not trusted")
                .hasMessageContaining("TrustedCertificates");
        JsonNode server = rpc.call("GetDHCPServer", TandemClient.params().put("dhcpServerRef", "dhcpd-stranger")).path("dhcpServer");
        assertThat(server.path("state").asText()).isEqualTo("Unreachable");
    }

    @Test
    void plainHttpToTheHttpsAgent_getsNoAnswer() {
        AgentClient plain = new AgentClient(URI.create("http://127.0.0.1:" + trustedAgent.port()), lab.primary().agentToken());

        assertThatThrownBy(plain::health).isInstanceOf(UserError.class)
                .satisfies(e -> assertThat(((UserError) e).kind()).isEqualTo(UserError.Kind.UNREACHABLE));
    }
}
