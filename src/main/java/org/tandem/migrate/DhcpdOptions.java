package org.tandem.migrate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.tandem.common.UserError;
import org.tandem.dhcpd.conf.ConfValues;
import org.tandem.net.Ipv4Address;

/**
 * The DHCPv4 options dhcpd and Kea know by the same name and format, and the converter of a dhcpd value to Kea's
 * comma-separated {@code data}. An option not listed here is reported, never guessed: a same-named option of a
 * different format would make Kea refuse the whole config or, worse, send clients something else.
 */
final class DhcpdOptions {

    private DhcpdOptions() {
    }

    /** How Kea reads the option's {@code data} (its option definition's type). */
    enum Format {
        ADDRESS, ADDRESSES, TEXT, NAME, NAMES, BOOLEAN, NUMBER
    }

    private static final Map<String, Format> KNOWN = Map.ofEntries(
            Map.entry("subnet-mask", Format.ADDRESS),
            Map.entry("time-offset", Format.NUMBER),
            Map.entry("routers", Format.ADDRESSES),
            Map.entry("time-servers", Format.ADDRESSES),
            Map.entry("name-servers", Format.ADDRESSES),
            Map.entry("domain-name-servers", Format.ADDRESSES),
            Map.entry("log-servers", Format.ADDRESSES),
            Map.entry("cookie-servers", Format.ADDRESSES),
            Map.entry("lpr-servers", Format.ADDRESSES),
            Map.entry("impress-servers", Format.ADDRESSES),
            Map.entry("resource-location-servers", Format.ADDRESSES),
            Map.entry("host-name", Format.TEXT),
            Map.entry("boot-size", Format.NUMBER),
            Map.entry("merit-dump", Format.TEXT),
            Map.entry("domain-name", Format.NAME),
            Map.entry("swap-server", Format.ADDRESS),
            Map.entry("root-path", Format.TEXT),
            Map.entry("extensions-path", Format.TEXT),
            Map.entry("ip-forwarding", Format.BOOLEAN),
            Map.entry("non-local-source-routing", Format.BOOLEAN),
            Map.entry("max-dgram-reassembly", Format.NUMBER),
            Map.entry("default-ip-ttl", Format.NUMBER),
            Map.entry("path-mtu-aging-timeout", Format.NUMBER),
            Map.entry("interface-mtu", Format.NUMBER),
            Map.entry("all-subnets-local", Format.BOOLEAN),
            Map.entry("broadcast-address", Format.ADDRESS),
            Map.entry("perform-mask-discovery", Format.BOOLEAN),
            Map.entry("mask-supplier", Format.BOOLEAN),
            Map.entry("router-discovery", Format.BOOLEAN),
            Map.entry("router-solicitation-address", Format.ADDRESS),
            Map.entry("trailer-encapsulation", Format.BOOLEAN),
            Map.entry("arp-cache-timeout", Format.NUMBER),
            Map.entry("ieee802-3-encapsulation", Format.BOOLEAN),
            Map.entry("default-tcp-ttl", Format.NUMBER),
            Map.entry("tcp-keepalive-interval", Format.NUMBER),
            Map.entry("tcp-keepalive-garbage", Format.BOOLEAN),
            Map.entry("nis-domain", Format.TEXT),
            Map.entry("nis-servers", Format.ADDRESSES),
            Map.entry("ntp-servers", Format.ADDRESSES),
            Map.entry("netbios-name-servers", Format.ADDRESSES),
            Map.entry("netbios-dd-server", Format.ADDRESSES),
            Map.entry("netbios-node-type", Format.NUMBER),
            Map.entry("netbios-scope", Format.TEXT),
            Map.entry("font-servers", Format.ADDRESSES),
            Map.entry("x-display-manager", Format.ADDRESSES),
            Map.entry("nisplus-domain-name", Format.TEXT),
            Map.entry("nisplus-servers", Format.ADDRESSES),
            Map.entry("tftp-server-name", Format.TEXT),
            Map.entry("smtp-server", Format.ADDRESSES),
            Map.entry("pop-server", Format.ADDRESSES),
            Map.entry("nntp-server", Format.ADDRESSES),
            Map.entry("www-server", Format.ADDRESSES),
            Map.entry("domain-search", Format.NAMES));

