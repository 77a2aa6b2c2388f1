package org.tandem.scope;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tandem.net.Ipv4Address;

/** A fixed address for one client inside a scope. */
public record Reservation(long id, long scopeId, String name, String clientIdentifier, Method method,
        Ipv4Address address, String description) {

    public static final String RESOURCE = "dhcpReservations";
    public static final String OBJ_TYPE = "DHCPReservation";

    /**
     * How the client is recognised: Micetro's reservationMethod values, then Kea's other host identifiers (Kea only).
     * Each knows the key Kea names it by in a reservation.
     */
    public enum Method {
        HardwareAddress("hw-address"), ClientIdentifier("client-id"), DUID("duid"), CircuitId("circuit-id"), FlexId("flex-id");

        private final String keaKey;

        Method(String keaKey) {
            this.keaKey = keaKey;
        }

        /** The reservation key of this identifier in Kea's JSON, e.g. {@code hw-address}. */
        public String keaKey() {
            return keaKey;
        }

        /** The method named by Kea's reservation key. */
        public static java.util.Optional<Method> ofKeaKey(String key) {
            return java.util.Arrays.stream(values()).filter(m -> m.keaKey.equals(key)).findFirst();
        }
    }

    public String ref() {
        return RESOURCE + "/" + id;
    }

    public String scopeRef() {
        return DhcpScope.RESOURCE + "/" + scopeId;
    }

    public String describe() {
        return "reservation \"" + name + "\" (" + ref() + ", " + address + ")";
    }

    public Map<String, Object> snapshot() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ref", ref());
        m.put("name", name);
        m.put("clientIdentifier", clientIdentifier);
        m.put("reservationMethod", method.name());
        m.put("addresses", List.of(address.toString()));
        m.put("description", description);
        m.put("ownerRef", scopeRef());
        return m;
    }
}
