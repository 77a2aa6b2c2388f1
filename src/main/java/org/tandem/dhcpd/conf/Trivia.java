package org.tandem.dhcpd.conf;

/** Whitespace and {@code #} comments between statements, kept byte for byte. */
public final class Trivia implements Node {

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

    int length() {
        return end - start;
    }

    @Override
    public void renderTo(Renderer out) {
        out.append(src, start, end);
    }

    @Override
    public String toString() {
        return text();
    }
}