    private static final Pattern HOST_NAME = Pattern.compile(
            "[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*\\.?");
    private static final Pattern NUMBER = Pattern.compile("-?[0-9]{1,10}");

    /** Every option name carried, with its format (for tests that try each on the real Kea). */
    static Map<String, Format> all() {
        return KNOWN;
    }

    /** True when Kea has an option of this dhcpd name in the same format. */
    static boolean known(String name) {
        return KNOWN.containsKey(name.toLowerCase(Locale.ROOT));
    }

    /**
     * Kea's {@code data} for option {@code name} with the dhcpd value words (after the name, commas included); a
     * value Kea would read differently is a {@link NotCarried} whose message is the reason it is not carried.
     */
    static String toKea(String name, List<String> words) {
        Format format = KNOWN.get(name.toLowerCase(Locale.ROOT));
        List<String> values = values(words);
        switch (format) {
            case ADDRESS, BOOLEAN, NUMBER, TEXT, NAME -> {
                if (values.size() != 1) {
                    throw reason("takes one value, " + values.size() + " given");
                }
            }
            default -> {
                if (values.isEmpty()) {
                    throw reason("has no value");
                }
            }
        }
        List<String> out = new ArrayList<>();
        for (String v : values) {
            out.add(switch (format) {
                case ADDRESS, ADDRESSES -> address(v);
                case TEXT -> text(v);
                case NAME, NAMES -> name(v);
                case BOOLEAN -> bool(v);
                case NUMBER -> number(v);
            });
        }
        return String.join(", ", out);
    }

    /** The values between the commas; an expression (parentheses, operators) is not a value list. */
    private static List<String> values(List<String> words) {
        List<String> out = new ArrayList<>();
        boolean wantValue = true;
        for (String w : words) {
            if (w.equals(",")) {
                if (wantValue) {
                    throw reason("is not a plain list of values");
                }
                wantValue = true;
            } else {
                if (!wantValue) {
                    throw reason("is an expression, not a plain value: Kea computes no option values");
                }
                out.add(w);
                wantValue = false;
            }
        }
        if (wantValue && !out.isEmpty()) {
            throw reason("ends with a comma");
        }
        return out;
    }

    private static String address(String v) {
        if (v.startsWith("\"") || !v.matches("[0-9.]+")) {
            // dhcpd resolves a host name once at start-up; Kea takes addresses only.
            throw reason("names \"" + ConfValues.unquote(v) + "\", not an IPv4 address: write the address, Kea does not resolve names");
        }
        try {
            return Ipv4Address.parse("option", v).toString();
        } catch (UserError e) {
            throw reason("\"" + v + "\" is not an IPv4 address");
        }
    }

    private static String text(String v) {
        if (!v.startsWith("\"")) {
            throw reason("is not a quoted string (hex data has no same-format Kea value)");
        }
        String s = ConfValues.unquote(v);
        // Kea splits csv data at commas and reads backslashes as escapes; refusing both keeps the text exact.
        if (s.isEmpty() || s.indexOf(',') >= 0 || s.indexOf('\\') >= 0 || s.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) {
            throw reason("\"" + s + "\" is empty or holds a comma, backslash or non-printable character, which Kea's data would change");
        }
        return s;
    }

    private static String name(String v) {
        String s = ConfValues.unquote(v);
        if (s.length() > 253 || !HOST_NAME.matcher(s).matches()) {
            throw reason("\"" + s + "\" is not a domain name");
        }
        return s;
    }

    private static String bool(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "on", "true" -> "true";
            case "off", "false" -> "false";
            default -> throw reason("\"" + v + "\" is not on/off");
        };
    }

    private static String number(String v) {
        if (!NUMBER.matcher(v).matches()) {
            throw reason("\"" + v + "\" is not a whole number");
        }
        return v;
    }

    private static NotCarried reason(String problem) {
        return new NotCarried(problem);
    }

    /** A dhcpd value the plan does not carry; the message is the reason, for an {@link Unexpressed} item. */
    static final class NotCarried extends RuntimeException {
        NotCarried(String reason) {
            super(reason, null, false, false);
        }
    }
}
