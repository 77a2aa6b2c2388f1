package org.tandem.kea.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.ref.SoftReference;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.tandem.net.Ipv4Address;
import org.tandem.net.Ipv4Range;

/**
 * One server's configuration as last synced from {@code config-get}: the whole document kept as compact JSON bytes
 * (so every key we do not model survives), its canonical SHA-256, and a small index of subnets. Immutable.
 *
 * <p>Holding bytes instead of a JSON tree keeps a synced 20,000-subnet config (15 MB) at about its JSON size in
 * memory; a Jackson tree of it would take several times that. Modelled views are parsed on demand.
 */
public final class KeaConfig {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final byte[] json;
    private final String hash;
    private final String keaHash;
    private final long[] subnetIds;
    private final int[] subnetFirst;
    private final int[] subnetLast;
    /** Whether Dhcp4 has {@code config-control} (a configuration backend); noted while the config is parsed. */
    private final boolean configBackend;
    private final Instant syncedAt;
    /** The pretty text once printed, kept while the heap has room for it. */
    private volatile SoftReference<String> pretty;

    private KeaConfig(byte[] json, String hash, String keaHash, long[] ids, int[] first, int[] last, boolean configBackend,
                      Instant syncedAt) {
        this.json = json;
        this.hash = hash;
        this.keaHash = keaHash;
        this.subnetIds = ids;
        this.subnetFirst = first;
        this.subnetLast = last;
        this.configBackend = configBackend;
        this.syncedAt = syncedAt;
    }

