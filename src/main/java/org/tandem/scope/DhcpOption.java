package org.tandem.scope;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.tandem.common.UserError;
import org.tandem.net.Ipv4Address;

/**
 * The DHCPv4 options Tandem sets on scopes: each with its code, its name in dhcpd.conf and in Kea (they differ for
 * option 67), and the type its value is checked against. A value is held as its items, already checked, so what is
 * written to a server can only be addresses, numbers, flags, host names or plain text.
 */
public record DhcpOption(int code, String dhcpdName, String keaName, Type type) {

    /** What an option's value is made of. */
    public enum Type {
        IP("an IPv4 address"),
        IP_LIST("IPv4 addresses separated by commas"),
        TEXT("text"),
        DOMAIN_LIST("domain names separated by commas"),
        UINT8("a whole number from 0 to 255"),
        UINT16("a whole number from 0 to 65535"),
        UINT32("a whole number from 0 to 4294967295"),
        INT32("a whole number from -2147483648 to 2147483647"),
        BOOLEAN("true or false");

        public final String described;

        Type(String described) {
            this.described = described;
        }

        /** Whether a value holds one or more items (written separated by commas). */
        public boolean isList() {
            return this == IP_LIST || this == DOMAIN_LIST;
        }

        /** Whether dhcpd writes each item as a quoted string. */
        public boolean isQuoted() {
            return this == TEXT || this == DOMAIN_LIST;
        }
    }

    /** A checked value: one item, or several for a list type. */
    public record Value(DhcpOption option, List<String> items) {
        public Value {
            items = List.copyOf(items);
        }

        /** Micetro's form: the items joined by commas, as Micetro's Ansible collection sends lists. */
        public String toMicetro() {
            return String.join(",", items);
        }
    }

    /** Options Tandem models; any other option on a server is listed as it is and kept. */
    public static final List<DhcpOption> KNOWN = List.of(
            new DhcpOption(1, "subnet-mask", "subnet-mask", Type.IP),
            new DhcpOption(2, "time-offset", "time-offset", Type.INT32),
            new DhcpOption(3, "routers", "routers", Type.IP_LIST),
            new DhcpOption(4, "time-servers", "time-servers", Type.IP_LIST),
            new DhcpOption(6, "domain-name-servers", "domain-name-servers", Type.IP_LIST),
            new DhcpOption(7, "log-servers", "log-servers", Type.IP_LIST),
            new DhcpOption(12, "host-name", "host-name", Type.TEXT),
            new DhcpOption(15, "domain-name", "domain-name", Type.TEXT),
            new DhcpOption(19, "ip-forwarding", "ip-forwarding", Type.BOOLEAN),
            new DhcpOption(23, "default-ip-ttl", "default-ip-ttl", Type.UINT8),
            new DhcpOption(26, "interface-mtu", "interface-mtu", Type.UINT16),
            new DhcpOption(28, "broadcast-address", "broadcast-address", Type.IP),
            new DhcpOption(40, "nis-domain", "nis-domain", Type.TEXT),
            new DhcpOption(41, "nis-servers", "nis-servers", Type.IP_LIST),
            new DhcpOption(42, "ntp-servers", "ntp-servers", Type.IP_LIST),
            new DhcpOption(44, "netbios-name-servers", "netbios-name-servers", Type.IP_LIST),
            new DhcpOption(45, "netbios-dd-server", "netbios-dd-server", Type.IP_LIST),
            new DhcpOption(46, "netbios-node-type", "netbios-node-type", Type.UINT8),
            new DhcpOption(47, "netbios-scope", "netbios-scope", Type.TEXT),
            new DhcpOption(51, "dhcp-lease-time", "dhcp-lease-time", Type.UINT32),
            new DhcpOption(58, "dhcp-renewal-time", "dhcp-renewal-time", Type.UINT32),
            new DhcpOption(59, "dhcp-rebinding-time", "dhcp-rebinding-time", Type.UINT32),
            new DhcpOption(66, "tftp-server-name", "tftp-server-name", Type.TEXT),
            new DhcpOption(67, "bootfile-name", "boot-file-name", Type.TEXT),
            new DhcpOption(69, "smtp-server", "smtp-server", Type.IP_LIST),
            new DhcpOption(70, "pop-server", "pop-server", Type.IP_LIST),
            new DhcpOption(72, "www-server", "www-server", Type.IP_LIST),
            new DhcpOption(119, "domain-search", "domain-search", Type.DOMAIN_LIST));

    private static final Pattern CODE = Pattern.compile("[0-9]{1,3}");
    private static final Pattern DOMAIN = Pattern.compile("(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
            + "(\\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\\.?");

    /** Micetro's name for the option: {@code ::CODE} (no vendor class, no user class), as Micetro's Ansible collection sends it. */
    public String micetroId() {
        return "::" + code;
    }

    public static Optional<DhcpOption> byCode(int code) {
        return KNOWN.stream().filter(o -> o.code == code).findFirst();
    }

