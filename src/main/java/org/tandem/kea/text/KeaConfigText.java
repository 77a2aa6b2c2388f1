package org.tandem.kea.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.tandem.common.UserError;
import org.tandem.kea.config.KeaConfigPatch;
import org.tandem.kea.config.KeaConfigPatch.Element;
import org.tandem.kea.config.KeaConfigPatch.Member;
import org.tandem.kea.config.KeaConfigPatch.Step;
import org.tandem.kea.text.KeaTokenizer.Kind;
import org.tandem.kea.text.KeaTokenizer.Token;

/**
 * A Kea configuration file (and the files it includes) as text, edited losslessly: a {@link KeaConfigPatch} becomes
 * splices of the text that keep every other byte (comments, blank lines, {@code <?include ?>} directives, the
 * indentation and the values left to inheritance). An operation inside an included file edits that file.
 *
 * <p>Hand-written on purpose: JSON libraries (Jackson included) read comments at best as something to skip and write a
 * document back from its tree, which loses the comments, the include directives and the layout; none keeps the
 * offsets of each token across several files, which an edit in place needs.
 *
 * <p>Include paths that are not absolute are resolved against the main file's directory (Kea resolves them against
 * its working directory; the agent runs {@code kea-dhcp4 -t} there). As Kea, at most ten levels of includes.
 */
public final class KeaConfigText {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_INCLUDE_DEPTH = 10;
    /** Longer than this, an inserted value goes on lines of its own even where the old one was inline. */
    private static final int INLINE_WIDTH = 80;

    /** Reads the text of a file an include names (already resolved). */
    @FunctionalInterface
    public interface FileReader {
        String read(Path file) throws IOException;
    }

    /** One {@code <?include "target"?>} directive of {@code file} at {@code [start, end)}, naming {@code resolved}. */
    public record Include(Path file, int start, int end, String target, Path resolved) {}

    private final Path main;
    /** Text of each file, in the order they were first read; the main file first. */
    private final Map<Path, String> files;
    private final Map<Path, Integer> includedTimes;
    private final List<Include> includes;
    private final Node root;
    private JsonNode meaning;

    private KeaConfigText(Path main, Map<Path, String> files, Map<Path, Integer> includedTimes, List<Include> includes, Node root) {
        this.main = main;
        this.files = Collections.unmodifiableMap(files);
        this.includedTimes = includedTimes;
        this.includes = List.copyOf(includes);
        this.root = root;
    }

    /** Parses {@code main} (whose text is {@code mainText}) and every file it includes, read with {@code reader}. */
    public static KeaConfigText parse(Path main, String mainText, FileReader reader) {
        Path m = main.toAbsolutePath().normalize();
        Parser p = new Parser(m, reader);
        p.files.put(m, mainText);
        p.stream.push(m, mainText);
        Node root = p.value();
        if (!(root instanceof Obj)) {
            throw syntaxError(m, mainText, root.first().start(), "a Kea configuration is one JSON object");
        }
        Token extra = p.stream.peek();
        if (extra != null) {
            throw p.error(extra, "unexpected text after the configuration's closing }");
        }
        return new KeaConfigText(m, p.files, p.includedTimes, p.includes, root);
    }

