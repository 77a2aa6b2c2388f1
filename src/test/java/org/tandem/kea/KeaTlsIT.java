package org.tandem.kea;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandem.central.Central;
import org.tandem.central.CentralConfig;
import org.tandem.cli.TandemClient;
import org.tandem.lab.KeaLab;
import org.tandem.store.Database;
import org.tandem.sync.SyncExtension;
import org.tandem.testing.RealServers;
import org.tandem.tls.ClientTrust;

/**
 * A real Kea 2.2 Control Agent serving HTTPS (trust-anchor, cert-file, key-file, cert-required false) with basic auth
 * (authentication.clients): Tandem registers it with useTls, username and password and imports its config; a wrong
 * password and an untrusted certificate are refused with messages that say which.
 */
class KeaTlsIT {

    private static final String PASSWORD = "kea-tls-admin";
    private static final String KEA_USER = "tandem";
    private static final String KEA_PASSWORD = "kea-agent-secret";
    private static KeaLab lab;

    @TempDir
    Path dir;

    private Central central;
    private TandemClient rpc;

    @BeforeAll
    static void startKea() throws Exception {
        RealServers.assumeKea();
        lab = KeaLab.start(KeaLab.Options.loopback(KeaLab.HaSetup.NONE).withAgentSecurity(KEA_USER, KEA_PASSWORD));
    }

    @AfterAll
    static void stopKea() {
        if (lab != null) {
            lab.close();
        }
    }

    @AfterEach
    void stopCentral() {
        if (central != null) {
            central.close();
        }
        ClientTrust.install(ClientTrust.of("TrustedCertificates", null));
    }

    /** A Central trusting {@code yaml}'s TrustedCertificates; Central installs its trust for every client of the process. */
    private void central(String yaml) throws Exception {
        CentralConfig config = CentralConfig.load(Files.writeString(dir.resolve("tandem.yaml"), yaml));
        central = Central.start(new Central.Options("127.0.0.1", 0, Database.temporaryUrl("kea-tls-" + UUID.randomUUID()), config,
                Clock.systemUTC(), List.of(new SyncExtension()), PASSWORD));
        rpc = new TandemClient(URI.create("http://127.0.0.1:" + central.port()), null);
        rpc.login("administrator", PASSWORD);
    }

    private JsonNode register(String name, String password) {
        URI url = lab.node(0).agentUrl();
        ObjectNode s = TandemClient.params().put("name", name).put("type", "Kea").put("address", url.getHost()).put("port", url.getPort())
                .put("useTls", true).put("username", KEA_USER).put("password", password);
        return rpc.call("AddDHCPServer", TandemClient.params().<ObjectNode>set("dhcpServer", s));
    }

    private JsonNode sync(String name) {
        return rpc.call("SyncDHCPServer", TandemClient.params().put("dhcpServerRef", name));
    }

    @Test
    void httpsWithBasicAuth_trustedCertificate_importsTheConfig() throws Exception {
        assertThat(lab.node(0).agentUrl().getScheme()).isEqualTo("https");
        central("TrustedCertificates: " + lab.agentCertificate() + "\n");
        register("kea-tls", KEA_PASSWORD);

        assertThat(sync("kea-tls").path("state").asText()).isEqualTo("OK");
        JsonNode scopes = rpc.call("GetDHCPScopes", TandemClient.params());
        assertThat(scopes.path("dhcpScopes").toString()).contains("192.0.2.0");
    }

    @Test
    void wrongPassword_isRefusedAsBadCredentials() throws Exception {
        central("TrustedCertificates: " + lab.agentCertificate() + "\n");
        register("kea-wrong-password", "not-the-password");

        assertThatThrownBy(() -> sync("kea-wrong-password"))
                .hasMessageContaining("rejected the credentials").hasMessageContaining("HTTP 401")
                .hasMessageNotContaining("not-the-password");
    }

    @Test
    void untrustedCertificate_isRefusedNamingTrustedCertificates() throws Exception {
        central("{}\n");
        register("kea-untrusted", KEA_PASSWORD);

        assertThatThrownBy(() -> sync("kea-untrusted"))
                .hasMessageContaining("Kea server \"kea-untrusted\" at Control Agent " + lab.node(0).agentUrl()
                        + " presented a certificate that is not trusted")
                .hasMessageContaining("TrustedCertificates");
    }
}