    /** The option with this dhcpd or Kea name (in any case). */
    public static Optional<DhcpOption> byName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return KNOWN.stream().filter(o -> o.dhcpdName.equals(n) || o.keaName.equals(n)).findFirst();
    }

    /**
     * What a client named: a code ({@code 3}, {@code 003}), Micetro's {@code ::3} (vendor and user class empty),
     * or a name; as given otherwise (the option may still be one Tandem does not model, for removal).
     */
    public record Name(String text, Integer code) {
        /** The known option this names, if any. */
        public Optional<DhcpOption> known() {
            return code != null ? byCode(code) : byName(text);
        }
    }

    /** Reads an option as a client names it; refuses what cannot name an option (vendor or user classes, odd characters). */
    public static Name parseName(String field, String given) {
        if (given == null || given.isBlank()) {
            throw UserError.invalid(field, "is required: an option code like \"3\" or \"::3\", or a name like \"routers\"");
        }
        String t = given.strip();
        if (t.contains(":")) {
            int last = t.lastIndexOf(':');
            String classes = t.substring(0, last);
            if (!classes.replace(":", "").isEmpty()) {
                throw UserError.invalid(field, "\"" + clip(t) + "\" names a vendor or user class; Tandem sets scope options without"
                        + " classes (write \"::CODE\" or the code alone)");
            }
            t = t.substring(last + 1);
        }
        if (CODE.matcher(t).matches()) {
            int code = Integer.parseInt(t);
            if (code < 1 || code > 254) {
                throw UserError.invalid(field, "option code " + code + " is outside 1..254");
            }
            return new Name(String.valueOf(code), code);
        }
        if (!t.matches("[A-Za-z][A-Za-z0-9_.-]{0,63}")) {
            throw UserError.invalid(field, "\"" + clip(given) + "\" is neither an option code nor an option name"
                    + " (letters, digits, '-', '_' and '.')");
        }
        return new Name(t.toLowerCase(Locale.ROOT), null);
    }

    /** Checks {@code text} against this option's type; errors name {@code field} and say what the option takes. */
    public Value parse(String field, String text) {
        if (text == null) {
            throw UserError.invalid(field, "is required");
        }
        String what = "option " + code + " (" + dhcpdName + ") takes " + type.described;
        List<String> items = new ArrayList<>();
        if (type.isList()) {
            for (String part : text.split(",", -1)) {
                items.add(part.strip());
            }
        } else {
            items.add(type == Type.TEXT ? text : text.strip());
        }
        List<String> out = new ArrayList<>();
        for (String item : items) {
            out.add(item(field, what, item));
        }
        return new Value(this, out);
    }

    private String item(String field, String what, String item) {
        if (item.isEmpty()) {
            throw UserError.invalid(field, what + "; an item is empty");
        }
        switch (type) {
            case IP, IP_LIST -> {
                if (!Ipv4Address.isValid(item)) {
                    throw UserError.invalid(field, what + "; \"" + clip(item) + "\" is not an IPv4 address");
                }
                return Ipv4Address.parse(field, item).toString();
            }
            case DOMAIN_LIST -> {
                if (!DOMAIN.matcher(item).matches()) {
                    throw UserError.invalid(field, what + "; \"" + clip(item) + "\" is not a domain name");
                }
                return item;
            }
            case TEXT -> {
                return text(field, what, item);
            }
            case BOOLEAN -> {
                return switch (item.toLowerCase(Locale.ROOT)) {
                    case "true", "on", "1" -> "true";
                    case "false", "off", "0" -> "false";
                    default -> throw UserError.invalid(field, what + "; \"" + clip(item) + "\" is neither");
                };
            }
            default -> {
                long min = type == Type.INT32 ? Integer.MIN_VALUE : 0;
                long max = switch (type) {
                    case UINT8 -> 255;
                    case UINT16 -> 65535;
                    case UINT32 -> 4294967295L;
                    default -> Integer.MAX_VALUE;
                };
                if (!item.matches("-?[0-9]{1,10}") || Long.parseLong(item) < min || Long.parseLong(item) > max) {
                    throw UserError.invalid(field, what + "; \"" + clip(item) + "\" is not one");
                }
                return String.valueOf(Long.parseLong(item));
            }
        }
    }

    /**
     * Plain text: printable ASCII without quotes, backslashes or commas. dhcpd would take escapes and Kea commas as
     * escaped field separators; refusing them keeps one meaning for both servers and no way out of a string.
     */
    private static String text(String field, String what, String item) {
        if (item.length() > 255) {
            throw UserError.invalid(field, what + "; it is " + item.length() + " characters long, at most 255 fit in an option");
        }
        for (int i = 0; i < item.length(); i++) {
            char c = item.charAt(i);
            if (c < 0x20 || c > 0x7E || c == '"' || c == '\\' || c == ',') {
                throw UserError.invalid(field, what + " of printable ASCII characters without '\"', '\\' and ','; it contains "
                        + describe(c));
            }
        }
        return item;
    }

    private static String describe(char c) {
        if (c == '\n') {
            return "a line break";
        }
        if (c < 0x20 || c == 0x7F) {
            return "a control character (code " + (int) c + ")";
        }
        if (c > 0x7E) {
            return "a non-ASCII character (code " + (int) c + ")";
        }
        return "'" + c + "'";
    }

    private static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