    /** Parses {@code main} and its includes from disk. */
    public static KeaConfigText load(Path main) {
        FileReader disk = f -> java.nio.file.Files.readString(f, java.nio.charset.StandardCharsets.UTF_8);
        try {
            return parse(main, disk.read(main.toAbsolutePath().normalize()), disk);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UserError(UserError.Kind.NOT_FOUND, "config", main + " does not exist");
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new UserError(UserError.Kind.SERVER_REFUSED, "config", main + " is not valid UTF-8; it is edited as text and its encoding is not guessed");
        } catch (IOException e) {
            throw new UserError(UserError.Kind.SERVER_REFUSED, "config", "cannot read " + main + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** The main file. */
    public Path main() {
        return main;
    }

    /** The text of every file read, main file first. */
    public Map<Path, String> files() {
        return files;
    }

    /** Every include directive, in the order they were read. */
    public List<Include> includes() {
        return includes;
    }

    /** What the text means: the configuration as Kea reads it, comments dropped and includes followed. */
    public JsonNode meaning() {
        if (meaning == null) {
            meaning = root.json();
        }
        return meaning;
    }

    /** The files whose text differs from {@code other}'s. */
    public Set<Path> changedSince(KeaConfigText other) {
        Set<Path> out = new LinkedHashSet<>();
        files.forEach((p, t) -> {
            if (!t.equals(other.files.get(p))) {
                out.add(p);
            }
        });
        return out;
    }

    /**
     * The text of {@code file} with the target of each include directive that resolves to a key of {@code redirect}
     * replaced by the value's absolute path: for checking edited copies that must include each other's copies.
     */
    public String textWithIncludes(Path file, Function<Path, Path> redirect) {
        String text = files.get(file);
        StringBuilder b = new StringBuilder(text);
        List<Include> mine = new ArrayList<>(includes.stream().filter(i -> i.file().equals(file)).toList());
        mine.sort(Comparator.comparingInt(Include::start).reversed());
        for (Include i : mine) {
            Path to = redirect.apply(i.resolved());
            if (to != null) {
                b.replace(i.start(), i.end(), "<?include \"" + to.toAbsolutePath() + "\"?>");
            }
        }
        return b.toString();
    }

    // ---------------------------------------------------------------- editing

    /**
     * This text with every operation of {@code patch} applied in order, as splices; the files it does not touch stay
     * equal. Operations are planned on one parse and spliced together while they are independent (distinct places, no
     * element created or renamed on the way); otherwise the text is parsed again before the next one, which costs a
     * parse of the whole configuration per operation.
     */
    public KeaConfigText apply(KeaConfigPatch patch) {
        KeaConfigText t = this;
        Batch batch = new Batch();
        for (KeaConfigPatch.Op op : patch.ops()) {
            Planned p = t.plan(op);
            if (!batch.isEmpty() && (p.dependent() || !batch.fits(p))) {
                t = t.splice(batch.splices);
                batch = new Batch();
                p = t.plan(op);
            }
            if (p.dependent()) {
                t = t.splice(p.splices());
                continue;
            }
            batch.add(p);
        }
        return t.splice(batch.splices);
    }

    /** Splices planned on one parse that touch distinct places; indexed by file and start to find overlaps at once. */
    private static final class Batch {
        final List<Splice> splices = new ArrayList<>();
        final Map<Path, java.util.TreeMap<Integer, Splice>> byStart = new HashMap<>();
        final Set<Object> touched = Collections.newSetFromMap(new java.util.IdentityHashMap<>());

        boolean isEmpty() {
            return splices.isEmpty();
        }

        /** No shared node, no splice overlapping one of the batch or inserting where one of it starts. */
        boolean fits(Planned p) {
            if (!Collections.disjoint(touched, p.touched())) {
                return false;
            }
            for (Splice b : p.splices()) {
                java.util.TreeMap<Integer, Splice> m = byStart.get(b.file());
                if (m == null) {
                    continue;
                }
                Map.Entry<Integer, Splice> before = m.floorEntry(b.start());
                if (before != null && (before.getKey() == b.start() || b.start() < before.getValue().end())) {
                    return false;
                }
                Map.Entry<Integer, Splice> after = m.ceilingEntry(b.start());
                if (after != null && (after.getKey() == b.start() || after.getKey() < b.end())) {
                    return false;
                }
            }
            // The operation's own splices never overlap each other.
            return true;
        }

        void add(Planned p) {
            splices.addAll(p.splices());
            touched.addAll(p.touched());
            for (Splice s : p.splices()) {
                byStart.computeIfAbsent(s.file(), f -> new java.util.TreeMap<>()).put(s.start(), s);
            }
        }
    }

    /** The splices of one operation, the nodes it changes, and whether a later operation may depend on its result. */
    private record Planned(List<Splice> splices, Set<Object> touched, boolean dependent) {}

    private Planned plan(KeaConfigPatch.Op op) {
        List<Splice> out = new ArrayList<>();
        Set<Object> touched = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        boolean dependent = plan(op, out, touched);
        for (Splice s : out) {
            if (includedTimes.getOrDefault(s.file(), 0) > 1) {
                throw refused(op, "it lies in " + s.file() + ", which is included more than once; edit that file by hand");
            }
        }
        return new Planned(out, touched, dependent);
    }

    private KeaConfigText splice(List<Splice> splices) {
        if (splices.isEmpty()) {
            return this;
        }
        Map<Path, String> next = new LinkedHashMap<>(files);
        Map<Path, List<Splice>> byFile = new HashMap<>();
        for (Splice s : splices) {
            byFile.computeIfAbsent(s.file(), f -> new ArrayList<>()).add(s);
        }
        byFile.forEach((file, list) -> {
            list.sort(Comparator.comparingInt(Splice::start).reversed());
            StringBuilder b = new StringBuilder(files.get(file));
            int limit = Integer.MAX_VALUE;
            for (Splice s : list) {
                if (s.end() > limit) {
                    throw new IllegalStateException("overlapping splices in " + file);
                }
                b.replace(s.start(), s.end(), s.text());
                limit = s.start();
            }
            next.put(file, b.toString());
        });
        FileReader fromMemory = f -> {
            String t = next.get(f);
            if (t == null) {
                throw new IOException("not read before: " + f);
            }
            return t;
        };
        return parse(main, next.get(main), fromMemory);
    }

    /** Replace {@code [start, end)} of {@code file} with {@code text}. */
    private record Splice(Path file, int start, int end, String text) {}

    /** Adds the splices of {@code op} to {@code out} and the nodes it changes to {@code touched}; true when it is dependent. */
    private boolean plan(KeaConfigPatch.Op op, List<Splice> out, Set<Object> touched) {
        List<Step> path = op.path();
        Located at = locate(op, path);
        if (at.missingAt >= 0) {
            // A member on the way is absent: what the file leaves out, an addition creates; a removal has nothing to do.
            int i = at.missingAt;
            String name = ((Member) path.get(i)).name();
            List<Step> rest = path.subList(i + 1, path.size());
            switch (op) {
                case KeaConfigPatch.SetMember s -> insertMember(op, (Obj) at.node, name, wrap(op, rest, memberObject(s.member(), s.value())), out);
                case KeaConfigPatch.AppendElement a -> insertMember(op, (Obj) at.node, name,
                        wrap(op, rest, JsonNodeFactory.instance.arrayNode().add(a.value())), out);
                case KeaConfigPatch.RemoveMember r -> { }
                default -> throw conflict(op, KeaConfigPatch.describe(path.subList(0, i + 1)) + " is not in the file");
            }
            // What it creates, a later operation may add to.
            return true;
        }
        Node node = at.node;
        switch (op) {
            case KeaConfigPatch.SetMember s -> {
                Obj obj = asObject(op, node);
                Item m = obj.member(s.member());
                if (m == null) {
                    touched.add(obj);
                    insertMember(op, obj, s.member(), s.value(), out);
                } else if (!m.value.json().equals(s.value())) {
                    touched.add(m.value);
                    replaceValue(op, m.value, s.value(), out);
                }
                return KeaConfigPatch.isIdentityMember(s.member());
            }
            case KeaConfigPatch.RemoveMember r -> {
                Obj obj = asObject(op, node);
                Item m = obj.member(r.member());
                if (m != null) {
                    touched.add(obj);
                    removeItem(op, obj, obj.items.indexOf(m), out);
                }
                return KeaConfigPatch.isIdentityMember(r.member());
            }
            case KeaConfigPatch.AppendElement a -> {
                Arr arr = asArray(op, node);
                touched.add(arr);
                insertItem(op, arr, a.value(), null, out);
                return false;
            }
            case KeaConfigPatch.RemoveElement r -> {
                Arr arr = asArray(op, node);
                touched.add(arr);
                removeItem(op, arr, find(op, arr, lastMember(path), r.key(), path), out);
                return false;
            }
            case KeaConfigPatch.ReplaceElement r -> {
                Arr arr = asArray(op, node);
                Item item = arr.items.get(find(op, arr, lastMember(path), r.key(), path));
                if (!item.value.json().equals(r.value())) {
                    touched.add(item.value);
                    replaceValue(op, item.value, r.value(), out);
                }
                // The element's identity may change with it.
                return true;
            }
        }
    }

    private static String lastMember(List<Step> path) {
        return !path.isEmpty() && path.get(path.size() - 1) instanceof Member m ? m.name() : null;
    }

    /** Where a path leads: its node, or the object in which member {@code path[missingAt]} is absent. */
    private record Located(Node node, int missingAt) {}

    private Located locate(KeaConfigPatch.Op op, List<Step> path) {
        Node at = root;
        for (int i = 0; i < path.size(); i++) {
            Step s = path.get(i);
            if (s instanceof Member m) {
                Obj obj = asObject(op, at);
                Item item = obj.member(m.name());
                if (item == null) {
                    return new Located(obj, i);
                }
                at = item.value;
            } else {
                Arr arr = asArray(op, at);
                String arrayName = i > 0 && path.get(i - 1) instanceof Member m ? m.name() : null;
                at = arr.items.get(find(op, arr, arrayName, ((Element) s).key(), path.subList(0, i))).value;
            }
        }
        return new Located(at, -1);
    }

    private static int find(KeaConfigPatch.Op op, Arr arr, String arrayName, KeaConfigPatch.Key key, List<Step> arrayPath) {
        int found = -1;
        for (int i : arr.sharingAFacet(arrayName, key)) {
            if (key.matches(arr.facets.get(i))) {
                if (found >= 0) {
                    throw conflict(op, KeaConfigPatch.describe(arrayPath) + " has more than one element [" + key + "] in the file");
                }
                found = i;
            }
        }
        if (found < 0) {
            throw conflict(op, KeaConfigPatch.describe(arrayPath) + " has no element [" + key + "] in the file");
        }
        return found;
    }

    private static JsonNode wrap(KeaConfigPatch.Op op, List<Step> rest, JsonNode leaf) {
        JsonNode v = leaf;
        for (int i = rest.size() - 1; i >= 0; i--) {
            if (!(rest.get(i) instanceof Member m)) {
                throw conflict(op, "an array element on the path is not in the file");
            }
            v = memberObject(m.name(), v);
        }
        return v;
    }

    private static ObjectNode memberObject(String name, JsonNode value) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.set(name, value);
        return o;
    }

    private void insertMember(KeaConfigPatch.Op op, Obj obj, String name, JsonNode value, List<Splice> out) {
        insertItem(op, obj, value, name, out);
    }

    /** Adds {@code value} (as member {@code name} of an object, or an element when name is null) after the container's last item. */
    private void insertItem(KeaConfigPatch.Op op, Container c, JsonNode value, String name, List<Splice> out) {
        String prefix = name == null ? "" : quote(name) + ": ";
        if (c.items.isEmpty()) {
            Token open = c.open;
            Token close = c.close;
            if (!open.file().equals(close.file()) || c.crosses) {
                throw refused(op, "the empty " + c.what() + " it adds to opens and closes in different files");
            }
            String text = files.get(open.file());
            String eol = eol(text);
            String lineIndent = indentAt(text, open.start());
            String inner = lineIndent + unit(text);
            String between = text.substring(open.end(), close.start());
            if (between.isBlank()) {
                out.add(new Splice(open.file(), open.end(), close.start(),
                        eol + inner + prefix + render(value, inner, text) + eol + lineIndent));
            } else if (isFirstOnLine(text, close.start())) {
                int at = lineStart(text, close.start());
                out.add(new Splice(open.file(), at, at, inner + prefix + render(value, inner, text) + eol));
            } else {
                out.add(new Splice(open.file(), close.start(), close.start(), " " + prefix + compact(value) + " "));
            }
            return;
        }
        Item last = c.items.get(c.items.size() - 1);
        Token anchor = last.comma != null ? last.comma : last.value.last();
        Path file = anchor.file();
        String text = files.get(file);
        String comma = last.comma != null ? "" : ",";
        Token first = last.first();
        boolean ownLines = first.file().equals(file) && !last.crosses && isFirstOnLine(text, first.start());
        if (ownLines) {
            String indent = indentAt(text, first.start());
            int end = endOfTrivia(text, anchor.end());
            int at = end >= 0 ? end : anchor.end();
            String item = eol(text) + indent + prefix + render(value, indent, text);
            if (at == anchor.end()) {
                out.add(new Splice(file, at, at, comma + item));
            } else {
                if (!comma.isEmpty()) {
                    out.add(new Splice(file, anchor.end(), anchor.end(), comma));
                }
                out.add(new Splice(file, at, at, item));
            }
        } else {
            out.add(new Splice(file, anchor.end(), anchor.end(), comma + " " + prefix + compact(value)));
        }
    }

    private void removeItem(KeaConfigPatch.Op op, Container c, int index, List<Splice> out) {
        Item item = c.items.get(index);
        Token first = item.first();
        Token valueEnd = item.value.last();
        Token end = item.comma != null ? item.comma : valueEnd;
        if (item.crosses || (item.comma != null && item.commaElsewhere) || !first.file().equals(end.file())) {
            throw refused(op, "the " + (c instanceof Obj ? "member" : "element") + " it removes spans more than one file");
        }
        Path file = first.file();
        String text = files.get(file);
        Item prev = index > 0 ? c.items.get(index - 1) : null;
        boolean dropPrevComma = item.comma == null && prev != null && prev.comma != null && index == c.items.size() - 1;
        int restEnd = endOfTrivia(text, end.end());
        if (isFirstOnLine(text, first.start()) && restEnd >= 0) {
            int to = afterLineBreak(text, restEnd);
            out.add(new Splice(file, lineStart(text, first.start()), to, ""));
            if (dropPrevComma) {
                out.add(new Splice(prev.comma.file(), prev.comma.start(), prev.comma.end(), ""));
            }
        } else if (item.comma != null) {
            int to = item.comma.end();
            while (to < text.length() && (text.charAt(to) == ' ' || text.charAt(to) == '\t')) {
                to++;
            }
            out.add(new Splice(file, first.start(), to, ""));
        } else if (dropPrevComma && prev.value.last().file().equals(file) && prev.comma.file().equals(file) && !prev.commaElsewhere) {
            out.add(new Splice(file, prev.value.last().end(), valueEnd.end(), ""));
        } else {
            out.add(new Splice(file, first.start(), valueEnd.end(), ""));
            if (dropPrevComma) {
                out.add(new Splice(prev.comma.file(), prev.comma.start(), prev.comma.end(), ""));
            }
        }
    }

    private void replaceValue(KeaConfigPatch.Op op, Node node, JsonNode value, List<Splice> out) {
        if (node.crosses() || !node.first().file().equals(node.last().file())) {
            throw refused(op, "the value it replaces spans more than one file (it holds an <?include ?>)");
        }
        Path file = node.first().file();
        String text = files.get(file);
        String old = text.substring(node.first().start(), node.last().end());
        String compact = compact(value);
        String replacement = !value.isContainerNode() || (!old.contains("\n") && compact.length() <= INLINE_WIDTH)
                ? (value.isContainerNode() ? inline(value) : compact)
                : render(value, indentAt(text, node.first().start()), text);
        out.add(new Splice(file, node.first().start(), node.last().end(), replacement));
    }

    // ---------------------------------------------------------------- layout

    /** Pretty JSON whose continuation lines start with {@code indent}, nested by the file's own indentation unit. */
    private static String render(JsonNode value, String indent, String fileText) {
        if (!value.isContainerNode() || value.isEmpty()) {
            return compact(value);
        }
        String eol = eol(fileText);
        DefaultIndenter indenter = new DefaultIndenter(unit(fileText), eol);
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                        .withObjectEmptySeparator("").withArrayEmptySeparator(""));
        printer.indentObjectsWith(indenter);
        printer.indentArraysWith(indenter);
        try {
            return JSON.writer(printer).writeValueAsString(value).replace(eol, eol + indent);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing a tree to text failed", e);
        }
    }

    /** One line in Kea's own inline style: {@code [ "a", "b" ]}, {@code { "a": 1 }}. */
    private static String inline(JsonNode value) {
        if (!value.isContainerNode()) {
            return compact(value);
        }
        if (value.isEmpty()) {
            return value.isArray() ? "[ ]" : "{ }";
        }
        List<String> parts = new ArrayList<>();
        if (value.isArray()) {
            value.forEach(v -> parts.add(inline(v)));
            return "[ " + String.join(", ", parts) + " ]";
        }
        value.fields().forEachRemaining(e -> parts.add(quote(e.getKey()) + ": " + inline(e.getValue())));
        return "{ " + String.join(", ", parts) + " }";
    }

    private static String compact(JsonNode value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing a tree to text failed", e);
        }
    }

