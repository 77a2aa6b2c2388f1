package org.tandem.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import org.tandem.common.UserError;
import org.tandem.tls.ClientTrust;

/**
 * The Java client Central uses to talk to one Tandem agent. Errors the agent reports come back as
 * {@link AgentError} with the agent's kind, field, message and details; an agent that cannot be
 * reached is a {@link UserError} of kind UNREACHABLE.
 */
public final class AgentClient {

    /** Large enough for a write that validates a 3.4 MB config and restarts dhcpd (Central's ServerStepTimeout default). */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(180);

    private final URI base;
    private final String token;
    private final Duration requestTimeout;
    private final HttpClient http;
    private final ObjectMapper json = AgentJson.mapper();

    /** {@code baseUri} like {@code http://10.0.0.5:4151}; {@code token} the agent's token. */
    public AgentClient(URI baseUri, String token) {
        this(baseUri, token, DEFAULT_REQUEST_TIMEOUT);
    }

    /** As above, with each request given at most {@code requestTimeout} to be answered. */
    public AgentClient(URI baseUri, String token, Duration requestTimeout) {
        this.base = baseUri;
        this.token = token;
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(ClientTrust.current().sslContext()).build();
    }

    public AgentApi.HealthView health() {
        return send("GET", "/v1/health", null, AgentApi.HealthView.class);
    }

    public AgentApi.ConfigView readConfig() {
        return send("GET", "/v1/config", null, AgentApi.ConfigView.class);
    }

    /**
     * Validates, writes and applies {@code content}; with {@code expectedSha256} (from
     * {@link #readConfig()}) the agent refuses with CONFLICT if the file changed meanwhile.
     */
    public AgentApi.WriteConfigResult writeConfig(String content, String expectedSha256) {
        return send("PUT", "/v1/config", new AgentApi.WriteConfigRequest(content, expectedSha256), AgentApi.WriteConfigResult.class);
    }

    /** Asks the agent's {@code dhcpd -t} about {@code content}; a refusal is an AgentError of kind SERVER_REFUSED. */
    public void validateConfig(String content) {
        send("POST", "/v1/config/validate", new AgentApi.ValidateConfigRequest(content), AgentApi.ValidateConfigResult.class);
    }

    /**
     * Has an agent next to Kea apply a {@code KeaConfigPatch} (its JSON form) to Kea's config file and reload it; with
     * {@code expectedSha256} (canonical SHA-256 of config-get) the agent refuses with CONFLICT when Kea runs another config.
     */
    public AgentApi.KeaPatchResult patchKeaConfig(String expectedSha256, com.fasterxml.jackson.databind.JsonNode patch, boolean dryRun) {
        return send("POST", "/v1/kea/config/patch", new AgentApi.KeaPatchRequest(expectedSha256, patch, dryRun), AgentApi.KeaPatchResult.class);
    }

    /** The addresses of dhcpd's host (where it can listen for its failover peer). */
    public AgentApi.AddressesView dhcpdAddresses() {
        return send("GET", "/v1/dhcpd/addresses", null, AgentApi.AddressesView.class);
    }

    public AgentApi.LeasesView leases() {
        return send("GET", "/v1/leases", null, AgentApi.LeasesView.class);
    }

    public AgentApi.FailoverStateView failoverState(String relationship) {
        return send("GET", "/v1/failover/" + checkName(relationship), null, AgentApi.FailoverStateView.class);
    }

    /** Puts this agent's dhcpd into partner-down for the relationship; only when the partner is really down. */
    public AgentApi.FailoverStateView partnerDown(String relationship) {
        return send("POST", "/v1/failover/" + checkName(relationship) + "/partner-down", new AgentApi.ConfirmRequest(true),
                AgentApi.FailoverStateView.class);
    }

    /**
     * Stops this agent's dhcpd (SIGTERM, SIGKILL after the agent's restart deadline) and answers once it is gone; a dhcpd
     * that was not running is no error. Refused (CONFLICT) when the pid file names a process that is not dhcpd.
     */
    public AgentApi.HealthView stopDhcpd() {
        return send("POST", "/v1/dhcpd/stop", new AgentApi.ConfirmRequest(true), AgentApi.HealthView.class);
    }

    /**
     * Starts this agent's dhcpd with its restart command and answers once it runs; a running dhcpd is left alone. A
     * failed start is an AgentError of kind SERVER_REFUSED with the command's output in {@code details.restartOutput}.
     */
    public AgentApi.HealthView startDhcpd() {
        return send("POST", "/v1/dhcpd/start", new AgentApi.ConfirmRequest(true), AgentApi.HealthView.class);
    }

    private static String checkName(String relationship) {
        if (relationship == null || !relationship.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw UserError.invalid("relationship", "a failover relationship name is 1 to 64 letters, digits, '.', '_' or '-'");
        }
        return relationship;
    }

    private <T> T send(String method, String path, Object body, Class<T> type) {
        HttpRequest.Builder req = HttpRequest.newBuilder(base.resolve(path))
                .timeout(requestTimeout)
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json");
        try {
            if (body == null) {
                req.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                req.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
            }
            HttpResponse<byte[]> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (resp.statusCode() / 100 == 2) {
                return json.readValue(resp.body(), type);
            }
            throw toError(resp);
        } catch (HttpTimeoutException e) {
            throw UserError.unreachable("the agent at " + base + " did not answer " + method + " " + path + " in time", e);
        } catch (IOException e) {
            String tls = ClientTrust.current().explain(e, "the agent at " + base);
            // Java's HTTP client reports a refused connection as a ConnectException without a message.
            String why = e.getMessage() == null ? (e instanceof ConnectException ? "connection refused" : e.toString()) : e.getMessage();
            // Agents serve HTTPS unless started with --insecure-http: a server registered without useTls meets this first.
            String hint = !(e instanceof ConnectException) && "http".equals(base.getScheme())
                    ? " (an agent started without --insecure-http serves HTTPS: register the server with useTls, servers add --tls)" : "";
            throw UserError.unreachable(tls != null ? tls : "the agent at " + base + " cannot be reached: " + why + hint, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw UserError.unreachable("interrupted while calling the agent at " + base, e);
        }
    }

    private AgentError toError(HttpResponse<byte[]> resp) {
        try {
            AgentApi.ErrorBody e = json.readValue(resp.body(), AgentApi.ErrorBody.class);
            UserError.Kind kind;
            try {
                kind = UserError.Kind.valueOf(e.kind());
            } catch (IllegalArgumentException | NullPointerException unknown) {
                kind = UserError.Kind.SERVER_REFUSED;
            }
            return new AgentError(kind, e.field(), e.message(), e.details() == null ? Map.of() : e.details());
        } catch (JsonProcessingException | RuntimeException notJson) {
            return new AgentError(UserError.Kind.UNREACHABLE, null,
                    "the agent at " + base + " answered HTTP " + resp.statusCode() + " without a readable error", Map.of());
        } catch (IOException io) {
            return new AgentError(UserError.Kind.UNREACHABLE, null, "the agent's error answer could not be read", Map.of());
        }
    }
}
