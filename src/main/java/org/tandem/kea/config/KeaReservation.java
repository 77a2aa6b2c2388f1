package org.tandem.kea.config;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import org.tandem.common.UserError;
import org.tandem.net.Ipv4Address;

/**
 * A host reservation as Kea has it: a client identified by one of Kea's identifier kinds, its address and name.
 * Read from a server, every kind and spelling Kea accepts is kept ({@link #identifier} as written); a reservation
 * Tandem writes is made with {@link #of}, which checks what goes into the JSON.
 *
 * @param kind       how the client is identified, or null for a reservation with none Kea 2.2 knows (never written)
 * @param identifier the identifier as the config spells it (hex with or without colons, or {@code 'text'} in quotes)
 * @param ipAddress  the reserved address, or null (Kea allows reservations of only a name, classes or options)
 * @param hostname   the reserved name, or null
 * @param bootFileName   {@code boot-file-name}, or null
 * @param serverHostname {@code server-hostname}, or null
 * @param nextServer     {@code next-server}, or null
 */
public record KeaReservation(Identifier kind, String identifier, Ipv4Address ipAddress, String hostname, String bootFileName,
        String serverHostname, String nextServer) {

    /** The reservation keys this type reads and writes besides the identifier and address. */
    public static final java.util.List<String> VALUE_KEYS = java.util.List.of("hostname", "boot-file-name", "server-hostname", "next-server");

    public KeaReservation(Identifier kind, String identifier, Ipv4Address ipAddress, String hostname) {
        this(kind, identifier, ipAddress, hostname, null, null, null);
    }

    /** Kea's host identifier kinds for DHCPv4, by the key that names them in a reservation. */
    public enum Identifier {
        HW_ADDRESS("hw-address"), CLIENT_ID("client-id"), DUID("duid"), CIRCUIT_ID("circuit-id"), FLEX_ID("flex-id");

        private final String key;

        Identifier(String key) {
            this.key = key;
        }

        /** The reservation key, e.g. {@code hw-address}. */
        public String key() {
            return key;
        }
    }

    public KeaReservation {
        if ((kind == null) != (identifier == null)) {
            throw new IllegalArgumentException("an identifier needs its kind");
        }
    }

    /**
     * A reservation Tandem writes: the identifier as colon-separated hex bytes ({@code 01:02:03}) or, for circuit-id
     * and flex-id, as {@code 'text'} (printable, no quote); the host name a plain name.
     */
    public static KeaReservation of(Identifier kind, String identifier, Ipv4Address ipAddress, String hostname) {
        Objects.requireNonNull(kind, "kind");
        if (identifier == null || identifier.isEmpty()) {
            throw UserError.invalid(kind.key(), "is required");
        }
        boolean quotedAllowed = kind == Identifier.CIRCUIT_ID || kind == Identifier.FLEX_ID;
        if (!(quotedAllowed && identifier.matches("'[\\x20-\\x26\\x28-\\x5b\\x5d-\\x7e]{1,128}'"))) {
            KeaNames.checkHex(kind.key(), identifier);
        }
        if (kind == Identifier.HW_ADDRESS && !identifier.matches("[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}")) {
            throw UserError.invalid(kind.key(), "\"" + KeaNames.clip(identifier) + "\" is not a MAC address like 00:11:22:33:44:55");
        }
        if (hostname != null && hostname.length() > 64) {
            KeaNames.checkHostName("hostname", hostname);   // a long FQDN (Micetro's ddnsHostName)
        } else {
            KeaNames.checkName("hostname", hostname);
        }
        return new KeaReservation(kind, identifier, ipAddress, hostname);
    }

    /** This reservation with the boot values given (each checked; null for none). */
    public KeaReservation withBoot(String bootFileName, String serverHostname, String nextServer) {
        return new KeaReservation(kind, identifier, ipAddress, hostname, checkValue("boot-file-name", bootFileName),
                checkValue("server-hostname", serverHostname), checkValue("next-server", nextServer));
    }

    /**
     * Checks a value Tandem writes under one of {@link #VALUE_KEYS}: host names as names, a boot file as a plain path,
     * next-server as an IPv4 address. JSON escaping already stops injection; these keep values to what Kea takes.
     */
    public static String checkValue(String key, String value) {
        if (value == null) {
            return null;
        }
        switch (key) {
            case "hostname", "server-hostname" -> KeaNames.checkHostName(key, value);
            case "boot-file-name" -> {
                if (!value.matches("[A-Za-z0-9._/+:@=,~-]{1,128}")) {
                    throw UserError.invalid(key, "\"" + KeaNames.clip(value) + "\" is not a boot file name");
                }
            }
            case "next-server" -> Ipv4Address.parse(key, value);
            default -> throw new IllegalArgumentException(key);
        }
        return value;
    }

    /** The value of one of {@link #VALUE_KEYS}. */
    public String value(String key) {
        return switch (key) {
            case "hostname" -> hostname;
            case "boot-file-name" -> bootFileName;
            case "server-hostname" -> serverHostname;
            case "next-server" -> nextServer;
            default -> throw new IllegalArgumentException(key);
        };
    }

    /** The identifier as lower-case colon-separated hex bytes however it is written; a text that is neither stays as it is. */
    public String identifierHex() {
        return identifier == null ? null : hex(identifier);
    }

    /** Whether this reservation names the client {@code kind} {@code identifier} (any spelling) at {@code address}. */
    public boolean matches(Identifier otherKind, String otherIdentifier, Ipv4Address address) {
        return kind == otherKind && kind != null && identifierHex().equals(hex(otherIdentifier))
                && Objects.equals(ipAddress, address);
    }

    /** {@code 'abc'} → {@code 61:62:63}; {@code 0A0B}, {@code 0a:0b} → {@code 0a:0b}. */
    public static String hex(String text) {
        String t = text.strip();
        byte[] bytes;
        if (t.length() >= 2 && t.startsWith("'") && t.endsWith("'")) {
            bytes = t.substring(1, t.length() - 1).getBytes(StandardCharsets.UTF_8);
        } else {
            String digits = t.toLowerCase(Locale.ROOT).replace(":", "").replace("-", "").replace(" ", "");
            if (digits.startsWith("0x")) {
                digits = digits.substring(2);
            }
            if (digits.isEmpty() || digits.length() % 2 != 0 || !digits.matches("[0-9a-f]+")) {
                return t.toLowerCase(Locale.ROOT);
            }
            bytes = HexFormat.of().parseHex(digits);
        }
        return HexFormat.ofDelimiter(":").formatHex(bytes);
    }
}
