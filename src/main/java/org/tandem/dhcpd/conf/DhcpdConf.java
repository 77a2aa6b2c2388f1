package org.tandem.dhcpd.conf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed dhcpd.conf that renders back to exactly the bytes it was parsed from, and that
 * {@link DhcpdConfEditor} changes by splicing statements.
 *
 * <p>Text is handled as ISO-8859-1 so every byte maps to one char and back: files in UTF-8 or any other
 * encoding (comments in any language) survive untouched, and no decoding error can happen.
 */
public final class DhcpdConf {

    private final List<Node> items;
    private final String newline;
    /** The parsed text's length: the rendering's buffer starts that big, so it never regrows when unchanged. */
    private final int sizeHint;

    private DhcpdConf(List<Node> items, String newline, int sizeHint) {
        this.items = items;
        this.newline = newline;
        this.sizeHint = sizeHint;
    }

    /** Parses dhcpd.conf text; throws {@link DhcpdConfParseException} with line and column when it cannot. */
    public static DhcpdConf parse(String text) {
        List<Node> nodes = DhcpdConfParser.parseNodes(text);
        int nl = text.indexOf('\n');
        String newline = nl > 0 && text.charAt(nl - 1) == '\r' ? "\r\n" : "\n";
        return new DhcpdConf(nodes, newline, text.length());
    }

    /** Parses the raw bytes of a file (any encoding; see the class comment). */
    public static DhcpdConf parse(byte[] bytes) {
        return parse(new String(bytes, StandardCharsets.ISO_8859_1));
    }

    public static DhcpdConf read(Path file) throws IOException {
        return parse(Files.readAllBytes(file));
    }

    /** The configuration's text: identical to the input when unchanged; edits appear only where made. */
    public String render() {
        Renderer out = new Renderer(sizeHint + sizeHint / 64 + 4096);
        for (int i = 0, n = items.size(); i < n; i++) {
            items.get(i).renderTo(out);
        }
        return out.finish();
    }

    public byte[] renderBytes() {
        return render().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The top-level nodes in order, trivia included. */
    public List<Node> items() {
        return items;
    }

    /** The top-level statements in order. */
    public List<Statement> statements() {
        List<Statement> out = new ArrayList<>();
        for (Node node : items) {
            if (node instanceof Statement s) {
                out.add(s);
            }
        }
        return out;
    }

    /** The model view: subnets, pools, hosts, failover peers, includes. */
    public DhcpdConfModel model() {
        return ModelBuilder.build(this);
    }

    /**
     * The 1-based line each statement (nested ones included) starts on, for tools that report findings by line of
     * dhcpd.conf; keyed by identity, since two statements with the same text are different findings.
     */
    public java.util.Map<Statement, Integer> statementLines() {
        String text = render();
        java.util.Map<Statement, Integer> lines = new java.util.IdentityHashMap<>();
        int[] pos = {0};
        int[] line = {1};
        addLines(items, text, pos, line, lines);
        return lines;
    }

    private static void addLines(List<Node> nodes, String text, int[] pos, int[] line, java.util.Map<Statement, Integer> lines) {
        for (Node node : nodes) {
            if (node instanceof Trivia t) {
                advance(text, pos, line, t.length());
            } else {
                Statement s = (Statement) node;
                lines.put(s, line[0]);
                advance(text, pos, line, s.headLength());
                addLines(s.body(), text, pos, line, lines);
                advance(text, pos, line, s.closeLength());
            }
        }
    }

    private static void advance(String text, int[] pos, int[] line, int length) {
        for (int end = pos[0] + length; pos[0] < end; pos[0]++) {
            if (text.charAt(pos[0]) == '\n') {
                line[0]++;
            }
        }
    }

    /** "\r\n" when the file's first line ends that way, else "\n"; new text follows it. */
    String newline() {
        return newline;
    }
}
