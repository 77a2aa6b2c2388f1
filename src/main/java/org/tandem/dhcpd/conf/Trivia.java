package org.tandem.dhcpd.conf;

/** Whitespace and {@code #} comments between statements, kept byte for byte. */
public final class Trivia extends Node {

    private final String src;
    private final int start;
    private final int end;

    Trivia(String src, int start, int end) {
        this.src = src;
        this.start = start;
        this.end = end;
    }

    Trivia(String text) {
        this(text, 0, text.length());
    }

    public String text() {
        return src.substring(start, end);
    }

    /** True when a comment in this trivia contains {@code marker} (which starts with '#'); cheap on plain whitespace. */
    boolean hasComment(String marker) {
        for (int i = start; i < end; i++) {
            if (src.charAt(i) == '#' && src.startsWith(marker, i) && i + marker.length() <= end) {
                return true;
            }
        }
        return false;
    }

    int length() {
        return end - start;
    }

    @Override
    void renderTo(Renderer out) {
        out.append(src, start, end);
    }

    @Override
    public String toString() {
        return text();
    }
}
