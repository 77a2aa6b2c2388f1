package org.tandem.dhcpd.leases;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.tandem.common.UserError;
import org.tandem.dhcpd.DhcpdFailoverState;
import org.tandem.net.Ipv4Address;

/**
 * Parses dhcpd.leases (dhcpd 4.4, see dhcpd.leases(5) and server/db.c, the writer). Written by hand:
 * no Java library reads this format.
 *
 * <p>Strict on structure: every statement must end with {@code ;} or a balanced block, braces
 * must match, and the values Tandem interprets (addresses, dates, binding and failover states)
 * must be valid; any violation is a {@link LeasesParseException} naming the line. Statements it
 * does not interpret inside a lease ({@code set}, {@code on expiry}, options) and top-level
 * records other than leases and failover states ({@code host}, {@code server-duid}, ...) are
 * skipped whole.
 */
public final class LeasesParser {

    /** Top-level records dhcpd writes that Tandem does not use; anything else is an error. */
    private static final Set<String> SKIPPED_TOP_LEVEL = Set.of(
            "server-duid", "authoring-byte-order", "db-time-format", "host", "group", "subclass", "class",
            "ia-na", "ia-ta", "ia-pd");

    private final Lexer lexer;
    private Token peeked;
    private Token last;

    private LeasesParser(String text) {
        this.lexer = new Lexer(text);
    }

    /** Parses a whole leases file. */
    public static LeasesFile parse(String text) {
        return new LeasesParser(text).file();
    }

    private LeasesFile file() {
        Map<Ipv4Address, Lease> leases = new HashMap<>();
        Map<String, PeerStateRecord> states = new LinkedHashMap<>();
        while (!atEnd()) {
            Token t = next();
            if (t.type != Type.WORD) {
                throw error(t, "expected a record such as \"lease\" or \"failover peer\", found " + t.describe());
            }
            String word = t.text.toLowerCase(Locale.ROOT);
            if (word.equals("lease")) {
                Lease lease = lease(t);
                leases.put(lease.address(), lease);
            } else if (word.equals("failover")) {
                PeerStateRecord s = peerState(t);
                states.put(s.relationship(), s);
            } else if (SKIPPED_TOP_LEVEL.contains(word)) {
                skipStatement(t);
            } else {
                throw error(t, "unknown record \"" + t.text + "\"");
            }
        }
        List<Lease> sorted = new ArrayList<>(leases.values());
        sorted.sort(Comparator.comparing(Lease::address));
        return new LeasesFile(sorted, states);
    }

    private Lease lease(Token start) {
        Token addr = expect(Type.WORD, "a lease address");
        Ipv4Address address;
        try {
            address = Ipv4Address.parse("lease", addr.text);
        } catch (UserError e) {
            throw error(addr, "\"" + addr.text + "\" is not an IPv4 address");
        }
        expect(Type.OPEN, "\"{\" after the lease address");
        BindingState binding = null;
        BindingState next = null;
        BindingState rewind = null;
        Instant starts = null;
        Instant ends = null;
        Instant cltt = null;
        Instant tstp = null;
        Instant tsfp = null;
        Instant atsfp = null;
        String hardware = null;
        String uid = null;
        String hostname = null;
        while (true) {
            Token t = nextOr(start, "the lease has no closing \"}\"");
            if (t.type == Type.CLOSE) {
                break;
            }
            if (t.type != Type.WORD) {
                throw error(t, "expected a lease statement, found " + t.describe());
            }
            switch (t.text.toLowerCase(Locale.ROOT)) {
                case "starts" -> starts = date(t);
                case "ends" -> ends = date(t);
                case "cltt" -> cltt = date(t);
                case "tstp" -> tstp = date(t);
                case "tsfp" -> tsfp = date(t);
                case "atsfp" -> atsfp = date(t);
                case "binding" -> binding = bindingState(t);
                case "next" -> {
                    expectWord("binding");
                    next = bindingState(t);
                }
                case "rewind" -> {
                    expectWord("binding");
                    rewind = bindingState(t);
                }
                case "hardware" -> hardware = hardware(t);
                case "uid" -> uid = uid(t);
                case "client-hostname" -> {
                    hostname = expect(Type.STRING, "a quoted client-hostname").text;
                    expect(Type.SEMI, "\";\" after client-hostname");
                }
                default -> skipStatement(t);
            }
        }
        if (binding == null) {
            binding = BindingState.FREE;
        }
        return new Lease(address, binding, next, rewind, starts, ends, cltt, tstp, tsfp, atsfp, hardware, uid, hostname, start.line);
    }

