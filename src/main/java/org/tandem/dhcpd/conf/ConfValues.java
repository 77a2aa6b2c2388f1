package org.tandem.dhcpd.conf;

import org.tandem.common.UserError;
import org.tandem.net.Ipv4Address;

/**
 * Checks every value that Tandem writes into dhcpd.conf, so a name or address from a user can never add
 * syntax: quotes, backslashes, braces, semicolons, {@code #}, newlines and other control characters are
 * refused with a {@link UserError} naming the field.
 */
public final class ConfValues {

    private ConfValues() {
    }

    /** A failover peer name: 1-64 of letters, digits, '.', '_', '-' (written quoted, so dhcpd takes any name). */
    public static String peerName(String field, String name) {
        if (name == null || name.isEmpty()) {
            throw UserError.invalid(field, "a failover peer name is required");
        }
        if (name.length() > 64) {
            throw UserError.invalid(field, "is " + name.length() + " characters long; at most 64 are allowed");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!ok) {
                throw UserError.invalid(field, "contains " + describe(c)
                        + "; use only letters, digits, '.', '_' and '-'");
            }
        }
        return name;
    }

    /** A peer address: a dotted-quad IPv4 address or a DNS host name (dhcpd resolves it at start-up). */
    public static String address(String field, String address) {
        if (address == null || address.isEmpty()) {
            throw UserError.invalid(field, "an IPv4 address or host name is required");
        }
        if (address.length() > 253) {
            throw UserError.invalid(field, "is longer than a host name can be (253 characters)");
        }
        boolean digitsAndDots = true;
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
            if (!ok) {
                throw UserError.invalid(field, "contains " + describe(c) + "; expected an IPv4 address like 192.0.2.1 or a host name");
            }
            digitsAndDots &= (c >= '0' && c <= '9') || c == '.';
        }
        if (digitsAndDots) {
            Ipv4Address.parse(field, address);
        } else if (address.startsWith(".") || address.startsWith("-") || address.contains("..")) {
            throw UserError.invalid(field, "\"" + address + "\" is not a valid host name");
        }
        return address;
    }

    /**
     * The statement for a host parameter Tandem writes ({@link DhcpdConfEditor#HOST_PARAMETERS}): {@code next-server} an
     * IPv4 address, the others a quoted name or path of letters, digits and {@code . _ / + : @ = , ~ -} only.
     */
    public static String hostParameter(String field, String keyword, String value) {
        if (keyword.equals("next-server")) {
            return "next-server " + Ipv4Address.parse(field, value) + ";";
        }
        if (!DhcpdConfEditor.HOST_PARAMETERS.contains(keyword)) {
            throw new IllegalArgumentException(keyword);
        }
        if (value == null || value.isEmpty() || value.length() > 253) {
            throw UserError.invalid(field, "must be 1 to 253 characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "._/+:@=,~-".indexOf(c) >= 0;
            if (!ok) {
                throw UserError.invalid(field, "contains " + describe(c) + "; use only letters, digits and . _ / + : @ = , ~ -");
            }
        }
        return keyword + " \"" + value + "\";";
    }

    /** A whole number in {@code [min, max]}. */
    public static int number(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw UserError.invalid(field, value + " is out of range; it must be from " + min + " to " + max);
        }
        return value;
    }

    /** An {@code hba} bitmap: 32 colon-separated hex bytes. */
    public static String hba(String field, String hba) {
        if (hba == null || !hba.matches("[0-9A-Fa-f]{1,2}(:[0-9A-Fa-f]{1,2}){31}")) {
            throw UserError.invalid(field, "must be 32 hex bytes separated by ':' (like ff:ff:...:00)");
        }
        return hba;
    }

    /** The text of a quoted dhcpd string without its quotes, escapes resolved; a bare word is returned as is. */
    public static String unquote(String word) {
        if (word.length() < 2 || word.charAt(0) != '"') {
            return word;
        }
        String inner = word.substring(1, word.length() - 1);
        if (inner.indexOf('\\') < 0) {
            return inner;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < inner.length(); i++) {
            char c = inner.charAt(i);
            if (c == '\\' && i + 1 < inner.length()) {
                char e = inner.charAt(++i);
                sb.append(switch (e) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case 'r' -> '\r';
                    case 'b' -> '\b';
                    default -> e;
                });
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String describe(char c) {
        if (c == '\n') {
            return "a line break";
        }
        if (c == '\r') {
            return "a carriage return";
        }
        if (c < 0x20 || c == 0x7F) {
            return "a control character (code " + (int) c + ")";
        }
        if (c > 0x7E) {
            return "a non-ASCII character (code " + (int) c + ")";
        }
        return "'" + c + "'";
    }
}
