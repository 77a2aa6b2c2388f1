package org.tandem.central;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandem.store.Database;
import org.tandem.tls.ClientTrust;
import org.tandem.tls.ServerIdentity;
import org.tandem.web.WebUi;

/**
 * Central over HTTPS: a {@code tandem server} process with a self-signed certificate it generates (and the command line
 * trusting it through $TANDEM_CA_FILE), and an in-process Central with certificate files given in the config.
 */
class CentralTlsIT {

    private static final String PASSWORD = "tls-admin-password";
    private static final String LOGIN = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"Login\",\"params\":{\"loginName\":\"administrator\",\"password\":\""
            + PASSWORD + "\"}}";

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private Central central;

    @AfterEach
    void stop() throws InterruptedException {
        if (central != null) {
            central.close();
        }
        ClientTrust.install(ClientTrust.of("TrustedCertificates", null));
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void selfSigned_serverProcess_servesHttpsOnly_andTheCommandLineTrustsTandemCaFile() throws Exception {
        int port = ServerCommandIT.freePort();
        Path data = dir.resolve("data");
        Path config = Files.writeString(dir.resolve("tandem.yaml"), "Tls: self-signed\n");
        Process server = start(Map.of("TANDEM_ADMIN_PASSWORD", PASSWORD), "out.txt",
                "server", "--host", "127.0.0.1", "--port", String.valueOf(port), "--data", data.toString(), "--config", config.toString());
        String ready = ServerCommandIT.awaitReady(server, dir.resolve("out.txt"), dir.resolve("out.txt"));
        Path cert = data.resolve(ServerIdentity.CERTIFICATE_FILE);

        assertThat(ready).contains("is ready on https://127.0.0.1:" + port + "/");
        assertThat(cert).exists();
        assertThat(post(trusting(cert), "https://127.0.0.1:" + port + "/mmws/json", LOGIN).body()).contains("\"session\"");
        assertThatThrownBy(() -> post(HttpClient.newHttpClient(), "http://127.0.0.1:" + port + "/mmws/json", LOGIN))
                .as("plain HTTP on the HTTPS port gets no answer").isInstanceOf(IOException.class);

        String url = "https://127.0.0.1:" + port + "/";
        Map<String, String> cli = Map.of("TANDEM_PASSWORD", PASSWORD, "TANDEM_SESSION_FILE", dir.resolve("session.json").toString());
        Process untrusted = start(cli, "cli-untrusted.txt", "login", "--url", url, "--user", "administrator");
        assertThat(untrusted.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(untrusted.exitValue()).as("exit 4: Central cannot be reached").isEqualTo(4);
        assertThat(Files.readString(dir.resolve("cli-untrusted.txt"))).contains("presented a certificate that is not trusted")
                .contains("$TANDEM_CA_FILE");

        Map<String, String> trusted = new java.util.HashMap<>(cli);
        trusted.put("TANDEM_CA_FILE", cert.toString());
        Process login = start(trusted, "cli-trusted.txt", "login", "--url", url, "--user", "administrator");
        assertThat(login.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(dir.resolve("cli-trusted.txt"))).contains("Logged in to " + url);
        assertThat(login.exitValue()).isZero();
    }

    @Test
    void givenFiles_loginOverHttps_secureSessionCookie_untrustedClientRefused() throws Exception {
        ServerIdentity id = ServerIdentity.generate(new LinkedHashSet<>(List.of("127.0.0.1", "localhost")), Instant.now());
        id.write(dir.resolve("central.pem"), dir.resolve("central.key"));
        CentralConfig config = CentralConfig.load(Files.writeString(dir.resolve("tandem.yaml"), "Tls: files\nTlsCertificate: "
                + dir.resolve("central.pem") + "\nTlsPrivateKey: " + dir.resolve("central.key") + "\n"));
        central = Central.start(new Central.Options("127.0.0.1", 0, Database.temporaryUrl("tls-" + UUID.randomUUID()), config,
                Clock.systemUTC(), List.of(new WebUi()), PASSWORD, config.tls().identity(dir, Clock.systemUTC())));
        String base = "https://127.0.0.1:" + central.port();
        HttpClient client = trusting(dir.resolve("central.pem"));

        assertThat(central.scheme()).isEqualTo("https");
        assertThat(post(client, base + "/mmws/json", LOGIN).body()).contains("\"session\"");
        HttpResponse<String> page = client.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().allValues("Set-Cookie")).isNotEmpty().allSatisfy(c -> assertThat(c).contains("Secure").contains("HttpOnly"));

        IOException refused = catchIo(() -> post(HttpClient.newHttpClient(), base + "/mmws/json", LOGIN));
        assertThat(ClientTrust.of("$TANDEM_CA_FILE", null).explain(refused, "Central at " + base))
                .startsWith("Central at " + base + " presented a certificate that is not trusted");
    }

    @Test
    void plainHttp_sessionCookieIsNotSecure() throws Exception {
        central = Central.start(new Central.Options("127.0.0.1", 0, Database.temporaryUrl("tls-" + UUID.randomUUID()), CentralConfig.defaults(),
                Clock.systemUTC(), List.of(new WebUi()), PASSWORD));
        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + central.port() + "/login"))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(page.headers().allValues("Set-Cookie")).isNotEmpty().allSatisfy(c -> assertThat(c).doesNotContain("Secure"));
    }

    private static HttpClient trusting(Path pem) {
        SSLContext ctx = ClientTrust.of("test", pem).sslContext();
        return HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static HttpResponse<String> post(HttpClient client, String url, String body) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    interface IoCall {
        void run() throws Exception;
    }

    private static IOException catchIo(IoCall call) throws Exception {
        try {
            call.run();
        } catch (IOException e) {
            return e;
        }
        throw new AssertionError("expected an IOException");
    }

    private Process start(Map<String, String> env, String output, String... args) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(ServerCommandIT.tandem(args)).redirectErrorStream(true).redirectOutput(dir.resolve(output).toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("TANDEM_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        processes.add(p);
        return p;
    }
}