    private PeerStateRecord peerState(Token start) {
        expectWord("peer");
        String name = expect(Type.STRING, "the quoted relationship name").text;
        expectWord("state");
        expect(Type.OPEN, "\"{\" after failover peer \"" + name + "\" state");
        DhcpdFailoverState my = null;
        Instant myAt = null;
        DhcpdFailoverState partner = null;
        Instant partnerAt = null;
        Long mclt = null;
        while (true) {
            Token t = nextOr(start, "the failover state block has no closing \"}\"");
            if (t.type == Type.CLOSE) {
                break;
            }
            String word = t.type == Type.WORD ? t.text.toLowerCase(Locale.ROOT) : "";
            switch (word) {
                case "my", "partner" -> {
                    expectWord("state");
                    Token st = expect(Type.WORD, "a failover state name");
                    DhcpdFailoverState state = DhcpdFailoverState.fromDhcpdName(st.text)
                            .orElseThrow(() -> error(st, "\"" + st.text + "\" is not a dhcpd failover state"));
                    Instant at = null;
                    Token after = peek();
                    if (after != null && after.type == Type.WORD && after.text.equalsIgnoreCase("at")) {
                        next();
                        at = date(after);
                    } else {
                        expect(Type.SEMI, "\";\" or \"at DATE;\" after the state");
                    }
                    if (word.equals("my")) {
                        my = state;
                        myAt = at;
                    } else {
                        partner = state;
                        partnerAt = at;
                    }
                }
                case "mclt" -> {
                    Token n = expect(Type.WORD, "the mclt in seconds");
                    mclt = number(n, "mclt");
                    expect(Type.SEMI, "\";\" after mclt");
                }
                default -> throw error(t, "expected \"my state\", \"partner state\" or \"mclt\" in a failover state block, found "
                        + t.describe());
            }
        }
        if (my == null) {
            throw error(start, "failover peer \"" + name + "\" state block has no \"my state\"");
        }
        if (partner == null) {
            throw error(start, "failover peer \"" + name + "\" state block has no \"partner state\"");
        }
        return new PeerStateRecord(name, my, myAt, partner, partnerAt, mclt, start.line);
    }

    private BindingState bindingState(Token t) {
        expectWord("state");
        Token st = expect(Type.WORD, "a binding state");
        BindingState s = BindingState.fromDhcpdName(st.text)
                .orElseThrow(() -> error(st, "\"" + st.text + "\" is not a binding state"));
        expect(Type.SEMI, "\";\" after the binding state");
        return s;
    }

    private String hardware(Token t) {
        Token type = expect(Type.WORD, "a hardware type");
        Token mac = expect(Type.WORD, "a hardware address");
        String hex = colonHex(mac, "hardware address");
        expect(Type.SEMI, "\";\" after the hardware address");
        return type.text.toLowerCase(Locale.ROOT) + " " + hex;
    }

    private String uid(Token t) {
        Token v = next();
        if (v == null) {
            throw error(t, "uid has no value");
        }
        String hex;
        if (v.type == Type.STRING) {
            hex = toHex(v.bytes);
        } else if (v.type == Type.WORD) {
            hex = colonHex(v, "uid");
        } else {
            throw error(v, "expected a uid, found " + v.describe());
        }
        expect(Type.SEMI, "\";\" after the uid");
        return hex;
    }

    /** {@code W YYYY/MM/DD HH:MM:SS;} (UTC), {@code epoch N;} or {@code never;}. */
    private Instant date(Token start) {
        Token first = expect(Type.WORD, "a date");
        Instant result;
        if (first.text.equalsIgnoreCase("never")) {
            result = Instant.MAX;
        } else if (first.text.equalsIgnoreCase("epoch")) {
            Token n = expect(Type.WORD, "seconds after \"epoch\"");
            result = Instant.ofEpochSecond(number(n, "epoch seconds"));
        } else {
            Token day = expect(Type.WORD, "a date YYYY/MM/DD");
            Token time = expect(Type.WORD, "a time HH:MM:SS");
            number(first, "weekday");
            result = dateTime(day, time);
        }
        expect(Type.SEMI, "\";\" after the date");
        return result;
    }