    /**
     * Reads the {@code arguments} of a config-get answer from a stream, copying it compactly, hashing it and indexing
     * subnets in one pass. Kea prints map keys sorted (its maps are std::map), which makes the compact copy canonical;
     * if an object's keys ever arrive unsorted we fall back to sorting a tree.
     */
    public static KeaConfig fromKea(JsonParser p, Instant syncedAt) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new IOException("config-get arguments are not an object");
        }
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(64 * 1024);
        MessageDigest sha = sha256();
        IndexBuilder index = new IndexBuilder();
        String keaHash = null;
        boolean sorted = true;
        boolean sawDhcp4 = false;
        JsonFactory f = p.getCodec() != null ? p.getCodec().getFactory() : new JsonFactory();
        try (JsonGenerator g = f.createGenerator(new DigestingStream(buffer, sha))) {
            ArrayDeque<String> lastKeys = new ArrayDeque<>();
            g.writeStartObject();
            lastKeys.push("");
            int depth = 1;
            // Walk the rest of the arguments object, skipping Kea 2.4+'s own "hash" (not part of the config).
            while (depth > 0) {
                JsonToken t = p.nextToken();
                if (t == null) {
                    throw new IOException("config-get arguments end early");
                }
                if (depth == 1 && t == JsonToken.FIELD_NAME && p.currentName().equals("hash")) {
                    p.nextToken();
                    keaHash = p.getValueAsString();
                    p.skipChildren();
                    continue;
                }
                switch (t) {
                    case START_OBJECT -> {
                        depth++;
                        lastKeys.push("");
                        index.enterObject(p.getParsingContext());
                    }
                    case END_OBJECT -> {
                        depth--;
                        lastKeys.pop();
                        index.leaveObject(p.getParsingContext());
                    }
                    case START_ARRAY -> depth++;
                    case END_ARRAY -> depth--;
                    case FIELD_NAME -> {
                        String name = p.currentName();
                        if (depth == 1 && name.equals("Dhcp4")) {
                            sawDhcp4 = true;
                        } else if (depth == 2 && name.equals("config-control")) {
                            index.configBackend = true;
                        }
                        if (name.compareTo(lastKeys.peek()) < 0) {
                            sorted = false;
                        }
                        lastKeys.pop();
                        lastKeys.push(name);
                    }
                    default -> index.value(p);
                }
                g.copyCurrentEvent(p);
            }
        }
        if (!sawDhcp4) {
            throw new IOException("config-get arguments have no \"Dhcp4\" object");
        }
        byte[] bytes = buffer.toByteArray();
        String hash = sorted ? HexFormat.of().formatHex(sha.digest()) : canonicalHash(bytes);
        return index.build(bytes, hash, keaHash, syncedAt);
    }

    /** A config from a whole document ({@code {"Dhcp4": {...}}}), e.g. a planned one. */
    public static KeaConfig fromJson(byte[] document, Instant at) {
        try (JsonParser p = MAPPER.getFactory().createParser(document)) {
            p.setCodec(MAPPER);
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a JSON object");
            }
            return fromKea(p, at);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a Kea DHCPv4 config: " + e.getMessage(), e);
        }
    }

    private static String canonicalHash(byte[] bytes) {
        try {
            JsonNode tree = MAPPER.readTree(bytes);
            return HexFormat.of().formatHex(sha256().digest(MAPPER.writeValueAsBytes(sortKeys(tree))));
        } catch (IOException e) {
            throw new IllegalStateException("re-reading our own JSON failed", e);
        }
    }

    private static JsonNode sortKeys(JsonNode n) {
        if (n.isObject()) {
            TreeMap<String, JsonNode> m = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                m.put(e.getKey(), sortKeys(e.getValue()));
            }
            ObjectNode o = MAPPER.createObjectNode();
            m.forEach(o::set);
            return o;
        }
        if (n.isArray()) {
            com.fasterxml.jackson.databind.node.ArrayNode a = MAPPER.createArrayNode();
            n.forEach(c -> a.add(sortKeys(c)));
            return a;
        }
        return n;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** SHA-256 (hex) of the canonical compact JSON; equal hashes mean equal configs. */
    public String hash() {
        return hash;
    }

    /** Kea's own hash from config-get (Kea 2.4+), or null on older servers. */
    public String keaHash() {
        return keaHash;
    }

    public Instant syncedAt() {
        return syncedAt;
    }

    /** The compact JSON document ({@code {"Dhcp4": {...}}}); a copy. */
    public byte[] json() {
        return json.clone();
    }

    /** Size of the compact JSON in bytes. */
    public int jsonSize() {
        return json.length;
    }

    /**
     * Whether the config names a configuration backend ({@code config-control}): such a server also takes config from
     * a database, which Kea may merge in without a commit of its own.
     */
    public boolean hasConfigBackend() {
        return configBackend;
    }

    public int subnetCount() {
        return subnetIds.length;
    }

    /** Ids of all subnets, in document order. */
    public long[] subnetIds() {
        return subnetIds.clone();
    }

    /** The subnet with exactly this prefix, if any, as (id, range). */
    public Optional<IndexedSubnet> subnetWithPrefix(Ipv4Range prefix) {
        for (int i = 0; i < subnetIds.length; i++) {
            if (range(i).equals(prefix)) {
                return Optional.of(new IndexedSubnet(subnetIds[i], range(i)));
            }
        }
        return Optional.empty();
    }

    /** All subnets overlapping {@code range}. */
    public List<IndexedSubnet> overlapping(Ipv4Range range) {
        List<IndexedSubnet> out = new ArrayList<>();
        for (int i = 0; i < subnetIds.length; i++) {
            if (range(i).overlaps(range)) {
                out.add(new IndexedSubnet(subnetIds[i], range(i)));
            }
        }
        return out;
    }

    private Ipv4Range range(int i) {
        return new Ipv4Range(new Ipv4Address(Integer.toUnsignedLong(subnetFirst[i])), new Ipv4Address(Integer.toUnsignedLong(subnetLast[i])));
    }

    /** A subnet as the index knows it. */
    public record IndexedSubnet(long id, Ipv4Range subnet) {}

    /** The same config, as synced at {@code when}. */
    public KeaConfig at(Instant when) {
        KeaConfig copy = new KeaConfig(json, hash, keaHash, subnetIds, subnetFirst, subnetLast, configBackend, when);
        copy.pretty = pretty;
        return copy;
    }

    /**
     * Whether this config, read from Kea, is {@code set} as Kea reports it, {@code set} having been planned on
     * {@code before} (see {@link KeaReported}): what it kept from {@code before} comes back exactly, what it added with
     * the defaults Kea fills in, possibly in Kea's order. Anything else is an edit made by someone else since.
     */
    public boolean reports(KeaConfig set, KeaConfig before) {
        if (hash.equals(set.hash)) {
            return true;
        }
        try {
            return KeaReported.covers(MAPPER.readTree(json), MAPPER.readTree(set.json), MAPPER.readTree(before.json));
        } catch (IOException e) {
            return false;
        }
    }

    /** A mutable copy for planning a change. */
    public KeaConfigDocument edit() {
        return KeaConfigDocument.parse(json);
    }

    /** The modelled subnets (parsed now). */
    public List<KeaSubnet> subnets() {
        return edit().subnets();
    }

    /** The modelled HA block (parsed now), if libdhcp_ha.so is configured. */
    public Optional<KeaHaConfig> ha() {
        return edit().ha();
    }

    /** Pretty JSON for people and diffs; printed once while memory allows (the planner and the change engine share it). */
    public String toPrettyString() {
        return printedFrom(this::edit);
    }

    /** A mutable copy to plan a change on, and the pretty text of this config as read: one parse for both. */
    public Planning plan() {
        KeaConfigDocument doc = edit();
        return new Planning(doc, printedFrom(() -> doc));
    }

    /** The pretty text printed before, else {@code doc}'s (an unedited parse of this config), remembered. */
    private String printedFrom(Supplier<KeaConfigDocument> doc) {
        String text = printed();
        if (text == null) {
            text = doc.get().toPrettyString();
            pretty = new SoftReference<>(text);
        }
        return text;
    }

    /** A copy to edit and the text it started from. */
    public record Planning(KeaConfigDocument doc, String text) {}

    /** Whether {@code text} is this config's pretty text as printed before (a cheap test; false when it was not printed). */
    public boolean isPrintedAs(String text) {
        String mine = printed();
        return mine != null && (mine == text || mine.equals(text));
    }

    private String printed() {
        SoftReference<String> ref = pretty;
        return ref == null ? null : ref.get();
    }

    @Override
    public String toString() {
        return "KeaConfig[" + subnetIds.length + " subnets, " + json.length + " bytes, sha256 " + hash.substring(0, 12) + "]";
    }

    /** Collects (id, subnet) of every object inside a {@code subnet4} list while the stream passes by. */
    private static final class IndexBuilder {
        private long[] ids = new long[64];
        private int[] first = new int[64];
        private int[] last = new int[64];
        private int n;
        private int openSubnets;
        private long curId = -1;
        private String curSubnet;
        private boolean configBackend;

        private static boolean isSubnetObject(JsonStreamContext objectCtx) {
            JsonStreamContext parent = objectCtx.getParent();
            return parent != null && parent.inArray() && parent.getParent() != null
                    && "subnet4".equals(parent.getParent().getCurrentName());
        }

        void enterObject(JsonStreamContext ctx) {
            if (isSubnetObject(ctx)) {
                openSubnets++;
                curId = -1;
                curSubnet = null;
            }
        }

        void value(JsonParser p) throws IOException {
            JsonStreamContext ctx = p.getParsingContext();
            if (openSubnets == 0 || !ctx.inObject() || !isSubnetObject(ctx)) {
                return;
            }
            String name = ctx.getCurrentName();
            if ("id".equals(name) && p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
                curId = p.getLongValue();
            } else if ("subnet".equals(name) && p.currentToken() == JsonToken.VALUE_STRING) {
                curSubnet = p.getText();
            }
        }

        void leaveObject(JsonStreamContext ctxAfterEnd) throws IOException {
            // After END_OBJECT the parser's context is the enclosing array; check the object we just left.
            if (openSubnets == 0 || !ctxAfterEnd.inArray() || ctxAfterEnd.getParent() == null
                    || !"subnet4".equals(ctxAfterEnd.getParent().getCurrentName())) {
                return;
            }
            openSubnets--;
            if (curSubnet == null) {
                throw new IOException("a subnet4 entry has no \"subnet\"");
            }
            Ipv4Range r;
            try {
                r = Ipv4Range.parseCidr("subnet", curSubnet);
            } catch (RuntimeException e) {
                throw new IOException("subnet4 entry \"" + KeaNames.clip(curSubnet) + "\": " + e.getMessage(), e);
            }
            if (n == ids.length) {
                ids = Arrays.copyOf(ids, n * 2);
                first = Arrays.copyOf(first, n * 2);
                last = Arrays.copyOf(last, n * 2);
            }
            ids[n] = curId;
            first[n] = (int) r.first().value();
            last[n] = (int) r.last().value();
            n++;
        }

        KeaConfig build(byte[] json, String hash, String keaHash, Instant at) {
            return new KeaConfig(json, hash, keaHash, Arrays.copyOf(ids, n), Arrays.copyOf(first, n), Arrays.copyOf(last, n),
                    configBackend, at);
        }
    }

    /** Feeds every written byte to the digest as well. */
    private static final class DigestingStream extends OutputStream {
        private final OutputStream out;
        private final MessageDigest digest;

        DigestingStream(OutputStream out, MessageDigest digest) {
            this.out = out;
            this.digest = digest;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            digest.update((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            digest.update(b, off, len);
        }
    }
}
