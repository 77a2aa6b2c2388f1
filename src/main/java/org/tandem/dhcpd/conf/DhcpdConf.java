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

    /** "\r\n" when the file's first line ends that way, else "\n"; new text follows it. */
    String newline() {
        return newline;
    }
}
