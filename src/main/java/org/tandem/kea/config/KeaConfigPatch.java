package org.tandem.kea.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.tandem.common.Text;
import org.tandem.common.UserError;
import org.tandem.net.Ipv4Address;
import org.tandem.net.Ipv4Range;

/**
 * The structural difference between two Kea configurations, as operations on paths, so a file can be edited where it
 * differs and nowhere else (see {@code kea.text.KeaConfigText}, which applies a patch to a file as text splices).
 *
 * <p>Central knows a server's configuration from config-get, which prints every value Kea derived (Kea 2.2 pins
 * valid-lifetime, renew-timer, t1-percent and the like into each subnet). A patch holds only members and elements that
 * differ between {@code before} and {@code after}, so a value the file leaves to inheritance stays inherited unless the
 * change is about it.
 *
 * <p>Array elements are addressed by identity, not position, because the file spells things differently from
 * config-get and may lack what Kea fills in (a subnet's id): subnet4 by {@code id}, else by its prefix; shared-networks,
 * client-classes and option-def by {@code name}; option-data by name or code plus space (default dhcp4); pools by the
 * range they denote; reservations by identifier and ip-address; hooks-libraries by library file name; HA peers by name.
 * Other arrays (and arrays whose elements are not all distinct by identity) are addressed by index. A key holds
 * facets in order of preference; an element matches on the first facet both sides have.
 *
 * <p>Order: Kea evaluates client-classes and loads hooks-libraries in order, so a change that reorders those (or adds
 * one before an existing one) replaces the whole array; elsewhere new elements are appended.
 */
public final class KeaConfigPatch {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** A patch travels Central → agent in one request; more operations than this is not an edit but a new config. */
    public static final int MAX_OPERATIONS = 200_000;
    private static final int MAX_PATH_DEPTH = 32;

    /** Arrays whose order matters to Kea. */
    private static final Set<String> ORDERED = Set.of("client-classes", "hooks-libraries");
    /** Members an element's identity is computed from; their changes are emitted last so earlier paths still find it. */
    private static final Set<String> IDENTITY_MEMBERS = Set.of("id", "subnet", "name", "code", "space", "pool", "hw-address",
            "client-id", "duid", "circuit-id", "flex-id", "ip-address", "library");
    private static final List<String> IDENTIFIER_KINDS = List.of("hw-address", "client-id", "duid", "circuit-id", "flex-id");

    /** One step of a path: a member of an object, or an element of an array. */
    public sealed interface Step permits Member, Element {}

