package org.tandem.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.tandem.central.CentralConfig;
import org.tandem.central.TestCentral;
import org.tandem.servers.DhcpServer;
import org.tandem.sync.SyncExtension;
import org.tandem.web.WebUi;

/**
 * An in-process Central with its background jobs and web UI, polling failover states every
 * {@link #POLL_INTERVAL}, and what a user sees of one relationship: the live peer states in the API
 * ({@code GetDHCPFailoverRelationship}) and on each server's Failover management page.
 */
final class LiveStateWatch implements AutoCloseable {

    static final Duration POLL_INTERVAL = Duration.ofSeconds(1);
    /** How often the test itself looks; small against the poll interval so the measured times are its own. */
    private static final Duration LOOK_EVERY = Duration.ofMillis(100);

    final TestCentral central;
    private final String session;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    LiveStateWatch() {
        central = new TestCentral(new CentralConfig(Duration.ofSeconds(900), Duration.ofHours(8), 1_048_576, POLL_INTERVAL),
                List.of(new SyncExtension(), new WebUi()));
        session = central.adminSession();
    }

    /** Registers a server (the new-server import then finds the relationship on it); returns it. */
    DhcpServer addServer(String name, String type, URI address, String agentToken) {
        return central.central.servers().add(org.tandem.auth.Actor.SYSTEM, null, "server",
                new org.tandem.servers.ServerService.NewServer(name, type, address.getHost(), (long) address.getPort(), agentToken, null, null,
                        null));
    }

    /** The relationship's name once the import has stored one for {@code server}. */
    String awaitRelationship(DhcpServer server, Duration deadline) throws InterruptedException {
        Instant end = Instant.now().plus(deadline);
        while (Instant.now().isBefore(end)) {
            JsonNode list = rpc("GetDHCPFailoverRelationships", "{\"dhcpServerRef\":\"" + server.ref() + "\"}").path("dhcpFailoverRelationships");
            if (!list.isEmpty()) {
                return list.get(0).path("name").asText();
            }
            Thread.sleep(LOOK_EVERY.toMillis());
        }
        throw new AssertionError("no failover relationship imported for " + server.name() + " within " + deadline.toSeconds() + " s");
    }

    /** Server name to its live state as the API shows it. */
    Map<String, String> apiStates(DhcpServer viewer, String relationship) {
        JsonNode rel = rpc("GetDHCPFailoverRelationship", "{\"dhcpServerRef\":\"" + viewer.ref() + "\",\"dhcpFailoverRelationshipName\":\""
                + relationship + "\"}").path("dhcpFailoverRelationship");
        Map<String, String> out = new LinkedHashMap<>();
        rel.path("peerStates").forEach(p -> out.put(p.path("server").asText(), p.path("state").asText()));
        return out;
    }

    /** The server's Failover management page, as the administrator's browser gets it. */
    String page(DhcpServer server) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(central.base() + "/ui/admin/services/" + server.id() + "/failover"))
                .header("Cookie", "tandem_ui=" + session).timeout(Duration.ofSeconds(10)).GET().build();
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new AssertionError("failover page of " + server.name() + " answered " + r.statusCode());
            }
            return r.body();
        } catch (IOException e) {
            throw new AssertionError("failover page of " + server.name() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Looks at every condition every 100 ms (all in one loop, so their times compare) and returns when
     * each first held; fails naming those never seen within {@code deadline}. A condition that throws
     * (a server not answering) counts as not seen yet.
     */
    static Map<String, Instant> firstSeen(Duration deadline, Map<String, BooleanSupplier> conditions) throws InterruptedException {
        Map<String, Instant> seen = new LinkedHashMap<>();
        Instant end = Instant.now().plus(deadline);
        while (seen.size() < conditions.size() && Instant.now().isBefore(end)) {
            for (Map.Entry<String, BooleanSupplier> c : conditions.entrySet()) {
                if (!seen.containsKey(c.getKey()) && holds(c.getValue())) {
                    seen.put(c.getKey(), Instant.now());
                }
            }
            Thread.sleep(LOOK_EVERY.toMillis());
        }
        if (seen.size() < conditions.size()) {
            throw new AssertionError("not seen within " + deadline.toSeconds() + " s: "
                    + conditions.keySet().stream().filter(k -> !seen.containsKey(k)).toList() + " (seen: " + seen.keySet() + ")");
        }
        return seen;
    }

    /** The times {@link #firstSeen} returned, as milliseconds after {@code from}, for the test's printout. */
    static String times(Instant from, Map<String, Instant> seen) {
        StringBuilder out = new StringBuilder();
        seen.forEach((k, v) -> out.append(k).append(" +").append(Duration.between(from, v).toMillis()).append(" ms  "));
        return out.toString().strip();
    }

    /** The API ("api") and the page ("page") showed what the servers ("servers") reported within two state polls. */
    static void assertShownWithinTwoPolls(List<Map<String, Instant>> transitions) {
        long twoPolls = 2 * POLL_INTERVAL.toMillis();
        for (Map<String, Instant> seen : transitions) {
            Instant servers = seen.get("servers");
            assertThat(Duration.between(servers, seen.get("api")).toMillis()).as("API after the servers, ms").isLessThanOrEqualTo(twoPolls);
            assertThat(Duration.between(servers, seen.get("page")).toMillis()).as("page after the servers, ms").isLessThanOrEqualTo(twoPolls);
        }
    }

    private static boolean holds(BooleanSupplier condition) {
        try {
            return condition.getAsBoolean();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private JsonNode rpc(String method, String params) {
        JsonNode answer = central.rpc(method, "{\"session\":\"" + session + "\"," + params.substring(1));
        if (answer.has("error")) {
            throw new AssertionError(method + " failed: " + answer.path("error"));
        }
        return answer.path("result");
    }

    @Override
    public void close() {
        central.close();
    }
}
