package org.tandem.net;

import org.tandem.common.UserError;

/** An inclusive range of IPv4 addresses, such as a subnet (a CIDR block) or a pool's from-to. */
public record Ipv4Range(Ipv4Address first, Ipv4Address last) {

    public Ipv4Range {
        if (first.compareTo(last) > 0) {
            throw new IllegalArgumentException("range starts after it ends: " + first + "-" + last);
        }
    }

    /** Parses {@code 192.0.2.0/24}; the address must be the network address of the prefix. */
    public static Ipv4Range parseCidr(String field, String text) {
        if (text == null || text.isEmpty()) {
            throw UserError.invalid(field, "a subnet like 192.0.2.0/24 is required");
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw UserError.invalid(field, "\"" + Ipv4Address.clip(text) + "\" is not a subnet (expected address/prefix like 192.0.2.0/24)");
        }
        Ipv4Address network = Ipv4Address.parse(field, text.substring(0, slash));
        String bits = text.substring(slash + 1);
        if (!bits.matches("[0-9]{1,2}") || Integer.parseInt(bits) > 32) {
            throw UserError.invalid(field, "prefix length \"" + Ipv4Address.clip(bits) + "\" must be a number from 0 to 32");
        }
        int prefix = Integer.parseInt(bits);
        Ipv4Range range = ofPrefix(network, prefix);
        if (!range.first().equals(network)) {
            throw UserError.invalid(field, text + " has host bits set; the network is " + range.first() + "/" + prefix);
        }
        return range;
    }

    /** The block of {@code prefix} bits that contains {@code address}. */
    public static Ipv4Range ofPrefix(Ipv4Address address, int prefix) {
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("prefix " + prefix);
        }
        long size = 1L << (32 - prefix);
        long first = address.value() & ~(size - 1) & Ipv4Address.MAX;
        return new Ipv4Range(new Ipv4Address(first), new Ipv4Address(first + size - 1));
    }

    /** Parses a from-to pair, naming the fields in errors. */
    public static Ipv4Range parse(String fromField, String from, String toField, String to) {
        Ipv4Address a = Ipv4Address.parse(fromField, from);
        Ipv4Address b = Ipv4Address.parse(toField, to);
        if (a.compareTo(b) > 0) {
            throw UserError.invalid(toField, to + " comes before " + fromField + " " + from);
        }
        return new Ipv4Range(a, b);
    }

    public long size() {
        return last.value() - first.value() + 1;
    }

    public boolean contains(Ipv4Address address) {
        return first.compareTo(address) <= 0 && address.compareTo(last) <= 0;
    }

    public boolean contains(Ipv4Range other) {
        return contains(other.first) && contains(other.last);
    }

    public boolean overlaps(Ipv4Range other) {
        return first.compareTo(other.last) <= 0 && other.first.compareTo(last) <= 0;
    }

    /** The prefix length when this range is exactly one CIDR block, else -1. */
    public int prefixLength() {
        long size = size();
        if (Long.bitCount(size) != 1 || (first.value() & (size - 1)) != 0) {
            return -1;
        }
        return 32 - Long.numberOfTrailingZeros(size);
    }

    /** {@code 192.0.2.0/24} for a CIDR block, else {@code 192.0.2.10-192.0.2.20}. */
    @Override
    public String toString() {
        int prefix = prefixLength();
        return prefix >= 0 ? first + "/" + prefix : first + "-" + last;
    }
}