    /** The member {@code name} of an object. */
    public record Member(String name) implements Step {
        public Member {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** The element of an array with this identity. */
    public record Element(Key key) implements Step {
        public Element {
            Objects.requireNonNull(key, "key");
        }

        @Override
        public String toString() {
            return "[" + key + "]";
        }
    }

    /**
     * The identity of an array element: facets (e.g. {@code id}, then {@code subnet}) in order of preference. Another
     * element is the same one when the first facet of this key that it also has is equal.
     */
    public record Key(Map<String, String> facets) {
        public Key {
            facets = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(facets));
            if (facets.isEmpty()) {
                throw new IllegalArgumentException("a key needs at least one facet");
            }
        }

        public static Key index(int i) {
            return new Key(Map.of("index", Integer.toString(i)));
        }

        /** Whether an element with these facets (from {@link #facetsOf}) is the one this key names. */
        public boolean matches(Map<String, String> elementFacets) {
            for (Map.Entry<String, String> f : facets.entrySet()) {
                String theirs = elementFacets.get(f.getKey());
                if (theirs != null) {
                    return theirs.equals(f.getValue());
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return facets.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
        }
    }

    /** One operation; {@code path} leads from the document root to the object or array it works on. */
    public sealed interface Op permits SetMember, RemoveMember, AppendElement, RemoveElement, ReplaceElement {
        List<Step> path();
    }

    /** Adds or replaces member {@code member} of the object at {@code path}. */
    public record SetMember(List<Step> path, String member, JsonNode value) implements Op {
        public SetMember {
            path = List.copyOf(path);
            Objects.requireNonNull(member, "member");
            Objects.requireNonNull(value, "value");
        }
    }

    /** Removes member {@code member} of the object at {@code path} (nothing to do when it is absent). */
    public record RemoveMember(List<Step> path, String member) implements Op {
        public RemoveMember {
            path = List.copyOf(path);
            Objects.requireNonNull(member, "member");
        }
    }

    /** Appends {@code value} to the array at {@code path} (an absent array is created). */
    public record AppendElement(List<Step> path, JsonNode value) implements Op {
        public AppendElement {
            path = List.copyOf(path);
            Objects.requireNonNull(value, "value");
        }
    }

    /** Removes the element {@code key} of the array at {@code path}. */
    public record RemoveElement(List<Step> path, Key key) implements Op {
        public RemoveElement {
            path = List.copyOf(path);
            Objects.requireNonNull(key, "key");
        }
    }

    /** Replaces the element {@code key} of the array at {@code path} with {@code value}. */
    public record ReplaceElement(List<Step> path, Key key, JsonNode value) implements Op {
        public ReplaceElement {
            path = List.copyOf(path);
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }

    private final List<Op> ops;

    public KeaConfigPatch(List<Op> ops) {
        this.ops = List.copyOf(ops);
    }

    public List<Op> ops() {
        return ops;
    }

    public boolean isEmpty() {
        return ops.isEmpty();
    }

    // ---------------------------------------------------------------- diff

    /** The patch that turns {@code beforeJson} into {@code afterJson} (both whole documents, {@code {"Dhcp4": {...}}}). */
    public static KeaConfigPatch between(String beforeJson, String afterJson) {
        return between(parse("expectedConfig", beforeJson), parse("newConfig", afterJson));
    }

    /** The patch that turns {@code before} into {@code after}; both must be JSON objects. */
    public static KeaConfigPatch between(JsonNode before, JsonNode after) {
        if (!before.isObject() || !after.isObject()) {
            throw new IllegalArgumentException("a Kea configuration is a JSON object");
        }
        List<Op> out = new ArrayList<>();
        diffObject(List.of(), before, after, out);
        return new KeaConfigPatch(out);
    }

    private static JsonNode parse(String field, String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw UserError.invalid(field, "is not valid JSON (" + Text.jsonProblem(e) + ")");
        }
    }

    private static void diffObject(List<Step> path, JsonNode b, JsonNode a, List<Op> out) {
        List<Op> identityOps = new ArrayList<>();
        for (Iterator<String> it = b.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!a.has(name)) {
                (IDENTITY_MEMBERS.contains(name) ? identityOps : out).add(new RemoveMember(path, name));
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode bv = b.get(name);
            if (bv == null) {
                (IDENTITY_MEMBERS.contains(name) ? identityOps : out).add(new SetMember(path, name, e.getValue()));
            } else if (!bv.equals(e.getValue())) {
                if (IDENTITY_MEMBERS.contains(name) && !(bv.isContainerNode() && e.getValue().isContainerNode())) {
                    identityOps.add(new SetMember(path, name, e.getValue()));
                } else {
                    diffValue(path, new Member(name), bv, e.getValue(), out);
                }
            }
        }
        if (identityOps.isEmpty()) {
            return;
        }
        // The element's own key changes with these: each later operation must find it by its key at that moment.
        Step last = path.isEmpty() ? null : path.get(path.size() - 1);
        if (!(last instanceof Element) || path.size() < 2 || !(path.get(path.size() - 2) instanceof Member arrayName)) {
            out.addAll(identityOps);
            return;
        }
        ObjectNode current = b.deepCopy();
        List<Step> arrayPath = path.subList(0, path.size() - 1);
        Key key = ((Element) last).key();
        for (Op op : identityOps) {
            List<Step> at = new ArrayList<>(arrayPath);
            at.add(new Element(key));
            if (op instanceof SetMember s) {
                out.add(new SetMember(at, s.member(), s.value()));
                current.set(s.member(), s.value());
            } else if (op instanceof RemoveMember r) {
                out.add(new RemoveMember(at, r.member()));
                current.remove(r.member());
            }
            Key next = identityKey(arrayName.name(), current);
            if (next != null && !key.facets().containsKey("index")) {
                key = next;
            }
        }
    }

    /** Emits what turns {@code b} into {@code a}, found at {@code at} (a member or element) of the container at {@code path}. */
    private static void diffValue(List<Step> path, Step at, JsonNode b, JsonNode a, List<Op> out) {
        if (b.equals(a)) {
            return;
        }
        List<Step> inner = append(path, at);
        if (b.isObject() && a.isObject()) {
            diffObject(inner, b, a, out);
            return;
        }
        if (b.isArray() && a.isArray()) {
            List<Op> arrayOps = new ArrayList<>();
            if (diffArray(inner, at instanceof Member m ? m.name() : null, b, a, arrayOps)) {
                out.addAll(arrayOps);
                return;
            }
        }
        out.add(switch (at) {
            case Member m -> new SetMember(path, m.name(), a);
            case Element e -> new ReplaceElement(path, e.key(), a);
        });
    }

    /** Emits the edits of array {@code b} into {@code a}; false when only replacing the whole array keeps its order. */
    private static boolean diffArray(List<Step> path, String name, JsonNode b, JsonNode a, List<Op> out) {
        List<Key> kb = distinctKeys(name, b);
        List<Key> ka = kb == null ? null : distinctKeys(name, a);
        if (kb == null || ka == null) {
            int common = Math.min(b.size(), a.size());
            for (int i = 0; i < common; i++) {
                diffValue(path, new Element(Key.index(i)), b.get(i), a.get(i), out);
            }
            for (int i = b.size() - 1; i >= common; i--) {
                out.add(new RemoveElement(path, Key.index(i)));
            }
            for (int i = common; i < a.size(); i++) {
                out.add(new AppendElement(path, a.get(i)));
            }
            return true;
        }
        int[] match = new int[a.size()];
        boolean[] kept = new boolean[b.size()];
        KeyIndex index = new KeyIndex();
        for (int i = 0; i < b.size(); i++) {
            index.add(kb.get(i), i);
        }
        for (int j = 0; j < a.size(); j++) {
            match[j] = -1;
            for (int i : index.sharingAFacet(ka.get(j))) {
                if (!kept[i] && kb.get(i).matches(ka.get(j).facets())) {
                    match[j] = i;
                    kept[i] = true;
                    break;
                }
            }
        }
        if (ORDERED.contains(name)) {
            int lastMatched = -1;
            boolean added = false;
            for (int j = 0; j < a.size(); j++) {
                if (match[j] < 0) {
                    added = true;
                } else if (match[j] < lastMatched || added) {
                    return false;
                } else {
                    lastMatched = match[j];
                }
            }
        }
        for (int i = 0; i < b.size(); i++) {
            if (!kept[i]) {
                out.add(new RemoveElement(path, kb.get(i)));
            }
        }
        for (int j = 0; j < a.size(); j++) {
            if (match[j] >= 0) {
                diffValue(path, new Element(kb.get(match[j])), b.get(match[j]), a.get(j), out);
            }
        }
        for (int j = 0; j < a.size(); j++) {
            if (match[j] < 0) {
                out.add(new AppendElement(path, a.get(j)));
            }
        }
        return true;
    }

    /** Identity keys of every element, or null when the array is addressed by index (no rule, or not all distinct). */
    private static List<Key> distinctKeys(String name, JsonNode array) {
        if (name == null || !hasIdentityRule(name)) {
            return null;
        }
        List<Key> keys = new ArrayList<>();
        KeyIndex index = new KeyIndex();
        for (JsonNode e : array) {
            Key k = identityKey(name, e);
            if (k == null) {
                return null;
            }
            for (int i : index.sharingAFacet(k)) {
                Key other = keys.get(i);
                if (other.matches(k.facets()) || k.matches(other.facets())) {
                    return null;
                }
            }
            index.add(k, keys.size());
            keys.add(k);
        }
        return keys;
    }

    /** Elements by each facet value, so matching 20,000 subnets does not compare every pair. */
    private static final class KeyIndex {
        private final Map<String, Map<String, List<Integer>>> byFacet = new java.util.HashMap<>();

        void add(Key k, int i) {
            k.facets().forEach((f, v) -> byFacet.computeIfAbsent(f, x -> new java.util.HashMap<>()).computeIfAbsent(v, x -> new ArrayList<>()).add(i));
        }

        /** In ascending order, the elements that share at least one facet value with {@code k}: any that can match it. */
        List<Integer> sharingAFacet(Key k) {
            java.util.TreeSet<Integer> out = new java.util.TreeSet<>();
            k.facets().forEach((f, v) -> {
                Map<String, List<Integer>> values = byFacet.get(f);
                List<Integer> found = values == null ? null : values.get(v);
                if (found != null) {
                    out.addAll(found);
                }
            });
            return new ArrayList<>(out);
        }
    }

    /** Whether a member's value is part of an element's identity (an edit of it changes how later paths find the element). */
    public static boolean isIdentityMember(String member) {
        return IDENTITY_MEMBERS.contains(member);
    }

    // ---------------------------------------------------------------- identity

    private static boolean hasIdentityRule(String arrayName) {
        return switch (arrayName) {
            case "subnet4", "shared-networks", "client-classes", "option-def", "option-data", "pools", "reservations",
                 "hooks-libraries", "peers" -> true;
            default -> false;
        };
    }

    /**
     * Every facet an element of array {@code arrayName} at {@code index} can be found by: its identity facets and
     * its index. Text editors call this on the elements they read from a file.
     */
    public static Map<String, String> facetsOf(String arrayName, JsonNode element, int index) {
        Map<String, String> f = new LinkedHashMap<>();
        Key k = arrayName == null || !hasIdentityRule(arrayName) ? null : identityKey(arrayName, element);
        if (k != null) {
            f.putAll(k.facets());
        }
        f.put("index", Integer.toString(index));
        return f;
    }

    /** The identity of an element of array {@code arrayName}, or null when the element has none. */
    static Key identityKey(String arrayName, JsonNode e) {
        if (!e.isObject()) {
            return null;
        }
        Map<String, String> f = new LinkedHashMap<>();
        switch (arrayName) {
            case "subnet4" -> {
                if (e.path("id").isIntegralNumber()) {
                    f.put("id", e.get("id").asText());
                }
                if (e.path("subnet").isTextual()) {
                    f.put("subnet", prefix(e.get("subnet").asText()));
                }
            }
            case "shared-networks", "client-classes", "option-def", "peers" -> {
                if (e.path("name").isTextual()) {
                    f.put("name", e.get("name").asText());
                }
            }
            case "option-data" -> {
                String space = e.path("space").isTextual() ? e.get("space").asText() : "dhcp4";
                if (e.path("name").isTextual()) {
                    f.put("name", e.get("name").asText() + "@" + space);
                }
                if (e.path("code").isIntegralNumber()) {
                    f.put("code", e.get("code").asText() + "@" + space);
                }
            }
            case "pools" -> {
                if (e.path("pool").isTextual()) {
                    f.put("pool", poolRange(e.get("pool").asText()));
                }
            }
            case "reservations" -> {
                for (String kind : IDENTIFIER_KINDS) {
                    if (e.path(kind).isTextual()) {
                        String ip = e.path("ip-address").isTextual() ? address(e.get("ip-address").asText()) : "";
                        f.put("identifier", kind + "=" + KeaReservation.hex(e.get(kind).asText()) + "|" + ip);
                        break;
                    }
                }
            }
            case "hooks-libraries" -> {
                if (e.path("library").isTextual()) {
                    String lib = e.get("library").asText();
                    f.put("library", lib.substring(lib.lastIndexOf('/') + 1));
                }
            }
            default -> {
                return null;
            }
        }
        return f.isEmpty() ? null : new Key(f);
    }

    /** {@code 192.0.2.0/24} in canonical form (network address, no spaces); the text itself when it is not a prefix. */
    static String prefix(String text) {
        String t = text.strip();
        int slash = t.indexOf('/');
        if (slash > 0) {
            try {
                Ipv4Address a = Ipv4Address.parse("subnet", t.substring(0, slash).strip());
                int len = Integer.parseInt(t.substring(slash + 1).strip());
                Ipv4Range r = Ipv4Range.ofPrefix(a, len);
                return r.first() + "/" + len;
            } catch (RuntimeException notAPrefix) {
                return t;
            }
        }
        return t;
    }

    /** A pool as {@code first-last}, whether written {@code a - b}, {@code a-b} or as a prefix; else as written, unspaced. */
    static String poolRange(String text) {
        try {
            Ipv4Range r = KeaConfigDocument.poolRange(text);
            return r.first() + "-" + r.last();
        } catch (RuntimeException notARange) {
            return text.strip().replace(" ", "");
        }
    }

    private static String address(String text) {
        try {
            return Ipv4Address.parse("ip-address", text.strip()).toString();
        } catch (RuntimeException e) {
            return text.strip();
        }
    }

    // ---------------------------------------------------------------- apply to a tree

    /** A copy of {@code document} with every operation applied in order; a path that is not there is a CONFLICT. */
    public JsonNode applyTo(JsonNode document) {
        JsonNode root = document.deepCopy();
        for (Op op : ops) {
            applyOne(root, op);
        }
        return root;
    }

    private static void applyOne(JsonNode root, Op op) {
        List<Step> path = op.path();
        JsonNode at = root;
        for (int i = 0; i < path.size(); i++) {
            Step s = path.get(i);
            JsonNode next;
            if (s instanceof Member m) {
                if (!at.isObject()) {
                    throw notThere(path.subList(0, i + 1), "is not inside an object");
                }
                next = at.get(m.name());
                if (next == null) {
                    // An absent member: removals are done already; additions create what leads to them.
                    switch (op) {
                        case RemoveMember r -> {
                            return;
                        }
                        case SetMember set -> {
                            ((ObjectNode) at).set(m.name(), wrap(path.subList(i + 1, path.size()), set.member(), set.value()));
                            return;
                        }
                        case AppendElement app -> {
                            ArrayNode arr = NODES.arrayNode().add(app.value());
                            ((ObjectNode) at).set(m.name(), wrapArray(path.subList(i + 1, path.size()), arr));
                            return;
                        }
                        default -> throw notThere(path.subList(0, i + 1), "is not in the configuration");
                    }
                }
            } else {
                Element e = (Element) s;
                String arrayName = i > 0 && path.get(i - 1) instanceof Member m ? m.name() : null;
                if (!at.isArray()) {
                    throw notThere(path.subList(0, i + 1), "is not inside an array");
                }
                int found = find(arrayName, (ArrayNode) at, e.key(), path.subList(0, i + 1));
                next = at.get(found);
            }
            at = next;
        }
        String arrayName = !path.isEmpty() && path.get(path.size() - 1) instanceof Member m ? m.name() : null;
        switch (op) {
            case SetMember s -> requireObject(at, path).set(s.member(), s.value().deepCopy());
            case RemoveMember r -> requireObject(at, path).remove(r.member());
            case AppendElement a -> requireArray(at, path).add(a.value().deepCopy());
            case RemoveElement r -> requireArray(at, path).remove(find(arrayName, (ArrayNode) at, r.key(), path));
            case ReplaceElement r -> requireArray(at, path).set(find(arrayName, (ArrayNode) at, r.key(), path), r.value().deepCopy());
        }
    }

    private static JsonNode wrap(List<Step> rest, String member, JsonNode value) {
        ObjectNode leaf = NODES.objectNode();
        leaf.set(member, value.deepCopy());
        return wrapObject(rest, leaf);
    }

    private static JsonNode wrapArray(List<Step> rest, ArrayNode array) {
        if (rest.isEmpty()) {
            return array;
        }
        throw notThere(rest, "cannot be created: the path leads on past an absent member");
    }

    private static JsonNode wrapObject(List<Step> rest, JsonNode leaf) {
        JsonNode v = leaf;
        for (int i = rest.size() - 1; i >= 0; i--) {
            if (!(rest.get(i) instanceof Member m)) {
                throw notThere(rest, "cannot be created: an array element on the path is absent");
            }
            ObjectNode o = NODES.objectNode();
            o.set(m.name(), v);
            v = o;
        }
        return v;
    }

    /** The index of the one element {@code key} names. */
    private static int find(String arrayName, ArrayNode array, Key key, List<Step> path) {
        int found = -1;
        for (int i = 0; i < array.size(); i++) {
            if (key.matches(facetsOf(arrayName, array.get(i), i))) {
                if (found >= 0) {
                    throw new UserError(UserError.Kind.CONFLICT, "patch", describe(path) + " [" + key + "] names more than one element");
                }
                found = i;
            }
        }
        if (found < 0) {
            throw notThere(append(path, new Element(key)), "is not in the configuration");
        }
        return found;
    }

    private static ObjectNode requireObject(JsonNode n, List<Step> path) {
        if (!n.isObject()) {
            throw notThere(path, "is not an object");
        }
        return (ObjectNode) n;
    }

    private static ArrayNode requireArray(JsonNode n, List<Step> path) {
        if (!n.isArray()) {
            throw notThere(path, "is not an array");
        }
        return (ArrayNode) n;
    }

    private static UserError notThere(List<Step> path, String what) {
        return new UserError(UserError.Kind.CONFLICT, "patch", describe(path) + " " + what
                + "; the configuration differs from the one the change was planned on");
    }

    /** A path for people: {@code Dhcp4 > subnet4[id=1, subnet=192.0.2.0/24] > pools}. */
    public static String describe(List<Step> path) {
        StringBuilder b = new StringBuilder();
        for (Step s : path) {
            if (s instanceof Member m) {
                b.append(b.isEmpty() ? "" : " > ").append(m.name());
            } else {
                b.append(s);
            }
        }
        return b.isEmpty() ? "the top level" : b.toString();
    }

    private static List<Step> append(List<Step> path, Step s) {
        List<Step> p = new ArrayList<>(path.size() + 1);
        p.addAll(path);
        p.add(s);
        return List.copyOf(p);
    }

    // ---------------------------------------------------------------- wire format

    /**
     * The patch as JSON: a list of {@code {"op": "set"|"remove"|"append"|"remove-element"|"replace-element", "path":
     * [...], "member", "key", "value"}}; a path step is a member name (string) or an element key (object of facets).
     */
    public ArrayNode toJson() {
        ArrayNode out = NODES.arrayNode();
        for (Op op : ops) {
            ObjectNode o = out.addObject();
            o.put("op", switch (op) {
                case SetMember s -> "set";
                case RemoveMember r -> "remove";
                case AppendElement a -> "append";
                case RemoveElement r -> "remove-element";
                case ReplaceElement r -> "replace-element";
            });
            ArrayNode p = o.putArray("path");
            for (Step s : op.path()) {
                if (s instanceof Member m) {
                    p.add(m.name());
                } else {
                    p.add(keyJson(((Element) s).key()));
                }
            }
            switch (op) {
                case SetMember s -> o.put("member", s.member()).set("value", s.value());
                case RemoveMember r -> o.put("member", r.member());
                case AppendElement a -> o.set("value", a.value());
                case RemoveElement r -> o.set("key", keyJson(r.key()));
                case ReplaceElement r -> {
                    o.set("key", keyJson(r.key()));
                    o.set("value", r.value());
                }
            }
        }
        return out;
    }

    private static ObjectNode keyJson(Key k) {
        ObjectNode o = NODES.objectNode();
        k.facets().forEach(o::put);
        return o;
    }

    /** Reads a patch from its JSON form; every problem is an INVALID_INPUT naming the field, e.g. {@code patch[3].path[1]}. */
    public static KeaConfigPatch fromJson(String field, JsonNode json) {
        if (json == null || !json.isArray()) {
            throw UserError.invalid(field, "must be a list of operations");
        }
        if (json.size() > MAX_OPERATIONS) {
            throw UserError.invalid(field, "has " + json.size() + " operations; at most " + MAX_OPERATIONS);
        }
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < json.size(); i++) {
            String f = field + "[" + i + "]";
            JsonNode o = json.get(i);
            if (!o.isObject()) {
                throw UserError.invalid(f, "must be an object with \"op\" and \"path\"");
            }
            for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
                String n = it.next();
                if (!Set.of("op", "path", "member", "key", "value").contains(n)) {
                    throw UserError.invalid(f + "." + n, "is not a field of a patch operation; allowed: key, member, op, path, value");
                }
            }
            String kind = o.path("op").isTextual() ? o.get("op").asText() : null;
            List<Step> path = pathFromJson(f + ".path", o.get("path"));
            ops.add(switch (kind == null ? "" : kind) {
                case "set" -> new SetMember(path, member(f, o), value(f, o));
                case "remove" -> new RemoveMember(path, member(f, o));
                case "append" -> new AppendElement(path, value(f, o));
                case "remove-element" -> new RemoveElement(path, keyFromJson(f + ".key", o.get("key")));
                case "replace-element" -> new ReplaceElement(path, keyFromJson(f + ".key", o.get("key")), value(f, o));
                default -> throw UserError.invalid(f + ".op", "must be one of set, remove, append, remove-element, replace-element");
            });
        }
        return new KeaConfigPatch(ops);
    }