    private static String quote(String s) {
        return compact(TextNode.valueOf(s));
    }

    private static String eol(String text) {
        return text.contains("\r\n") ? "\r\n" : "\n";
    }

    /**
     * The file's indentation unit: a tab when lines are indented with tabs, else the step by which indentation most
     * often grows from one line to the next (default 4).
     */
    static String unit(String text) {
        Map<Integer, Integer> steps = new HashMap<>();
        int previous = -1;
        int start = 0;
        while (start < text.length()) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? text.length() : nl;
            if (start < end && text.charAt(start) == '\t') {
                return "\t";
            }
            int i = start;
            while (i < end && text.charAt(i) == ' ') {
                i++;
            }
            if (i < end && "\"{[".indexOf(text.charAt(i)) >= 0) {
                int width = i - start;
                if (previous >= 0 && width > previous && width - previous <= 8) {
                    steps.merge(width - previous, 1, Integer::sum);
                }
                previous = width;
            }
            start = end + 1;
        }
        return " ".repeat(steps.entrySet().stream().max(Map.Entry.<Integer, Integer>comparingByValue()
                .thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder()))).map(Map.Entry::getKey).orElse(4));
    }

    private static int lineStart(String text, int offset) {
        return text.lastIndexOf('\n', offset - 1) + 1;
    }

    private static String indentAt(String text, int offset) {
        int s = lineStart(text, offset);
        int i = s;
        while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
            i++;
        }
        return text.substring(s, i);
    }

    private static boolean isFirstOnLine(String text, int offset) {
        return text.substring(lineStart(text, offset), offset).isBlank();
    }

    /**
     * From {@code offset}, the end of the line (the offset of its newline, or of the text's end) when the rest of the
     * line is only white space and perhaps a line comment; -1 when anything else follows on it.
     */
    private static int endOfTrivia(String text, int offset) {
        int i = offset;
        while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t' || text.charAt(i) == '\r')) {
            i++;
        }
        int nl;
        if (i < text.length() && (text.charAt(i) == '#' || text.startsWith("//", i))) {
            nl = text.indexOf('\n', i);
        } else if (i >= text.length() || text.charAt(i) == '\n') {
            nl = i;
        } else {
            return -1;
        }
        if (nl < 0 || nl >= text.length()) {
            return text.length();
        }
        // A CRLF line ends before its CR: what is inserted there goes before the line break, not inside it.
        return nl > offset && text.charAt(nl - 1) == '\r' ? nl - 1 : nl;
    }

    /** The offset just after the line break at {@code lineEnd} (from {@link #endOfTrivia}), or the text's end. */
    private static int afterLineBreak(String text, int lineEnd) {
        if (lineEnd < text.length() && text.charAt(lineEnd) == '\r') {
            lineEnd++;
        }
        return lineEnd < text.length() ? lineEnd + 1 : lineEnd;
    }

    // ---------------------------------------------------------------- errors

    private static Obj asObject(KeaConfigPatch.Op op, Node n) {
        if (n instanceof Obj o) {
            return o;
        }
        throw conflict(op, KeaConfigPatch.describe(op.path()) + " is not an object in the file");
    }

    private static Arr asArray(KeaConfigPatch.Op op, Node n) {
        if (n instanceof Arr a) {
            return a;
        }
        throw conflict(op, KeaConfigPatch.describe(op.path()) + " is not a list in the file");
    }

    private static UserError conflict(KeaConfigPatch.Op op, String why) {
        return new UserError(UserError.Kind.CONFLICT, "patch", "cannot apply the change at " + KeaConfigPatch.describe(op.path())
                + " to the config file: " + why + " (the file differs from what Kea runs?)");
    }

    private static UserError refused(KeaConfigPatch.Op op, String why) {
        return new UserError(UserError.Kind.SERVER_REFUSED, "patch", "will not edit " + KeaConfigPatch.describe(op.path())
                + " in the config file: " + why);
    }

    static UserError syntaxError(Path file, String text, int offset, String problem) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new UserError(UserError.Kind.INVALID_INPUT, "config", file + " line " + line + " column " + (offset - lineStart + 1)
                + ": " + problem);
    }

    // ---------------------------------------------------------------- syntax tree

    private sealed interface Node permits Obj, Arr, Scalar {
        Token first();

        Token last();

        /** True when the node's tokens come from more than one file (an include inside it). */
        boolean crosses();

        JsonNode json();
    }

    /** A member (with its name token) or an element, and the comma after it if any. */
    private static final class Item {
        final Token name;
        final Node value;
        Token comma;
        /** The comma is in another file than the value's end, or an include lies between them. */
        boolean commaElsewhere;
        /** An include lies between the item's first and last token. */
        final boolean crosses;

        Item(Token name, Node value, boolean crosses) {
            this.name = name;
            this.value = value;
            this.crosses = crosses;
        }

        Token first() {
            return name != null ? name : value.first();
        }
    }

    private abstract static sealed class Container permits Obj, Arr {
        final Token open;
        final List<Item> items = new ArrayList<>();
        Token close;
        boolean crosses;
        JsonNode json;

        Container(Token open) {
            this.open = open;
        }

        abstract String what();

        /** Node's: an object or a list starts at its bracket and ends at its closing one. */
        public Token first() {
            return open;
        }

        public Token last() {
            return close;
        }

        public boolean crosses() {
            return crosses;
        }
    }

    private static final class Obj extends Container implements Node {
        private final Map<String, Item> byName = new HashMap<>();

        Obj(Token open) {
            super(open);
        }

        Item member(String name) {
            return byName.get(name);
        }

        @Override
        String what() {
            return "object";
        }

        @Override
        public JsonNode json() {
            if (json == null) {
                ObjectNode o = JsonNodeFactory.instance.objectNode();
                for (Item i : items) {
                    o.set(i.name.value(), i.value.json());
                }
                json = o;
            }
            return json;
        }
    }

    private static final class Arr extends Container implements Node {
        /** Each element's facets and, by facet and value, the elements that have it; built at the first lookup. */
        List<Map<String, String>> facets;
        private Map<String, Map<String, List<Integer>>> byFacet;

        Arr(Token open) {
            super(open);
        }

        /** In ascending order, the elements sharing at least one facet value with {@code key}: any that can match it. */
        List<Integer> sharingAFacet(String arrayName, KeaConfigPatch.Key key) {
            if (byFacet == null) {
                facets = new ArrayList<>(items.size());
                byFacet = new HashMap<>();
                for (int i = 0; i < items.size(); i++) {
                    Map<String, String> f = KeaConfigPatch.facetsOf(arrayName, items.get(i).value.json(), i);
                    facets.add(f);
                    int index = i;
                    f.forEach((name, value) -> byFacet.computeIfAbsent(name, x -> new HashMap<>())
                            .computeIfAbsent(value, x -> new ArrayList<>()).add(index));
                }
            }
            java.util.TreeSet<Integer> out = new java.util.TreeSet<>();
            key.facets().forEach((name, value) -> out.addAll(byFacet.getOrDefault(name, Map.of()).getOrDefault(value, List.of())));
            return new ArrayList<>(out);
        }

        @Override
        String what() {
            return "list";
        }

        @Override
        public JsonNode json() {
            if (json == null) {
                ArrayNode a = JsonNodeFactory.instance.arrayNode();
                items.forEach(i -> a.add(i.value.json()));
                json = a;
            }
            return json;
        }
    }

    private record Scalar(Token token, JsonNode json) implements Node {
        @Override
        public Token first() {
            return token;
        }

        @Override
        public Token last() {
            return token;
        }

        @Override
        public boolean crosses() {
            return false;
        }
    }

    /** Tokens of the main file with those of included files spliced in where their directives stand. */
    private static final class TokenStream {
        private record Frame(Path file, String text, List<Token> tokens, int[] next) {}

        private final Deque<Frame> stack = new ArrayDeque<>();
        /** Counts entering and leaving included files: a node whose count changed between its ends crosses files. */
        int events;
        Parser parser;

        void push(Path file, String text) {
            stack.push(new Frame(file, text, KeaTokenizer.tokenize(file, text), new int[1]));
        }

        Token peek() {
            while (!stack.isEmpty()) {
                Frame f = stack.peek();
                if (f.next[0] >= f.tokens.size()) {
                    if (stack.size() == 1) {
                        return null;
                    }
                    stack.pop();
                    events++;
                    continue;
                }
                Token t = f.tokens.get(f.next[0]);
                if (t.kind() == Kind.INCLUDE) {
                    f.next[0]++;
                    parser.enter(t, f);
                    events++;
                    continue;
                }
                return t;
            }
            return null;
        }

        Token next() {
            Token t = peek();
            if (t != null) {
                stack.peek().next[0]++;
            }
            return t;
        }

        boolean open(Path file) {
            return stack.stream().anyMatch(f -> f.file.equals(file));
        }

        int depth() {
            return stack.size() - 1;
        }

        String textOf(Path file) {
            return stack.stream().filter(f -> f.file.equals(file)).findFirst().map(Frame::text).orElse("");
        }
    }

    private static final class Parser {
        final Path main;
        final FileReader reader;
        final Map<Path, String> files = new LinkedHashMap<>();
        final Map<Path, Integer> includedTimes = new HashMap<>();
        final List<Include> includes = new ArrayList<>();
        final TokenStream stream = new TokenStream();

        Parser(Path main, FileReader reader) {
            this.main = main;
            this.reader = reader;
            stream.parser = this;
        }

        void enter(Token directive, TokenStream.Frame from) {
            Path target = Path.of(directive.value());
            Path resolved = (target.isAbsolute() ? target : main.getParent().resolve(target)).normalize();
            if (stream.depth() >= MAX_INCLUDE_DEPTH) {
                throw error(directive, "includes nest deeper than " + MAX_INCLUDE_DEPTH + " levels");
            }
            if (stream.open(resolved)) {
                throw error(directive, "\"" + directive.value() + "\" includes itself (through " + from.file() + ")");
            }
            String text = files.get(resolved);
            if (text == null) {
                try {
                    text = reader.read(resolved);
                } catch (IOException e) {
                    throw error(directive, "cannot read the included file " + resolved + " (" + e.getClass().getSimpleName() + ")");
                }
                files.put(resolved, text);
            }
            includedTimes.merge(resolved, 1, Integer::sum);
            includes.add(new Include(from.file(), directive.start(), directive.end(), directive.value(), resolved));
            stream.push(resolved, text);
        }

        Node value() {
            Token t = stream.next();
            if (t == null) {
                throw syntaxError(main, files.get(main), files.get(main).length(), "the configuration ends too early");
            }
            return switch (t.kind()) {
                case LBRACE -> object(t);
                case LBRACKET -> array(t);
                case STRING -> new Scalar(t, TextNode.valueOf(t.value()));
                case TRUE -> new Scalar(t, BooleanNode.TRUE);
                case FALSE -> new Scalar(t, BooleanNode.FALSE);
                case NULL -> new Scalar(t, NullNode.instance);
                case NUMBER -> new Scalar(t, number(t));
                default -> throw error(t, "expected a value, found " + describe(t));
            };
        }

        private JsonNode number(Token t) {
            String text = files.get(t.file()).substring(t.start(), t.end());
            try {
                return JSON.readTree(text.startsWith(".") ? "0" + text : text.startsWith("-.") ? "-0" + text.substring(1) : text);
            } catch (JsonProcessingException e) {
                throw error(t, "\"" + text + "\" is not a number");
            }
        }

        private Obj object(Token open) {
            Obj o = new Obj(open);
            int before = stream.events;
            while (true) {
                Token t = stream.next();
                if (t == null) {
                    throw error(open, "this { is never closed");
                }
                if (t.kind() == Kind.RBRACE) {
                    o.close = t;
                    break;
                }
                if (t.kind() != Kind.STRING) {
                    throw error(t, "expected a member name in quotes or }, found " + describe(t));
                }
                if (o.byName.containsKey(t.value())) {
                    throw error(t, "member \"" + t.value() + "\" appears twice in the same object");
                }
                int start = stream.events;
                Token colon = stream.next();
                if (colon == null || colon.kind() != Kind.COLON) {
                    throw error(colon == null ? t : colon, "expected : after \"" + t.value() + "\"");
                }
                Node v = value();
                Item item = new Item(t, v, stream.events != start);
                o.items.add(item);
                o.byName.put(t.value(), item);
                if (!separator(o, item, Kind.RBRACE)) {
                    continue;
                }
            }
            o.crosses = stream.events != before;
            return o;
        }

        private Arr array(Token open) {
            Arr a = new Arr(open);
            int before = stream.events;
            while (true) {
                Token t = stream.peek();
                if (t == null) {
                    throw error(open, "this [ is never closed");
                }
                if (t.kind() == Kind.RBRACKET) {
                    a.close = stream.next();
                    break;
                }
                int start = stream.events;
                Node v = value();
                Item item = new Item(null, v, stream.events != start);
                a.items.add(item);
                separator(a, item, Kind.RBRACKET);
            }
            a.crosses = stream.events != before;
            return a;
        }

        /** Reads the comma after an item (Kea allows one before the closing bracket too); true when one was there. */
        private boolean separator(Container c, Item item, Kind close) {
            int before = stream.events;
            Token p = stream.peek();
            if (p != null && p.kind() == Kind.COMMA) {
                item.comma = stream.next();
                item.commaElsewhere = stream.events != before;
                return true;
            }
            if (p == null || p.kind() != close) {
                throw error(p == null ? c.open : p, "expected , or " + (close == Kind.RBRACE ? "}" : "]")
                        + (p == null ? " before the end" : ", found " + describe(p)));
            }
            return false;
        }

        UserError error(Token t, String problem) {
            String text = files.getOrDefault(t.file(), stream.textOf(t.file()));
            return syntaxError(t.file(), text, t.start(), problem);
        }

        private String describe(Token t) {
            return switch (t.kind()) {
                case STRING -> "\"" + t.value() + "\"";
                case INCLUDE -> "an include";
                default -> files.getOrDefault(t.file(), "").substring(t.start(), t.end());
            };
        }
    }
}
