package org.tandem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import org.tandem.common.UserError;
import org.tandem.tls.ClientTrust;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A thin JSON-RPC 2.0 client of one Central's {@code /mmws/json}, holding a session once logged in. */
public final class TandemClient {

    /** An error answer: Central's code and message, or {@code code} 0 when Central could not be reached or answered nonsense. */
    public static final class RpcError extends RuntimeException {
        private final int code;

        public RpcError(int code, String message) {
            super(message);
            this.code = code;
        }

        public int code() {
            return code;
        }

        /** True when Central was not reached (connection refused, timeout, not a Central). */
        public boolean unreachable() {
            return code == 0;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final URI endpoint;
    private final ClientTrust trust;
    private final HttpClient http;
    private final AtomicLong ids = new AtomicLong();
    private volatile String session;

    public TandemClient(URI base, String session) {
        String b = base.toString();
        this.endpoint = URI.create((b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + "/mmws/json");
        this.trust = trust();
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(trust.sslContext()).build();
        this.session = session;
    }

    /** The JDK's CAs, plus the PEM bundle in $TANDEM_CA_FILE (e.g. a Central's self-signed certificate). */
    private static ClientTrust trust() {
        String file = System.getenv("TANDEM_CA_FILE");
        if (file == null || file.isEmpty()) {
            return ClientTrust.of("$TANDEM_CA_FILE", null);
        }
        try {
            return ClientTrust.of("$TANDEM_CA_FILE", Path.of(file));
        } catch (UserError | InvalidPathException e) {
            throw new ClientOptions.Usage(e.getMessage());
        }
    }

    public static ObjectNode params() {
        return JSON.createObjectNode();
    }

    public static ObjectMapper json() {
        return JSON;
    }

    /** Logs in and keeps the session for the next calls; returns it. */
    public String login(String user, String password) {
        ObjectNode p = params().put("loginName", user).put("password", password);
        session = call("Login", p).path("session").asText(null);
        if (session == null) {
            throw new RpcError(0, "Central answered Login without a session");
        }
        return session;
    }

    public String session() {
        return session;
    }

    /** Calls a command and returns its result; an error answer throws {@link RpcError}. */
    public JsonNode call(String method, ObjectNode params) {
        ObjectNode request = JSON.createObjectNode().put("jsonrpc", "2.0").put("id", ids.incrementAndGet()).put("method", method);
        ObjectNode p = params == null ? params() : params.deepCopy();
        if (session != null && !method.equals("Login")) {
            p.put("session", session);
        }
        request.set("params", p);
        HttpResponse<byte[]> response;
        try {
            response = http.send(HttpRequest.newBuilder(endpoint).timeout(TIMEOUT).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(request))).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            throw new RpcError(0, "cannot connect to Central at " + endpoint + " (is it running? is --url right?)");
        } catch (HttpTimeoutException e) {
            throw new RpcError(0, "Central at " + endpoint + " did not answer " + method + " in " + TIMEOUT.toMinutes() + " minutes");
        } catch (IOException e) {
            String tls = trust.explain(e, "Central at " + endpoint);
            throw new RpcError(0, tls != null ? tls : "cannot reach Central at " + endpoint + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RpcError(0, "interrupted");
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(response.body());
        } catch (IOException e) {
            answer = null;
        }
        if (answer == null || !answer.isObject()) {
            throw new RpcError(0, endpoint + " answered HTTP " + response.statusCode() + " without JSON-RPC; is --url a Tandem Central?");
        }
        if (answer.has("error")) {
            throw new RpcError(answer.path("error").path("code").asInt(-1), answer.path("error").path("message").asText("error"));
        }
        return answer.path("result");
    }
}