    /** {@code YYYY/MM/DD} and {@code HH:MM:SS} in UTC, read digit by digit (this runs once per lease time). */
    private Instant dateTime(Token day, Token time) {
        String d = day.text;
        String t = time.text;
        int slash1 = d.indexOf('/');
        int slash2 = d.indexOf('/', slash1 + 1);
        if (slash1 < 1 || slash2 < 0 || t.length() != 8 || t.charAt(2) != ':' || t.charAt(5) != ':') {
            throw error(day, "expected a date like 0 2026/11/22 03:27:17, found \"" + d + " " + t + "\"");
        }
        int year = digits(d, 0, slash1);
        int month = digits(d, slash1 + 1, slash2);
        int dom = digits(d, slash2 + 1, d.length());
        int h = digits(t, 0, 2);
        int m = digits(t, 3, 5);
        int sec = digits(t, 6, 8);
        if (year < 0 || month < 1 || month > 12 || dom < 1 || h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 60) {
            throw error(day, "\"" + d + " " + t + "\" is not a valid date and time");
        }
        try {
            long epochDay = LocalDate.of(year, month, dom).toEpochDay();
            return Instant.ofEpochSecond(epochDay * 86400 + h * 3600L + m * 60L + sec);
        } catch (DateTimeException e) {
            throw error(day, "\"" + d + " " + t + "\" is not a valid date and time");
        }
    }

    /** The decimal number in {@code s[from, to)}, or -1 when it is empty, too long or not all digits. */
    private static int digits(String s, int from, int to) {
        if (to <= from || to - from > 9) {
            return -1;
        }
        int v = 0;
        for (int k = from; k < to; k++) {
            char c = s.charAt(k);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private long number(Token t, String what) {
        if (t.text.isEmpty() || t.text.length() > 18 || !t.text.chars().allMatch(Character::isDigit)) {
            throw error(t, what + " \"" + t.text + "\" is not a number");
        }
        return Long.parseLong(t.text);
    }

    private String colonHex(Token t, String what) {
        String[] parts = t.text.split(":", -1);
        StringBuilder sb = new StringBuilder();
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 2 || !p.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                throw error(t, what + " \"" + t.text + "\" is not colon-separated hex");
            }
            if (sb.length() > 0) {
                sb.append(':');
            }
            sb.append(p.length() == 1 ? "0" + p : p.toLowerCase(Locale.ROOT));
        }
        return sb.toString();
    }