    private static List<Step> pathFromJson(String field, JsonNode p) {
        if (p == null || !p.isArray()) {
            throw UserError.invalid(field, "must be a list of member names and element keys");
        }
        if (p.size() > MAX_PATH_DEPTH) {
            throw UserError.invalid(field, "is deeper than " + MAX_PATH_DEPTH + " steps");
        }
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < p.size(); i++) {
            JsonNode s = p.get(i);
            if (s.isTextual()) {
                steps.add(new Member(s.asText()));
            } else if (s.isObject()) {
                steps.add(new Element(keyFromJson(field + "[" + i + "]", s)));
            } else {
                throw UserError.invalid(field + "[" + i + "]", "must be a member name or an element key object");
            }
        }
        return steps;
    }

    private static Key keyFromJson(String field, JsonNode k) {
        if (k == null || !k.isObject() || k.isEmpty()) {
            throw UserError.invalid(field, "must be an object of identity facets, e.g. {\"id\": \"1\"}");
        }
        Map<String, String> facets = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = k.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw UserError.invalid(field + "." + e.getKey(), "must be a string");
            }
            facets.put(e.getKey(), e.getValue().asText());
        }
        return new Key(facets);
    }

    private static String member(String f, JsonNode o) {
        if (!o.path("member").isTextual()) {
            throw UserError.invalid(f + ".member", "is required: the name of the member");
        }
        return o.get("member").asText();
    }

    private static JsonNode value(String f, JsonNode o) {
        JsonNode v = o.get("value");
        if (v == null) {
            throw UserError.invalid(f + ".value", "is required");
        }
        return v;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeaConfigPatch p && p.ops.equals(ops);
    }

    @Override
    public int hashCode() {
        return ops.hashCode();
    }

    @Override
    public String toString() {
        return "KeaConfigPatch" + toJson();
    }
}
