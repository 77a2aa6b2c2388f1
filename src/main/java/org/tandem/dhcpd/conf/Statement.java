package org.tandem.dhcpd.conf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * One dhcpd.conf statement: a simple statement ending in {@code ;}, or a block ({@code head { body }}).
 *
 * <p>The statement keeps its original text as spans of the source, so rendering an untouched statement
 * gives back its exact bytes; its words are split only when someone asks for them.
 */
public final class Statement extends Node {

    private final String src;
    /** Simple statement: its whole text including ';'. Block: from the first word through '{'. */
    private final int headStart;
    private final int headEnd;
    /** Block only: '}' and, after a key block, the optional ';' with any trivia between them. */
    private final int closeStart;
    private final int closeEnd;
    private final List<Node> body;
    private List<String> words;

    private Statement(String src, int headStart, int headEnd, int closeStart, int closeEnd, List<Node> body) {
        this.src = src;
        this.headStart = headStart;
        this.headEnd = headEnd;
        this.closeStart = closeStart;
        this.closeEnd = closeEnd;
        this.body = body;
    }

    static Statement simple(String src, int start, int end) {
        return new Statement(src, start, end, end, end, null);
    }

    static Statement block(String src, int headStart, int headEnd, List<Node> body, int closeStart, int closeEnd) {
        return new Statement(src, headStart, headEnd, closeStart, closeEnd, body);
    }

    /** True for {@code head { ... }}, false for {@code words;}. */
    public boolean isBlock() {
        return body != null;
    }

    /** The block's children in order, trivia included; empty for a simple statement. Only the editor changes them. */
    public List<Node> body() {
        return body == null ? List.of() : Collections.unmodifiableList(body);
    }

    List<Node> mutableBody() {
        return body;
    }

    /** The statement's significant words (comments and whitespace dropped, strings kept with their quotes). */
    public List<String> words() {
        if (words == null) {
            int end = headEnd - 1; // without the closing "{" or ";"
            words = splitWords(src, headStart, end);
        }
        return words;
    }

    /** The first word in lower case ({@code subnet}, {@code pool}, {@code failover}...); keywords are case-insensitive. */
    public String keyword() {
        List<String> w = words();
        return w.isEmpty() ? "" : w.get(0).toLowerCase(Locale.ROOT);
    }

    /**
     * True when the first word is {@code lowerCaseKeyword} (in any case). Allocates nothing, so the editor
     * can scan tens of thousands of statements for the few it changes.
     */
    public boolean is(String lowerCaseKeyword) {
        int len = lowerCaseKeyword.length();
        if (headEnd - headStart < len || !src.regionMatches(true, headStart, lowerCaseKeyword, 0, len)) {
            return false;
        }
        int after = headStart + len;
        if (after >= headEnd) {
            return true;
        }
        char c = src.charAt(after);
        return !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_');
    }

    /**
     * False only when the second word is certainly not {@code word}; a cheap filter before
     * {@link #words()} (a comment between the first two words makes it answer true).
     */
    boolean mayHaveSecondWord(String word) {
        int i = headStart;
        while (i < headEnd && !DhcpdConfParser.isSpace(src.charAt(i)) && src.charAt(i) != '#') {
            i++;
        }
        while (i < headEnd && DhcpdConfParser.isSpace(src.charAt(i))) {
            i++;
        }
        if (i >= headEnd || src.charAt(i) == '#') {
            return true;
        }
        return src.startsWith(word, i);
    }

    /** Word {@code i} in lower case, or "" when there is none. */
    public String word(int i) {
        List<String> w = words();
        return i < w.size() ? w.get(i).toLowerCase(Locale.ROOT) : "";
    }

    int headLength() {
        return headEnd - headStart;
    }

    int closeLength() {
        return closeEnd - closeStart;
    }

    /** The statement's whole text exactly as it renders. */
    public String text() {
        Renderer r = new Renderer(headEnd - headStart + 64);
        renderTo(r);
        return r.finish();
    }

    /** The head's text: the whole statement when simple, up to and including '{' when a block. */
    String headText() {
        return src.substring(headStart, headEnd);
    }

    @Override
    void renderTo(Renderer out) {
        out.append(src, headStart, headEnd);
        if (body != null) {
            for (int i = 0, n = body.size(); i < n; i++) {
                body.get(i).renderTo(out);
            }
            out.append(src, closeStart, closeEnd);
        }
    }

    @Override
    public String toString() {
        return text();
    }

    /** Splits text into words: strings with quotes, single punctuation characters, and runs of anything else. */
    static List<String> splitWords(String s, int from, int to) {
        List<String> out = new ArrayList<>();
        int i = from;
        while (i < to) {
            char c = s.charAt(i);
            if (DhcpdConfParser.isSpace(c)) {
                i++;
            } else if (c == '#') {
                while (i < to && s.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '"') {
                int j = DhcpdConfParser.stringEnd(s, i, to);
                int end = j < 0 ? to : j;
                out.add(s.substring(i, end));
                i = end;
            } else if (isPunct(c)) {
                out.add(String.valueOf(c));
                i++;
            } else {
                int j = i;
                while (j < to && !DhcpdConfParser.isSpace(s.charAt(j)) && !isPunct(s.charAt(j))
                        && s.charAt(j) != '#' && s.charAt(j) != '"') {
                    j++;
                }
                out.add(s.substring(i, j));
                i = j;
            }
        }
        return out;
    }

    private static boolean isPunct(char c) {
        return c == ';' || c == '{' || c == '}' || c == '(' || c == ')' || c == ',' || c == '=' || c == '!'
                || c == '~' || c == '&' || c == '|';
    }
}
