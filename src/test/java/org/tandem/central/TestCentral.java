package org.tandem.central;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.tandem.store.Database;

/** A whole Central in this JVM on a free loopback port with a private in-memory database, plus an HTTP client for it. */
public final class TestCentral implements AutoCloseable {

    public static final String ADMIN_PASSWORD = "test-admin-password";
    private static final ObjectMapper JSON = new ObjectMapper();

    public final Central central;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public TestCentral(CentralConfig config) {
        this(config, List.of());
    }

    /** With extensions, e.g. the background jobs ({@code SyncExtension}) and the web UI. */
    public TestCentral(CentralConfig config, List<Central.Extension> extensions) {
        this(config, extensions, Clock.systemUTC());
    }

    /** With the clock Central reads the time from (a benchmark moves it on to age Central's last read of a server). */
    public TestCentral(CentralConfig config, List<Central.Extension> extensions, Clock clock) {
        String url = Database.temporaryUrl("central-" + UUID.randomUUID());
        central = Central.start(new Central.Options("127.0.0.1", 0, url, config, clock, extensions, ADMIN_PASSWORD));
    }

    public TestCentral() {
        this(CentralConfig.defaults());
    }

    public String base() {
        return "http://127.0.0.1:" + central.port();
    }

    /** An HTTP answer: status and parsed JSON body (null when empty). */
    public record Answer(int status, JsonNode body, String text) {}

    public Answer send(String method, String path, String body, String authorization) {
        return send(http, base(), method, path, body, authorization, Duration.ofSeconds(20));
    }

    /** An HTTP request to the Central at {@code base} (e.g. one in another process); JSON bodies parsed. */
    public static Answer send(HttpClient http, String base, String method, String path, String body, String authorization,
                              Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode parsed = null;
            if (!r.body().isEmpty() && r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
                parsed = JSON.readTree(r.body());
            }
            return new Answer(r.statusCode(), parsed, r.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A JSON-RPC call with a raw body; asserts nothing. */
    public Answer rpcRaw(String body) {
        return send("POST", "/mmws/json", body, null);
    }

    /** A JSON-RPC call waiting up to {@code timeout}, for changes that restart servers; the whole answer. */
    public JsonNode rpc(String method, String params, Duration timeout) {
        Answer a = send(http, base(), "POST", "/mmws/json",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":" + params + "}", null, timeout);
        if (a.status() != 200) {
            throw new AssertionError("JSON-RPC answered HTTP " + a.status() + ": " + a.text());
        }
        return a.body();
    }

    /** A JSON-RPC call of {@code method} with {@code params} (a JSON object text). */
    public JsonNode rpc(String method, String params) {
        Answer a = rpcRaw("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":" + params + "}");
        if (a.status() != 200) {
            throw new AssertionError("JSON-RPC answered HTTP " + a.status() + ": " + a.text());
        }
        return a.body();
    }

    public String login(String user, String password) {
        JsonNode r = rpc("Login", "{\"loginName\":\"" + user + "\",\"password\":\"" + password + "\"}");
        return r.path("result").path("session").asText();
    }

    public String adminSession() {
        return login("administrator", ADMIN_PASSWORD);
    }

    @Override
    public void close() {
        central.close();
    }
}
