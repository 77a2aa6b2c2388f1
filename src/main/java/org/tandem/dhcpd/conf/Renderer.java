package org.tandem.dhcpd.conf;

/**
 * Collects rendered text, merging pieces that are adjacent in the same source string, so an untouched
 * stretch of the file (however many nodes it holds) is copied in one go, and an untouched file is the
 * source string itself (strings are immutable, so nothing needs copying).
 */
final class Renderer {

    private final int capacity;
    private StringBuilder out;
    private String src;
    private int start;
    private int end;

    Renderer(int capacity) {
        this.capacity = capacity;
    }

    void append(String s, int from, int to) {
        if (s == src && from == end) {
            end = to;
            return;
        }
        flush();
        src = s;
        start = from;
        end = to;
    }

    private void flush() {
        if (src != null && end > start) {
            if (out == null) {
                out = new StringBuilder(capacity);
            }
            out.append(src, start, end);
        }
        src = null;
    }

    String finish() {
        if (out == null) {
            return src == null ? "" : src.substring(start, end);
        }
        flush();
        return out.toString();
    }
}
