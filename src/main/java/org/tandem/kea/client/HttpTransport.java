package org.tandem.kea.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.tandem.tls.ClientTrust;

/**
 * HTTP(S) to a Control Agent or a Kea 3.x daemon: {@code POST /} with a fixed Content-Length (Kea rejects chunked
 * bodies) and {@code Content-Type: application/json} (without it the agent answers 400 Bad Request).
 *
 * <p>Connections are kept open between the commands of one burst (a write's config-test, config-get, config-set and
 * config-write), as any HTTP/1.1 client does, but never past {@link #REUSE_WITHIN} of idleness: the server closes an
 * idle connection after its own timeout (30 s for Kea's Control Agent), and a command sent on a connection the server
 * is closing at that moment would fail without having reached it. After a pause the next command opens a new client,
 * which also takes up a trust store installed meanwhile.
 */
final class HttpTransport implements KeaTransport {

    /** Far below any server's idle timeout, long enough to cover the gaps between the commands of one operation. */
    static final Duration REUSE_WITHIN = Duration.ofSeconds(2);

    private final URI url;
    private final String authorization;
    private final Duration timeout;
    /** The client of the current burst, the trust it was made with, and when it last sent or received. */
    private HttpClient http;
    private ClientTrust trust;
    private long lastUsed;

    HttpTransport(URI url, KeaEndpoint.BasicAuth auth, Duration timeout) {
        this(url, auth == null ? null
                : "Basic " + Base64.getEncoder().encodeToString((auth.user() + ":" + auth.password()).getBytes(StandardCharsets.UTF_8)), timeout);
    }

    /** To the Tandem agent's {@code /v1/kea/command}, with its bearer token. */
    static HttpTransport toAgent(KeaEndpoint.Agent agent) {
        return new HttpTransport(agent.url().resolve("/v1/kea/command"), "Bearer " + agent.token(), agent.timeout());
    }

    private HttpTransport(URI url, String authorization, Duration timeout) {
        this.url = url;
        this.timeout = timeout;
        this.authorization = authorization;
    }

    /** The client to send with: the current one while it was used within {@link #REUSE_WITHIN}, else a new one. */
    private synchronized HttpClient client() {
        long now = System.nanoTime();
        ClientTrust current = ClientTrust.current();
        if (http == null || trust != current || now - lastUsed > REUSE_WITHIN.toNanos()) {
            if (http != null) {
                http.shutdown(); // commands still running on it finish
            }
            trust = current;
            http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5))
                    .sslContext(current.sslContext())
                    .build();
        }
        lastUsed = now;
        return http;
    }

    private synchronized void used() {
        lastUsed = System.nanoTime();
    }

    @Override
    public byte[] exchange(String command, byte[] request, long maxBytes) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(request));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        HttpResponse<InputStream> response;
        try {
            response = client().send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        try (InputStream in = response.body()) {
            long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (declared > maxBytes) {
                throw new TooLargeException(maxBytes);
            }
            byte[] body = KeaTransport.readCapped(in, maxBytes);
            used();
            if (response.statusCode() != 200) {
                throw new HttpStatusException(response.statusCode(), agentMessage(body));
            }
            return body;
        }
    }

    /** The message of a Tandem agent's error body ({@code {"kind", "message", ...}}), else the start of the body. */
    private static String agentMessage(byte[] body) {
        try {
            com.fasterxml.jackson.databind.JsonNode n = KeaClient.mapper().readTree(body);
            if (n != null && n.path("message").isTextual()) {
                return n.get("message").asText();
            }
        } catch (IOException notJson) {
            // Kea's agent answers errors in HTML or plain text
        }
        return new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
    }
}
