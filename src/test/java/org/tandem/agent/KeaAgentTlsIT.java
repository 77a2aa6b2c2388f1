package org.tandem.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tandem.central.Central;
import org.tandem.central.CentralConfig;
import org.tandem.cli.TandemClient;
import org.tandem.kea.text.KeaConfigText;
import org.tandem.store.Database;
import org.tandem.sync.SyncExtension;
import org.tandem.testing.Cleanup;
import org.tandem.testing.KeaDaemon;
import org.tandem.testing.RealServers;
import org.tandem.tls.ClientTrust;
import org.tandem.tls.ServerIdentity;

/**
 * The agent next to a real kea-dhcp4 serving HTTPS with its self-signed certificate, as {@code tandem agent
 * --kea-config} does by default: Central, trusting it through TrustedCertificates, syncs the server and writes a scope
 * through it, and the scope lands in the config file with its comment kept.
 */
class KeaAgentTlsIT {

    private static final String PASSWORD = "kea-agent-tls-password";
    private static final String TOKEN = "kea-agent-tls-token-0123456789";

    private static Path dir;
    private static Path conf;
    private static KeaDaemon kea;
    private static AgentServer agent;
    private static Central central;
    private static TandemClient rpc;

    @BeforeAll
    static void start() throws Exception {
        RealServers.assumeKea();
        dir = Files.createTempDirectory("tandem-kea-agent-tls-");
        Path etc = Files.createDirectories(dir.resolve("etc"));
        conf = etc.resolve("kea-dhcp4.conf");
        Path socket = etc.resolve("kea4.sock");
        Files.writeString(conf, "// a standalone Kea behind the agent over HTTPS\n{ \"Dhcp4\": {\n    \"valid-lifetime\": 600,\n"
                + "    \"control-socket\": { \"socket-type\": \"unix\", \"socket-name\": \"" + socket + "\" },\n"
                + "    \"lease-database\": { \"type\": \"memfile\", \"persist\": false },\n"
                + "    \"subnet4\": [ ] // none yet\n} }\n");
        kea = KeaDaemon.start(conf, socket);
        ServerIdentity identity = ServerIdentity.selfSigned("--state-dir", dir.resolve("state"), Clock.systemUTC());
        agent = new AgentServer(AgentSettings.forKea("127.0.0.1", 0, KeaAgentSettings.of(conf, socket), TOKEN, 3).withTls(identity),
                Clock.systemUTC()).start();
        CentralConfig config = CentralConfig.load(Files.writeString(dir.resolve("tandem.yaml"),
                "TrustedCertificates: " + dir.resolve("state").resolve(ServerIdentity.CERTIFICATE_FILE) + "\n"));
        central = Central.start(new Central.Options("127.0.0.1", 0, Database.temporaryUrl("kea-agent-tls-" + UUID.randomUUID()), config,
                Clock.systemUTC(), List.of(new SyncExtension()), PASSWORD));
        rpc = new TandemClient(URI.create("http://127.0.0.1:" + central.port()), null);
        rpc.login("administrator", PASSWORD);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            Cleanup.close(central, agent, kea);
        } finally {
            ClientTrust.install(ClientTrust.of("TrustedCertificates", null));
            if (dir != null) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    @Test
    void keaBehindAnHttpsAgent_centralSyncsAndWritesAScopeIntoTheFile() throws Exception {
        ObjectNode s = TandemClient.params().put("name", "kea-tls").put("type", "Kea").put("address", "127.0.0.1").put("port", agent.port())
                .put("agentToken", TOKEN).put("useTls", true);
        rpc.call("AddDHCPServer", TandemClient.params().<ObjectNode>set("dhcpServer", s));
        assertThat(rpc.call("SyncDHCPServer", TandemClient.params().put("dhcpServerRef", "kea-tls")).path("state").asText()).isEqualTo("OK");

        String range = call("AddRange", "{\"range\":{\"name\":\"tls-lan\",\"subnet\":\"203.0.113.0/24\"}}").path("ref").asText();
        call("AddDHCPScope", "{\"dhcpScope\":{\"rangeRef\":\"" + range + "\",\"dhcpServerRef\":\"kea-tls\"},"
                + "\"dhcpAddressPools\":[{\"from\":\"203.0.113.10\",\"to\":\"203.0.113.20\"}]}");

        String text = Files.readString(conf);
        assertThat(text).startsWith("// a standalone Kea behind the agent over HTTPS\n").contains("// none yet");
        assertThat(KeaConfigText.load(conf).meaning().path("Dhcp4").path("subnet4")).singleElement()
                .satisfies(n -> assertThat(n.path("subnet").asText()).isEqualTo("203.0.113.0/24"));
        assertThat(kea.socket().ok("config-get", null, false).arguments().path("Dhcp4").path("subnet4")).hasSize(1);
    }

    private static JsonNode call(String method, String params) {
        try {
            return rpc.call(method, (ObjectNode) TandemClient.json().readTree(params));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
