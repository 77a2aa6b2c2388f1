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
 */
final class HttpTransport implements KeaTransport {

    private final HttpClient http;
    private final URI url;
    private final String authorization;
    private final Duration timeout;

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
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .sslContext(ClientTrust.current().sslContext())
                .build();
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
            response = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
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
