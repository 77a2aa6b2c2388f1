package org.tandem.net;

import org.tandem.common.UserError;

/**
 * An IPv4 address held as an unsigned 32-bit value in a long, so addresses order and subtract naturally
 * and store as a BIGINT that both H2 and PostgreSQL index.
 */
public record Ipv4Address(long value) implements Comparable<Ipv4Address> {

    public static final long MAX = 0xFFFF_FFFFL;

    public Ipv4Address {
        if (value < 0 || value > MAX) {
            throw new IllegalArgumentException("not an IPv4 address value: " + value);
        }
    }

    /**
     * Parses dotted-quad text strictly: four decimal octets 0-255, no leading zeros (which some tools
     * read as octal), no spaces. A bad value is a {@link UserError} naming {@code field}.
     */
    public static Ipv4Address parse(String field, String text) {
        if (text == null || text.isEmpty()) {
            throw UserError.invalid(field, "an IPv4 address is required");
        }
        long value = 0;
        int octets = 0;
        int i = 0;
        int n = text.length();
        while (i <= n) {
            int start = i;
            int octet = 0;
            while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                octet = octet * 10 + (text.charAt(i) - '0');
                i++;
                if (i - start > 3) {
                    break;
                }
            }
            int digits = i - start;
            boolean leadingZero = digits > 1 && text.charAt(start) == '0';
            if (digits == 0 || digits > 3 || octet > 255 || leadingZero) {
                throw UserError.invalid(field, "\"" + clip(text) + "\" is not an IPv4 address (expected four numbers 0-255 like 192.0.2.10)");
            }
            value = (value << 8) | octet;
            octets++;
            if (i == n) {
                break;
            }
            if (text.charAt(i) != '.' || octets == 4) {
                throw UserError.invalid(field, "\"" + clip(text) + "\" is not an IPv4 address (expected four numbers 0-255 like 192.0.2.10)");
            }
            i++;
        }
        if (octets != 4) {
            throw UserError.invalid(field, "\"" + clip(text) + "\" is not an IPv4 address (expected four numbers 0-255 like 192.0.2.10)");
        }
        return new Ipv4Address(value);
    }

    /** True when {@code text} is a strictly formed dotted-quad address. */
    public static boolean isValid(String text) {
        try {
            parse("address", text);
            return true;
        } catch (UserError e) {
            return false;
        }
    }

    public Ipv4Address plus(long delta) {
        return new Ipv4Address(value + delta);
    }

    @Override
    public int compareTo(Ipv4Address other) {
        return Long.compare(value, other.value);
    }

    @Override
    public String toString() {
        return ((value >> 24) & 0xFF) + "." + ((value >> 16) & 0xFF) + "." + ((value >> 8) & 0xFF) + "." + (value & 0xFF);
    }

    /** Shortens hostile or huge input before it goes into an error message. */
    static String clip(String text) {
        String oneLine = text.replaceAll("\\p{Cntrl}", "?");
        return oneLine.length() <= 64 ? oneLine : oneLine.substring(0, 61) + "...";
    }
}