    private static String toHex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            if (sb.length() > 0) {
                sb.append(':');
            }
            sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return sb.toString();
    }

    /** Skips the rest of a statement: up to its {@code ;}, or a balanced block (plus an optional {@code ;}). */
    private void skipStatement(Token start) {
        while (true) {
            Token t = nextOr(start, "the \"" + start.text + "\" statement is not terminated");
            if (t.type == Type.SEMI) {
                return;
            }
            if (t.type == Type.CLOSE) {
                throw error(t, "unexpected \"}\" inside the \"" + start.text + "\" statement");
            }
            if (t.type == Type.OPEN) {
                int depth = 1;
                while (depth > 0) {
                    Token in = nextOr(t, "the block opened here has no closing \"}\"");
                    if (in.type == Type.OPEN) {
                        depth++;
                    } else if (in.type == Type.CLOSE) {
                        depth--;
                    }
                }
                Token after = peek();
                if (after != null && after.type == Type.SEMI) {
                    next();
                }
                return;
            }
        }
    }

    private void expectWord(String word) {
        Token t = next();
        if (t == null || t.type != Type.WORD || !t.text.equalsIgnoreCase(word)) {
            throw error(t == null ? last() : t, "expected \"" + word + "\", found " + (t == null ? "the end of the file" : t.describe()));
        }
    }

    private Token expect(Type type, String what) {
        Token t = next();
        if (t == null) {
            throw error(last(), "expected " + what + ", found the end of the file");
        }
        if (t.type != type) {
            throw error(t, "expected " + what + ", found " + t.describe());
        }
        return t;
    }

    private Token nextOr(Token start, String problem) {
        Token t = next();
        if (t == null) {
            throw error(start, problem);
        }
        return t;
    }

    private boolean atEnd() {
        return peek() == null;
    }

    private Token next() {
        Token t = peeked != null ? peeked : lexer.next();
        peeked = null;
        if (t != null) {
            last = t;
        }
        return t;
    }

    private Token peek() {
        if (peeked == null) {
            peeked = lexer.next();
        }
        return peeked;
    }

    private Token last() {
        return last == null ? new Token(Type.WORD, "", null, lexer.line) : new Token(last.type, last.text, null, lexer.line);
    }

    private static LeasesParseException error(Token t, String problem) {
        return new LeasesParseException(t.line, problem);
    }

    private enum Type { WORD, STRING, SEMI, OPEN, CLOSE }

    private record Token(Type type, String text, byte[] bytes, int line) {
        String describe() {
            return switch (type) {
                case SEMI -> "\";\"";
                case OPEN -> "\"{\"";
                case CLOSE -> "\"}\"";
                case STRING -> "a quoted string";
                case WORD -> "\"" + text + "\"";
            };
        }
    }

    /** dhcpd's lexical rules, reduced to what the leases file uses: words, quoted strings, ; { } and # comments. */
    private static final class Lexer {
        private final String s;
        private int i;
        private int line = 1;

        Lexer(String s) {
            this.s = s;
        }

        /** The next token, or null at the end of the text. */
        Token next() {
            skipSpaceAndComments();
            if (i >= s.length()) {
                return null;
            }
            char c = s.charAt(i);
            return switch (c) {
                case ';' -> single(Type.SEMI, ";");
                case '{' -> single(Type.OPEN, "{");
                case '}' -> single(Type.CLOSE, "}");
                case '"' -> string();
                default -> word();
            };
        }

        private Token single(Type type, String text) {
            i++;
            return new Token(type, text, null, line);
        }

        private void skipSpaceAndComments() {
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == '\n') {
                    line++;
                    i++;
                } else if (Character.isWhitespace(c)) {
                    i++;
                } else if (c == '#') {
                    while (i < s.length() && s.charAt(i) != '\n') {
                        i++;
                    }
                } else {
                    return;
                }
            }
        }

        private Token word() {
            int start = i;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (Character.isWhitespace(c) || c == ';' || c == '{' || c == '}' || c == '"' || c == '#') {
                    break;
                }
                i++;
            }
            return new Token(Type.WORD, s.substring(start, i), null, line);
        }

        /** A quoted string with dhcpd's escapes (conflex.c): \t \r \n \b, octal \NNN, hex \xHH, else the char itself. */
        private Token string() {
            int startLine = line;
            i++;
            // Fast path: dhcpd writes most strings (hostnames) as plain ASCII without escapes.
            for (int j = i; j < s.length(); j++) {
                char c = s.charAt(j);
                if (c == '"') {
                    String text = s.substring(i, j);
                    i = j + 1;
                    return new Token(Type.STRING, text, text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), startLine);
                }
                if (c == '\\' || c == '\n' || c > 0x7e) {
                    break;
                }
            }
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            while (true) {
                if (i >= s.length()) {
                    throw new LeasesParseException(startLine, "the quoted string is never closed");
                }
                char c = s.charAt(i++);
                if (c == '"') {
                    break;
                }
                if (c == '\n') {
                    line++;
                }
                if (c != '\\') {
                    // The agent reads the file as ISO-8859-1, so each char is one raw byte of the file.
                    if (c <= 0xff) {
                        bytes.write(c);
                    } else {
                        byte[] b = String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                        bytes.write(b, 0, b.length);
                    }
                    continue;
                }
                if (i >= s.length()) {
                    throw new LeasesParseException(startLine, "the quoted string is never closed");
                }
                char e = s.charAt(i++);
                switch (e) {
                    case 't' -> bytes.write('\t');
                    case 'r' -> bytes.write('\r');
                    case 'n' -> bytes.write('\n');
                    case 'b' -> bytes.write('\b');
                    case 'x' -> bytes.write(digits(16, 2, startLine));
                    default -> {
                        if (e >= '0' && e <= '7') {
                            i--;
                            bytes.write(digits(8, 3, startLine));
                        } else {
                            bytes.write(e);
                        }
                    }
                }
            }
            byte[] b = bytes.toByteArray();
            return new Token(Type.STRING, new String(b, java.nio.charset.StandardCharsets.UTF_8), b, startLine);
        }

        private int digits(int radix, int max, int startLine) {
            int v = 0;
            int n = 0;
            while (n < max && i < s.length() && Character.digit(s.charAt(i), radix) >= 0) {
                v = v * radix + Character.digit(s.charAt(i), radix);
                i++;
                n++;
            }
            if (n == 0 || v > 255) {
                throw new LeasesParseException(startLine, "bad escape sequence in a quoted string");
            }
            return v;
        }
    }
}
