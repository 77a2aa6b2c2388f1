package org.tandem.kea.ha;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.tandem.kea.client.KeaProtocolError;

/**
 * One server's HA view from {@code status-get}: its own state, role and scopes, and what it last heard from its
 * partner. Kea 2.2 has no server names in here; {@code remote} is null in passive-backup and on backup servers.
 */
public record KeaHaStatus(String server, String mode, String localState, String localRole, List<String> localScopes,
                          Remote remote) {

    /** States in which a server answers DHCP queries for at least its own scope (Kea 2.2, adjustNetworkState). */
    public static final Set<String> SERVING = Set.of("hot-standby", "load-balancing", "communication-recovery",
            "partner-down", "partner-in-maintenance", "passive-backup", "terminated");
    /** The normal states of a healthy relationship. */
    public static final Set<String> NORMAL = Set.of("hot-standby", "load-balancing", "passive-backup");

    /** What the server knows of its partner. */
    public record Remote(String lastState, String role, List<String> lastScopes, boolean inTouch, long ageSeconds,
                         boolean communicationInterrupted, long unackedClients, long unackedClientsLeft,
                         long connectingClients, long analyzedPackets) {}

    /** A server that did not answer (or has no HA): its state is {@code unavailable}. */
    public static KeaHaStatus unavailable(String server) {
        return new KeaHaStatus(server, null, "unavailable", null, List.of(), null);
    }

    public boolean isNormal() {
        return NORMAL.contains(localState);
    }

    public boolean serves() {
        return SERVING.contains(localState) && !localScopes.isEmpty();
    }

    /** Converts status-get arguments; a server without HA gives state {@code no-ha}. */
    public static KeaHaStatus fromKea(String server, JsonNode args) {
        if (args == null || !args.isObject()) {
            throw KeaProtocolError.of(server, "status-get", "the answer has no arguments object");
        }
        JsonNode ha = args.path("high-availability");
        if (!ha.isArray() || ha.isEmpty()) {
            return new KeaHaStatus(server, null, "no-ha", null, List.of(), null);
        }
        JsonNode rel = ha.get(0);
        JsonNode local = rel.path("ha-servers").path("local");
        if (!local.path("state").isTextual()) {
            throw KeaProtocolError.of(server, "status-get", "high-availability has no local state");
        }
        JsonNode r = rel.path("ha-servers").path("remote");
        Remote remote = r.isObject() ? new Remote(r.path("last-state").asText(null), r.path("role").asText(null),
                strings(r.path("last-scopes")), r.path("in-touch").asBoolean(false), r.path("age").asLong(0),
                r.path("communication-interrupted").asBoolean(false), r.path("unacked-clients").asLong(0),
                r.path("unacked-clients-left").asLong(0), r.path("connecting-clients").asLong(0),
                r.path("analyzed-packets").asLong(0)) : null;
        return new KeaHaStatus(server, rel.path("ha-mode").asText(null), local.path("state").asText(),
                local.path("role").asText(null), strings(local.path("scopes")), remote);
    }

    private static List<String> strings(JsonNode a) {
        List<String> out = new ArrayList<>();
        a.forEach(n -> out.add(n.asText()));
        return List.copyOf(out);
    }
}
