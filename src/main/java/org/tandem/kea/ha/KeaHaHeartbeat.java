package org.tandem.kea.ha;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.tandem.kea.client.KeaProtocolError;

/** A server's {@code ha-heartbeat} answer: its state and scopes as its partner sees them, and its clock (for skew). */
public record KeaHaHeartbeat(String state, List<String> scopes, String dateTime, long unsentUpdateCount) {

    static KeaHaHeartbeat fromKea(String server, JsonNode args) {
        if (!args.path("state").isTextual()) {
            throw KeaProtocolError.of(server, "ha-heartbeat", "the answer has no \"state\"");
        }
        List<String> scopes = new ArrayList<>();
        args.path("scopes").forEach(s -> scopes.add(s.asText()));
        return new KeaHaHeartbeat(args.get("state").asText(), List.copyOf(scopes), args.path("date-time").asText(null),
                args.path("unsent-update-count").asLong(0));
    }
}
