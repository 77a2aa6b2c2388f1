package org.tandem.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandem.Main;
import org.tandem.tls.Certificates;
import org.tandem.tls.ClientTrust;
import org.tandem.tls.ServerIdentity;
import picocli.CommandLine;

class AgentCommandTest {

    @TempDir
    Path dir;

    private int run(String... args) {
        return Main.commandLine().execute(args);
    }

    private String stderrOf(String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true));
        try {
            assertThat(run(args)).isNotZero();
        } finally {
            System.setErr(old);
        }
        return buf.toString();
    }

    @Test
    void agent_shortToken_refusesToStartNamingTheOption() throws Exception {
        Path conf = Files.writeString(dir.resolve("dhcpd.conf"), "");
        Path token = Files.writeString(dir.resolve("token"), "short\n");
        assertThat(stderrOf("agent", "--conf", conf.toString(), "--restart-command", "true", "--pid-file", "/run/dhcpd.pid",
                "--token-file", token.toString())).contains("--token-file").contains("16");
    }

    @Test
    void agent_badListenAddress_refusesToStartNamingTheOption() throws Exception {
        Path conf = Files.writeString(dir.resolve("dhcpd.conf"), "");
        Path token = Files.writeString(dir.resolve("token"), "a-long-enough-token-value\n");
        assertThat(stderrOf("agent", "--listen", "localhost", "--conf", conf.toString(), "--restart-command", "true",
                "--pid-file", "/run/dhcpd.pid", "--token-file", token.toString())).contains("--listen").contains("HOST:PORT");
    }

    @Test
    void agent_noWayToSeeDhcpdRunning_refusesToStart() throws Exception {
        Path conf = Files.writeString(dir.resolve("dhcpd.conf"), "");
        Path token = Files.writeString(dir.resolve("token"), "a-long-enough-token-value\n");
        assertThat(stderrOf("agent", "--conf", conf.toString(), "--restart-command", "true", "--token-file", token.toString()))
                .contains("--omapi or --pid-file");
    }

    @Test
    void agent_keyFileWithWrongAlgorithm_refusesToStart() throws Exception {
        Path conf = Files.writeString(dir.resolve("dhcpd.conf"), "");
        Path token = Files.writeString(dir.resolve("token"), "a-long-enough-token-value\n");
        Path key = Files.writeString(dir.resolve("omapi.key"), "key k { algorithm hmac-sha512; secret \"c2VjcmV0\"; };\n");
        assertThat(stderrOf("agent", "--conf", conf.toString(), "--restart-command", "true", "--token-file", token.toString(),
                "--omapi", "127.0.0.1:7911", "--omapi-key-file", key.toString())).contains("hmac-sha512");
    }

    @Test
    void agent_tlsCertWithoutKey_orBothTlsModes_refusesToStartNamingTheOption() throws Exception {
        Path conf = Files.writeString(dir.resolve("dhcpd.conf"), "");
        Path token = Files.writeString(dir.resolve("token"), "a-long-enough-token-value\n");
        String[] base = {"agent", "--conf", conf.toString(), "--restart-command", "true", "--pid-file", "/run/dhcpd.pid",
                "--token-file", token.toString()};
        assertThat(stderrOf(concat(base, "--tls-cert", dir.resolve("cert.pem").toString()))).contains("--tls-key").contains("go together");
        assertThat(stderrOf(concat(base, "--tls-self-signed", dir.toString(), "--tls-cert", dir.resolve("c.pem").toString(),
                "--tls-key", dir.resolve("k.pem").toString()))).contains("--tls-self-signed").contains("not both");
        assertThat(stderrOf(concat(base, "--tls-cert", dir.resolve("cert.pem").toString(), "--tls-key", dir.resolve("key.pem").toString())))
                .contains("--tls-cert: ").contains("does not exist");
    }

    @Test
    void agent_keaWithoutSocket_orWithDhcpdOptions_orNeitherConfig_refusesToStartNamingTheOption() throws Exception {
        Path kea = Files.writeString(dir.resolve("kea-dhcp4.conf"), "{ \"Dhcp4\": { } }");
        Path token = Files.writeString(dir.resolve("token"), "a-long-enough-token-value\n");
        assertThat(stderrOf("agent", "--kea-config", kea.toString(), "--token-file", token.toString(), "--insecure-http"))
                .contains("--kea-socket").contains("required");
        assertThat(stderrOf("agent", "--kea-config", kea.toString(), "--kea-socket", "/run/kea/kea4.sock", "--pid-file", "/run/dhcpd.pid",
                "--token-file", token.toString(), "--insecure-http")).contains("--pid-file").contains("Kea only");
        assertThat(stderrOf("agent", "--token-file", token.toString(), "--insecure-http")).contains("--conf").contains("--kea-config");
        assertThat(stderrOf("agent", "--kea-config", dir.resolve("missing.conf").toString(), "--kea-socket", "/run/kea/kea4.sock",
                "--token-file", token.toString(), "--insecure-http")).contains("--kea-config").contains("is not a file");
    }

    @Test
    void agent_keaConfigAndSocket_givesKeaSettingsServingHttpsByDefault() throws Exception {
        Path etc = Files.createDirectories(dir.resolve("etc-kea"));
        Path kea = Files.writeString(etc.resolve("kea-dhcp4.conf"), "{ \"Dhcp4\": { } }");
        Path token = Files.writeString(dir.resolve("token"), "a-long-enough-token-value\n");
        AgentSettings s = settingsOf("--listen", "127.0.0.1:0", "--kea-config", kea.toString(), "--kea-socket", "/run/kea/kea4.sock",
                "--token-file", token.toString(), "--state-dir", dir.resolve("state").toString());
        assertThat(s.kea().configFile()).isEqualTo(kea.toAbsolutePath());
        assertThat(s.kea().controlSocket()).isEqualTo(Path.of("/run/kea/kea4.sock"));
        assertThat(s.tls()).isNotNull();
        assertThat(s.toString()).doesNotContain("a-long-enough-token-value");
    }

    /** The settings {@code tandem agent ARGS} would start with, without starting it. */
    private static AgentSettings settingsOf(String... args) {
        AgentCommand command = new AgentCommand();
        new CommandLine(command).parseArgs(args);
        return command.settings();
    }

    private String[] minimal() throws Exception {
        Path confDir = Files.createDirectories(dir.resolve("etc-dhcp"));
        Path conf = Files.writeString(confDir.resolve("dhcpd.conf"), "");
        Path token = Files.writeString(dir.resolve("token"), "a-long-enough-token-value\n");
        return new String[] {"--listen", "127.0.0.1:0", "--conf", conf.toString(), "--restart-command", "true",
                "--pid-file", "/run/dhcpd.pid", "--token-file", token.toString()};
    }

    @Test
    void agent_noTlsOption_servesHttpsWithASelfSignedCertificateKeptInTheStateDirAndReused() throws Exception {
        // Issue 17, finding 6: the agent served plain HTTP by default and a sniffer read the Bearer token.
        Path state = dir.resolve("state");
        AgentSettings first = settingsOf(concat(minimal(), "--state-dir", state.toString()));
        assertThat(first.tls()).isNotNull();
        Path cert = state.resolve(ServerIdentity.CERTIFICATE_FILE);
        assertThat(cert).exists();
        assertThat(PosixFilePermissions.toString(
                Files.getPosixFilePermissions(state.resolve(ServerIdentity.KEY_FILE)))).isEqualTo("rw-------");
        String fingerprint = Certificates.fingerprint(first.tls().certificate());
        AgentSettings again = settingsOf(concat(minimal(), "--state-dir", state.toString()));
        assertThat(Certificates.fingerprint(again.tls().certificate())).isEqualTo(fingerprint);

        try (AgentServer server = new AgentServer(first, Clock.systemUTC()).start()) {
            assertThat(AgentCommand.startupNotice(first, server.port())).contains("HTTPS").contains(fingerprint).contains("TrustedCertificates");
            HttpClient trusting = HttpClient.newBuilder()
                    .sslContext(ClientTrust.of("TrustedCertificates", cert).sslContext()).build();
            HttpResponse<String> https = trusting.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + server.port() + "/v1/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(https.statusCode()).isEqualTo(401); // TLS held; the token is still required
            assertThatThrownBy(() -> HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/health"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(IOException.class);
            // Central calling it as a server registered without useTls is told what to do.
            assertThatThrownBy(() -> new AgentClient(URI.create("http://127.0.0.1:" + server.port() + "/"), "t".repeat(24),
                    Duration.ofSeconds(5)).health()).hasMessageContaining("register the server with useTls");
        }
    }

    @Test
    void agent_insecureHttp_servesPlainHttpWithAWarning_andGoesWithNoTlsOption() throws Exception {
        AgentSettings plain = settingsOf(concat(minimal(), "--insecure-http", "--state-dir", dir.resolve("unused").toString()));
        assertThat(plain.tls()).isNull();
        assertThat(dir.resolve("unused")).doesNotExist();
        assertThat(AgentCommand.startupNotice(plain, 4151)).startsWith("WARNING").contains("plain HTTP").contains("token");
        assertThat(stderrOf(concat(concat(new String[] {"agent"}, minimal()), "--insecure-http", "--tls-self-signed", dir.toString())))
                .contains("--insecure-http").contains("cannot go with");
    }

    @Test
    void agent_stateDirInsideTheConfigDirectory_refusesToStart() throws Exception {
        // Configs may include files of their own directory, so the private key must live elsewhere.
        assertThat(stderrOf(concat(concat(new String[] {"agent"}, minimal()), "--state-dir", dir.resolve("etc-dhcp/tandem").toString())))
                .contains("--state-dir").contains("inside the managed config's directory");
        assertThat(dir.resolve("etc-dhcp/tandem")).doesNotExist();
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
