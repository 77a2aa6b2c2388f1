package org.tandem.dhcpd.conf;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Lossless structural parser for dhcpd 4.4 configuration files, written by hand because no library parses
 * dhcpd.conf without losing comments and layout (Webmin and Augeas are not Java; the Perl and Python ones
 * regenerate the text).
 *
 * <p>It follows dhcpd's own lexer (common/conflex.c) where the structure depends on it: {@code #} starts a
 * comment anywhere outside a string; strings may span lines and use backslash escapes; keywords are
 * case-insensitive. The grammar is structural, not semantic: a statement is words ending in {@code ;}, or
 * words then a {@code { ... }} body. That covers subnet, shared-network, pool, host, group, class and
 * subclass, key, zone, failover peer, if/elsif/else (each branch is its own block), switch (a
 * {@code case x:} label stays in the head of the statement after it), on-event and define blocks. Two
 * special cases come from dhcpd itself: braces inside an {@code option} statement belong to a record type
 * ({@code option x code 250 = { ip-address, integer 8 };}), and only a {@code key} block may be followed by
 * {@code ;} (BIND compatibility; dhcpd rejects {@code };} everywhere else, as it rejects an empty statement).
 */
public final class DhcpdConfParser {

    private final String src;
    /** The text as one byte per char, for scanning: array reads are cheaper than charAt on a hot path. */
    private final byte[] b;
    private final int n;

    private DhcpdConfParser(String src) {
        this.src = src;
        // Chars above 0xFF (only possible when a caller passes such a String) become '?': never structural.
        this.b = src.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        this.n = src.length();
    }

    /** Parses the text into top-level nodes; every character of it lands in exactly one node. */
    static List<Node> parseNodes(String text) {
        return new DhcpdConfParser(text).parse();
    }

    private record Open(int headStart, int headEnd, List<Node> inner, List<Node> parentBody, boolean isKey, int bracePos) {
    }

    private List<Node> parse() {
        List<Node> top = new ArrayList<>();
        List<Node> body = top;
        Deque<Open> stack = new ArrayDeque<>();
        int i = 0;
        while (true) {
            int t = skipTrivia(i);
            if (t > i) {
                body.add(new Trivia(src, i, t));
                i = t;
            }
            if (i >= n) {
                if (!stack.isEmpty()) {
                    throw error(stack.peek().bracePos, "this '{' is never closed: add the matching '}'");
                }
                return top;
            }
            char c = at(i);
            if (c == '}') {
                if (stack.isEmpty()) {
                    throw error(i, "'}' without a matching '{' before it");
                }
                Open open = stack.pop();
                int closeEnd = i + 1;
                if (open.isKey) {
                    int after = skipTrivia(closeEnd);
                    if (after < n && at(after) == ';') {
                        closeEnd = after + 1;
                    }
                }
                Statement done = Statement.block(src, open.headStart, open.headEnd, open.inner, i, closeEnd);
                open.parentBody.add(done);
                body = open.parentBody;
                i = closeEnd;
                continue;
            }
            if (c == ';') {
                throw error(i, "empty statement: dhcpd rejects a ';' here (after a '}' or on its own); remove it");
            }
            int depth = stack.size();
            i = statement(i, stack, body);
            if (stack.size() > depth) {
                body = stack.peek().inner;
            }
        }
    }

    /** Reads one statement head from {@code start}; adds a simple statement or opens a block. Returns the next position. */
    private int statement(int start, Deque<Open> stack, List<Node> body) {
        int wordEnd = start;
        while (wordEnd < n && isWordChar(at(wordEnd))) {
            wordEnd++;
        }
        boolean isOption = wordEnd - start == 6 && src.regionMatches(true, start, "option", 0, 6);
        boolean isKey = wordEnd - start == 3 && src.regionMatches(true, start, "key", 0, 3);
        int recordDepth = 0;
        int i = start;
        while (true) {
            i = skipTrivia(i);
            if (i >= n) {
                throw error(start, "this statement never ends: add ';' at its end (or '{' to open a block)");
            }
            char c = at(i);
            switch (c) {
                case '"' -> {
                    int end = stringEnd(i);
                    if (end < 0) {
                        throw error(i, "this string is never closed: add the closing '\"'");
                    }
                    i = end;
                }
                case ';' -> {
                    if (recordDepth > 0) {
                        throw error(i, "';' inside the '{ ... }' of an option record type: close it with '}' first");
                    }
                    body.add(Statement.simple(src, start, i + 1));
                    return i + 1;
                }
                case '{' -> {
                    if (isOption) {
                        recordDepth++;
                        i++;
                    } else {
                        if (i == start) {
                            throw error(i, "'{' without a declaration before it (like 'subnet ... {' or 'pool {')");
                        }
                        if (stack.size() >= 200) {
                            throw error(i, "blocks nested more than 200 deep");
                        }
                        stack.push(new Open(start, i + 1, new ArrayList<>(), body, isKey, i));
                        return i + 1;
                    }
                }
                case '}' -> {
                    if (recordDepth > 0) {
                        recordDepth--;
                        i++;
                    } else {
                        throw error(start, "this statement is missing its ';' before the '}' on line " + lineOf(i));
                    }
                }
                default -> {
                    i++;
                    while (i < n && !ENDS_WORD[b[i] & 0xFF]) {
                        i++;
                    }
                }
            }
        }
    }

    /** Characters that end a run of word characters in a statement head: whitespace, '"', '#', ';', '{', '}'. */
    private static final boolean[] ENDS_WORD = new boolean[256];
    /** dhcpd's whitespace (isspace in the C locale). */
    private static final boolean[] SPACE = new boolean[256];

    static {
        for (char c : new char[] {' ', '\n', '\t', '\r', '\f', 0x0B}) {
            SPACE[c] = true;
            ENDS_WORD[c] = true;
        }
        for (char c : new char[] {'"', '#', ';', '{', '}'}) {
            ENDS_WORD[c] = true;
        }
    }

    private int skipTrivia(int i) {
        while (i < n) {
            byte c = b[i];
            if (SPACE[c & 0xFF]) {
                i++;
            } else if (c == '#') {
                i++;
                while (i < n && b[i] != '\n') {
                    i++;
                }
            } else {
                break;
            }
        }
        return i;
    }

    private char at(int i) {
        return (char) (b[i] & 0xFF);
    }

    private int stringEnd(int quote) {
        int i = quote + 1;
        while (i < n) {
            byte c = b[i];
            if (c == '"') {
                return i + 1;
            }
            i += c == '\\' ? 2 : 1;
        }
        return -1;
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == 0x0B;
    }

    private static boolean isWordChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    /** The index just after the string that opens at {@code quote}, or -1 when it is not closed before {@code limit}. */
    static int stringEnd(String s, int quote, int limit) {
        int i = quote + 1;
        while (i < limit) {
            char c = s.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            i += c == '\\' ? 2 : 1;
        }
        return -1;
    }

    private int lineOf(int pos) {
        int line = 1;
        for (int i = 0; i < pos && i < n; i++) {
            if (b[i] == '\n') {
                line++;
            }
        }
        return line;
    }

    private DhcpdConfParseException error(int pos, String problem) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < pos && i < n; i++) {
            if (b[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new DhcpdConfParseException(line, pos - lineStart + 1, problem);
    }
}
