package org.tandem.scope;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tandem.net.Ipv4Address;

/**
 * A fixed address for one client inside a scope, with what the server tells that client besides the address
 * ({@link Boot}).
 */
public record Reservation(long id, long scopeId, String name, String clientIdentifier, Method method,
        Ipv4Address address, String description, Boot boot) {

    public Reservation {
        boot = boot == null ? Boot.NONE : boot;
    }

    public Reservation(long id, long scopeId, String name, String clientIdentifier, Method method, Ipv4Address address, String description) {
        this(id, scopeId, name, clientIdentifier, method, address, description, Boot.NONE);
    }

    /**
     * Micetro's reservation fields beyond the client and address, each null when not set: {@code ddnsHostName} (dhcpd
     * {@code ddns-hostname}, Kea {@code hostname}), {@code filename} (dhcpd {@code filename}, Kea {@code boot-file-name}),
     * {@code serverName} (dhcpd {@code server-name}, Kea {@code server-hostname}) and {@code nextServer} (dhcpd and Kea
     * {@code next-server}). {@link #of} checks them: they end up inside dhcpd.conf strings and Kea JSON.
     */
    public record Boot(String ddnsHostName, String filename, String serverName, String nextServer) {

        public static final Boot NONE = new Boot(null, null, null, null);
        /** The API's names of the four fields, in order. */
        public static final List<String> FIELDS = List.of("ddnsHostName", "filename", "serverName", "nextServer");

        private static final java.util.regex.Pattern HOST =
                java.util.regex.Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*\\.?");
        // A boot file path: no quote, backslash, space, ';', braces, '#' or control character can reach dhcpd.conf.
        private static final java.util.regex.Pattern FILE = java.util.regex.Pattern.compile("[A-Za-z0-9._/+:@=,~-]{1,128}");

        /** Checks each value (empty text means not set, as Micetro's clients send it); errors name {@code field.<name>}. */
        public static Boot of(String field, String ddnsHostName, String filename, String serverName, String nextServer) {
            return new Boot(host(field + ".ddnsHostName", ddnsHostName, 253), file(field + ".filename", filename),
                    host(field + ".serverName", serverName, 64), address(field + ".nextServer", nextServer));
        }

        /** Whether {@code name} may be a ddnsHostName (or server name): dot-separated labels, at most 253 characters. */
        public static boolean isHostName(String name) {
            return name != null && name.length() <= 253 && HOST.matcher(name).matches();
        }

        /** The value of the API field {@code name}. */
        public String get(String name) {
            return switch (name) {
                case "ddnsHostName" -> ddnsHostName;
                case "filename" -> filename;
                case "serverName" -> serverName;
                case "nextServer" -> nextServer;
                default -> throw new IllegalArgumentException(name);
            };
        }

        /** This with the fields named in {@code given} taken from {@code changes} (null there clears). */
        public Boot with(Boot changes, java.util.Set<String> given) {
            return new Boot(given.contains("ddnsHostName") ? changes.ddnsHostName : ddnsHostName,
                    given.contains("filename") ? changes.filename : filename,
                    given.contains("serverName") ? changes.serverName : serverName,
                    given.contains("nextServer") ? changes.nextServer : nextServer);
        }

        private static String host(String field, String v, int max) {
            if (v == null || v.isEmpty()) {
                return null;
            }
            if (v.length() > max || !HOST.matcher(v).matches()) {
                throw org.tandem.common.UserError.invalid(field, "\"" + org.tandem.common.Text.clip(v) + "\" is not a host name"
                        + " (labels of letters, digits, '_' and '-' separated by dots, at most " + max + " characters)");
            }
            return v;
        }

        private static String file(String field, String v) {
            if (v == null || v.isEmpty()) {
                return null;
            }
            if (!FILE.matcher(v).matches()) {
                throw org.tandem.common.UserError.invalid(field, "\"" + org.tandem.common.Text.clip(v) + "\" is not a boot file name:"
                        + " use 1 to 128 letters, digits and . _ / + : @ = , ~ -");
            }
            return v;
        }

        private static String address(String field, String v) {
            if (v == null || v.isEmpty()) {
                return null;
            }
            return Ipv4Address.parse(field, v).toString();
        }
    }

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
        for (String f : Boot.FIELDS) {
            if (boot.get(f) != null) {
                m.put(f, boot.get(f));
            }
        }
        return m;
    }
}
