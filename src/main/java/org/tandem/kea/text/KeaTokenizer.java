package org.tandem.kea.text;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tandem.common.UserError;

/**
 * Splits one file of Kea's configuration syntax into tokens with their offsets: JSON plus {@code #} and {@code //} line
 * comments, {@code /* *}{@code /} block comments and {@code <?include "path"?>} directives. Comments and white space are
 * not tokens; they stay in the file's text between tokens, which is what lets an editor keep them.
 */
final class KeaTokenizer {

    enum Kind { LBRACE, RBRACE, LBRACKET, RBRACKET, COLON, COMMA, STRING, NUMBER, TRUE, FALSE, NULL, INCLUDE }

    /**
     * One token of {@code file}: its text is {@code file text [start, end)}; {@code value} is a string's or an include's
     * decoded content.
     */
    record Token(Kind kind, Path file, int start, int end, String value) {}

    private final Path file;
    private final String text;
    private int pos;

    private KeaTokenizer(Path file, String text) {
        this.file = file;
        this.text = text;
    }

    static List<Token> tokenize(Path file, String text) {
        return new KeaTokenizer(file, text).run();
    }

    private List<Token> run() {
        List<Token> out = new ArrayList<>();
        int n = text.length();
        while (true) {
            skipTrivia();
            if (pos >= n) {
                return out;
            }
            char c = text.charAt(pos);
            int start = pos;
            switch (c) {
                case '{' -> out.add(single(Kind.LBRACE));
                case '}' -> out.add(single(Kind.RBRACE));
                case '[' -> out.add(single(Kind.LBRACKET));
                case ']' -> out.add(single(Kind.RBRACKET));
                case ':' -> out.add(single(Kind.COLON));
                case ',' -> out.add(single(Kind.COMMA));
                case '"' -> out.add(new Token(Kind.STRING, file, start, pos = endOfString(start), decode(start)));
                case '<' -> out.add(include(start));
                default -> {
                    if (c == '-' || c == '.' || (c >= '0' && c <= '9')) {
                        out.add(new Token(Kind.NUMBER, file, start, pos = endOfNumber(start), null));
                    } else if (text.startsWith("true", pos)) {
                        out.add(word(Kind.TRUE, 4));
                    } else if (text.startsWith("false", pos)) {
                        out.add(word(Kind.FALSE, 5));
                    } else if (text.startsWith("null", pos)) {
                        out.add(word(Kind.NULL, 4));
                    } else {
                        throw error(start, "unexpected character '" + printable(c) + "'");
                    }
                }
            }
        }
    }

    private Token single(Kind k) {
        return new Token(k, file, pos, ++pos, null);
    }

    private Token word(Kind k, int length) {
        int end = pos + length;
        if (end < text.length() && Character.isLetterOrDigit(text.charAt(end))) {
            throw error(pos, "unexpected word");
        }
        Token t = new Token(k, file, pos, end, null);
        pos = end;
        return t;
    }

    private void skipTrivia() {
        int n = text.length();
        while (pos < n) {
            char c = text.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
                pos++;
            } else if (c == '#' || text.startsWith("//", pos)) {
                while (pos < n && text.charAt(pos) != '\n') {
                    pos++;
                }
            } else if (text.startsWith("/*", pos)) {
                int close = text.indexOf("*/", pos + 2);
                if (close < 0) {
                    throw error(pos, "a /* comment is never closed");
                }
                pos = close + 2;
            } else {
                return;
            }
        }
    }

    private int endOfString(int start) {
        int i = start + 1;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == '"') {
                return i + 1;
            } else if (c == '\n') {
                break;
            } else {
                i++;
            }
        }
        throw error(start, "a string is not closed on its line");
    }

    private String decode(int start) {
        StringBuilder b = new StringBuilder();
        int end = pos - 1;
        for (int i = start + 1; i < end; i++) {
            char c = text.charAt(i);
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = text.charAt(++i);
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (i + 4 >= end + 1 || !text.substring(i + 1, i + 5).matches("[0-9a-fA-F]{4}")) {
                        throw error(i - 1, "a \\u escape needs four hex digits");
                    }
                    b.append((char) Integer.parseInt(text.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> throw error(i - 1, "unknown escape \\" + printable(e));
            }
        }
        return b.toString();
    }

    private int endOfNumber(int start) {
        int i = start;
        if (text.charAt(i) == '-') {
            i++;
        }
        int digits = i;
        while (i < text.length() && Character.isDigit(text.charAt(i))) {
            i++;
        }
        // Kea's lexer also takes a fraction without its leading zero (".5", as in its own all-keys.json).
        if (i == digits && !(i + 1 < text.length() && text.charAt(i) == '.' && Character.isDigit(text.charAt(i + 1)))) {
            throw error(start, "a number needs digits");
        }
        if (i < text.length() && text.charAt(i) == '.') {
            i++;
            while (i < text.length() && Character.isDigit(text.charAt(i))) {
                i++;
            }
        }
        if (i < text.length() && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
            i++;
            if (i < text.length() && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
                i++;
            }
            while (i < text.length() && Character.isDigit(text.charAt(i))) {
                i++;
            }
        }
        return i;
    }

    /** {@code <?include "path"?>}, white space allowed around the path. */
    private Token include(int start) {
        if (!text.startsWith("<?include", start)) {
            throw error(start, "unexpected '<' (only <?include \"file\"?> starts with it)");
        }
        pos = start + "<?include".length();
        while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
            pos++;
        }
        if (pos >= text.length() || text.charAt(pos) != '"') {
            throw error(start, "<?include must be followed by a quoted file name");
        }
        int quote = pos;
        int close = text.indexOf('"', quote + 1);
        int newline = text.indexOf('\n', quote + 1);
        if (close < 0 || (newline >= 0 && newline < close)) {
            throw error(start, "the file name of <?include is not closed on its line");
        }
        String path = text.substring(quote + 1, close);
        pos = close + 1;
        while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
            pos++;
        }
        if (!text.startsWith("?>", pos)) {
            throw error(start, "<?include \"" + path + "\" must end with ?>");
        }
        pos += 2;
        return new Token(Kind.INCLUDE, file, start, pos, path);
    }

    private UserError error(int offset, String problem) {
        return KeaConfigText.syntaxError(file, text, offset, problem);
    }

    private static String printable(char c) {
        return c < 32 || c > 126 ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }
}
