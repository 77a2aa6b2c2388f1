package org.tandem.kea.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.tandem.common.UserError;
import org.tandem.net.Ipv4Address;
import org.tandem.net.Ipv4Range;

/**
 * A mutable copy of one server's Kea DHCPv4 config for planning a change. Each edit touches exactly the keys it is
 * about and leaves every other key as Kea had it; the Jackson tree never leaves this class (converters {@code fromKea}
 * and {@code toKea} live here).
 */
public final class KeaConfigDocument {

    static final ObjectMapper MAPPER = new ObjectMapper();
    /**
     * Keys in sorted order, as Kea prints its own maps: a text we write is then already canonical, so hashing it
     * ({@link KeaConfig#fromJson}) needs no second pass, and a diff against what Kea reported shows only real changes.
     */
    private static final ObjectWriter SORTED = MAPPER.writer().with(JsonNodeFeature.WRITE_PROPERTIES_SORTED);
    public static final String HA_LIBRARY = "libdhcp_ha.so";
    public static final String LEASE_CMDS_LIBRARY = "libdhcp_lease_cmds.so";
    /** Where a disabled subnet's pools wait, so that re-enabling it restores them. */
    public static final String DISABLED_POOLS_KEY = "tandem-disabled-pools";

    private final ObjectNode root;

    private KeaConfigDocument(ObjectNode root) {
        this.root = root;
    }

    static KeaConfigDocument parse(byte[] json) {
        try {
            JsonNode n = MAPPER.readTree(json);
            if (!(n instanceof ObjectNode o) || !(o.get("Dhcp4") instanceof ObjectNode)) {
                throw new IllegalArgumentException("not a {\"Dhcp4\": {...}} document");
            }
            return new KeaConfigDocument(o);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
    }

    public KeaConfigDocument copy() {
        return new KeaConfigDocument(root.deepCopy());
    }

    private ObjectNode dhcp4() {
        return (ObjectNode) root.get("Dhcp4");
    }

    /** Compact JSON of the whole document, as sent in config-set. */
    public byte[] toBytes() {
        try {
            return SORTED.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String toPrettyString() {
        try {
            return SORTED.withDefaultPrettyPrinter().writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The document as a JSON tree, for the client layer that sends it. */
    public JsonNode toKeaArguments() {
        return root;
    }

    // ---------------------------------------------------------------- subnets

    /** Every subnet4 list: the top-level one and one per shared network, with the network name (or null). */
    private List<SubnetList> subnetLists() {
        List<SubnetList> lists = new ArrayList<>();
        if (dhcp4().get("subnet4") instanceof ArrayNode a) {
            lists.add(new SubnetList(null, a));
        }
        if (dhcp4().get("shared-networks") instanceof ArrayNode nets) {
            for (JsonNode net : nets) {
                if (net.get("subnet4") instanceof ArrayNode a) {
                    lists.add(new SubnetList(net.path("name").asText(null), a));
                }
            }
        }
        return lists;
    }

    private record SubnetList(String network, ArrayNode subnets) {}

    private record Located(String network, ArrayNode list, int index, ObjectNode node) {}

    private Optional<Located> locate(Ipv4Range prefix) {
        for (SubnetList l : subnetLists()) {
            for (int i = 0; i < l.subnets.size(); i++) {
                JsonNode s = l.subnets.get(i);
                if (s instanceof ObjectNode o && prefix.toString().equals(canonicalPrefix(o))) {
                    return Optional.of(new Located(l.network, l.subnets, i, o));
                }
            }
        }
        return Optional.empty();
    }

    private static String canonicalPrefix(ObjectNode s) {
        try {
            return Ipv4Range.parseCidr("subnet", s.path("subnet").asText()).toString();
        } catch (UserError e) {
            return null;
        }
    }

    /** All subnets, converted from Kea's JSON. */
    public List<KeaSubnet> subnets() {
        List<KeaSubnet> out = new ArrayList<>();
        for (SubnetList l : subnetLists()) {
            for (JsonNode s : l.subnets) {
                out.add(subnetFromKea(s, l.network));
            }
        }
        return out;
    }

    public Optional<KeaSubnet> subnet(Ipv4Range prefix) {
        return locate(prefix).map(l -> subnetFromKea(l.node, l.network));
    }

    /** The largest subnet id in use, or 0. */
    public long maxSubnetId() {
        long max = 0;
        for (SubnetList l : subnetLists()) {
            for (JsonNode s : l.subnets) {
                max = Math.max(max, s.path("id").asLong(0));
            }
        }
        return max;
    }

    /**
     * Adds a subnet at top level (or into its shared network). Refuses, with the message form users know from Micetro,
     * a subnet whose address already exists, one that overlaps another (Kea 2.2 would accept it), or a taken id.
     */
    public void addSubnet(KeaSubnet subnet) {
        if (subnet.id() == 0) {
            throw UserError.invalid("id", "subnet " + subnet.subnet() + " needs an explicit id, equal on both HA peers");
        }
        for (KeaSubnet existing : subnets()) {
            if (existing.subnet().first().equals(subnet.subnet().first())) {
                throw UserError.conflict("A scope with address \"" + subnet.subnet().first() + "\" already exists on the server");
            }
            if (existing.subnet().overlaps(subnet.subnet())) {
                throw UserError.conflict("The scope " + subnet.subnet() + " overlaps the scope " + existing.subnet() + " already on the server");
            }
            if (existing.id() == subnet.id()) {
                throw UserError.conflict("Subnet id " + subnet.id() + " is already used by the scope " + existing.subnet() + " on the server");
            }
        }
        ArrayNode target;
        if (subnet.sharedNetwork() == null) {
            target = dhcp4().withArray("subnet4");
        } else {
            ObjectNode net = sharedNetwork(subnet.sharedNetwork()).orElseThrow(
                    () -> UserError.notFound("Shared network", subnet.sharedNetwork()));
            target = net.withArray("subnet4");
        }
        ObjectNode node = target.addObject();
        subnetToKea(subnet, node);
    }

    /** Replaces the modelled keys of an existing subnet (same prefix), keeping all others. */
    public void updateSubnet(KeaSubnet subnet) {
        Located l = locate(subnet.subnet()).orElseThrow(() -> UserError.notFound("Scope", subnet.subnet().toString()));
        subnetToKea(subnet, l.node);
    }

    /** Removes the subnet with exactly this prefix. */
    public KeaSubnet removeSubnet(Ipv4Range prefix) {
        Located l = locate(prefix).orElseThrow(() -> UserError.notFound("Scope", prefix.toString()));
        l.list.remove(l.index);
        return subnetFromKea(l.node, l.network);
    }

    /** Keeps the subnet (and its reservations) but parks its pools in user-context, so it hands out no addresses. */
    public void disableSubnet(Ipv4Range prefix) {
        Located l = locate(prefix).orElseThrow(() -> UserError.notFound("Scope", prefix.toString()));
        JsonNode pools = l.node.remove("pools");
        ObjectNode ctx = l.node.withObject("user-context");
        ctx.set(DISABLED_POOLS_KEY, pools == null ? MAPPER.createArrayNode() : pools);
        l.node.putArray("pools");
    }

    /** Gives back the pools {@link #disableSubnet} parked; a subnet not disabled stays as it is. */
    public void enableSubnet(Ipv4Range prefix) {
        Located l = locate(prefix).orElseThrow(() -> UserError.notFound("Scope", prefix.toString()));
        if (!(l.node.get("user-context") instanceof ObjectNode ctx) || !ctx.has(DISABLED_POOLS_KEY)) {
            return;
        }
        l.node.set("pools", ctx.remove(DISABLED_POOLS_KEY));
        if (ctx.isEmpty()) {
            l.node.remove("user-context");
        }
    }

    /** The subnets {@link #disableSubnet} disabled. */
    public List<Ipv4Range> disabledSubnets() {
        List<Ipv4Range> out = new ArrayList<>();
        for (SubnetList l : subnetLists()) {
            for (JsonNode s : l.subnets) {
                if (s instanceof ObjectNode o && o.path("user-context").has(DISABLED_POOLS_KEY) && canonicalPrefix(o) != null) {
                    out.add(Ipv4Range.parseCidr("subnet", canonicalPrefix(o)));
                }
            }
        }
        return out;
    }

    private Optional<ObjectNode> sharedNetwork(String name) {
        if (dhcp4().get("shared-networks") instanceof ArrayNode nets) {
            for (JsonNode n : nets) {
                if (n instanceof ObjectNode o && name.equals(o.path("name").asText())) {
                    return Optional.of(o);
                }
            }
        }
        return Optional.empty();
    }

    /** Names of the shared networks. */
    public List<String> sharedNetworks() {
        List<String> out = new ArrayList<>();
        dhcp4().path("shared-networks").forEach(n -> out.add(n.path("name").asText()));
        return out;
    }

    /** Names of the global client classes. */
    public List<String> clientClasses() {
        List<String> out = new ArrayList<>();
        dhcp4().path("client-classes").forEach(n -> out.add(n.path("name").asText()));
        return out;
    }

    static KeaSubnet subnetFromKea(JsonNode s, String network) {
        Ipv4Range prefix = Ipv4Range.parseCidr("subnet", s.path("subnet").asText(null));
        List<KeaPool> pools = new ArrayList<>();
        for (JsonNode p : s.path("pools")) {
            pools.add(new KeaPool(poolRange(p.path("pool").asText("")), p.path("client-class").asText(null)));
        }
        List<KeaReservation> res = new ArrayList<>();
        for (JsonNode r : s.path("reservations")) {
            res.add(new KeaReservation(r.path("hw-address").asText(null), r.path("client-id").asText(null),
                    r.has("ip-address") ? Ipv4Address.parse("ip-address", r.get("ip-address").asText()) : null,
                    r.path("hostname").asText(null) == null || r.path("hostname").asText().isEmpty() ? null : r.path("hostname").asText()));
        }
        List<KeaOptionData> opts = new ArrayList<>();
        for (JsonNode o : s.path("option-data")) {
            opts.add(new KeaOptionData(o.path("name").asText(null), o.has("code") ? o.get("code").asInt() : null, o.path("data").asText("")));
        }
        return new KeaSubnet(s.path("id").asLong(0), prefix, pools, res, opts, network);
    }

    /** Kea writes pools as {@code a - b} or as a prefix. */
    static Ipv4Range poolRange(String text) {
        String t = text.strip();
        int dash = t.indexOf('-');
        if (dash > 0) {
            return Ipv4Range.parse("pool", t.substring(0, dash).strip(), "pool", t.substring(dash + 1).strip());
        }
        return Ipv4Range.parseCidr("pool", t);
    }

    static void subnetToKea(KeaSubnet s, ObjectNode node) {
        node.put("id", s.id());
        node.put("subnet", s.subnet().toString());
        // Pools: keep unmodelled keys of a pool whose range is unchanged (e.g. its option-data).
        ArrayNode oldPools = node.get("pools") instanceof ArrayNode a ? a : MAPPER.createArrayNode();
        ArrayNode pools = MAPPER.createArrayNode();
        for (KeaPool p : s.pools()) {
            ObjectNode pn = null;
            for (JsonNode old : oldPools) {
                if (old instanceof ObjectNode o && safePool(o).map(p.range()::equals).orElse(false)) {
                    pn = o.deepCopy();
                }
            }
            // An unchanged pool keeps Kea's own spelling ("a-b"), so a write's diff shows only what it changes.
            if (pn == null) {
                pn = MAPPER.createObjectNode();
                pn.put("pool", p.range().first() + " - " + p.range().last());
            }
            if (p.clientClass() == null) {
                pn.remove("client-class");
            } else {
                pn.put("client-class", p.clientClass());
            }
            pools.add(pn);
        }
        node.set("pools", pools);
        if (!s.reservations().isEmpty() || node.has("reservations")) {
            ArrayNode res = node.putArray("reservations");
            for (KeaReservation r : s.reservations()) {
                ObjectNode rn = res.addObject();
                if (r.hwAddress() != null) {
                    rn.put("hw-address", r.hwAddress());
                } else {
                    rn.put("client-id", r.clientId());
                }
                if (r.ipAddress() != null) {
                    rn.put("ip-address", r.ipAddress().toString());
                }
                if (r.hostname() != null) {
                    rn.put("hostname", r.hostname());
                }
            }
        }
        if (!s.options().isEmpty() || node.has("option-data")) {
            ArrayNode opts = node.putArray("option-data");
            for (KeaOptionData o : s.options()) {
                ObjectNode on = opts.addObject();
                if (o.name() != null) {
                    on.put("name", o.name());
                }
                if (o.code() != null) {
                    on.put("code", o.code());
                }
                on.put("data", o.data());
            }
        }
    }

    private static Optional<Ipv4Range> safePool(ObjectNode pool) {
        try {
            return Optional.of(poolRange(pool.path("pool").asText("")));
        } catch (UserError e) {
            return Optional.empty();
        }
    }

    // ---------------------------------------------------------------- hooks and HA

    /** The configured hook library paths. */
    public List<String> hookLibraries() {
        List<String> out = new ArrayList<>();
        dhcp4().path("hooks-libraries").forEach(h -> out.add(h.path("library").asText()));
        return out;
    }

    private Optional<ObjectNode> hook(String fileName) {
        for (JsonNode h : dhcp4().path("hooks-libraries")) {
            if (h instanceof ObjectNode o && o.path("library").asText().endsWith("/" + fileName)) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }

    /** Makes sure the hook library {@code path} is loaded (a library with the same file name is left as it is). */
    public void ensureHook(String path) {
        String fileName = path.substring(path.lastIndexOf('/') + 1);
        if (hook(fileName).isEmpty()) {
            dhcp4().withArray("hooks-libraries").addObject().put("library", path);
        }
    }

    /** Sets hook-library paths for testing whether they exist (used with config-test only). */
    public void replaceHookPath(String fileName, String newPath) {
        Optional<ObjectNode> h = hook(fileName);
        if (h.isPresent()) {
            h.get().put("library", newPath);
        } else {
            dhcp4().withArray("hooks-libraries").addObject().put("library", newPath);
        }
    }

    /** The HA relationship of this server, if libdhcp_ha.so is configured with one. */
    public Optional<KeaHaConfig> ha() {
        return haNode().map(KeaConfigDocument::haFromKea);
    }

    private Optional<ObjectNode> haNode() {
        return hook(HA_LIBRARY).map(h -> h.path("parameters").path("high-availability"))
                .filter(JsonNode::isArray).filter(a -> a.size() > 0)
                .map(a -> a.get(0)).filter(JsonNode::isObject).map(ObjectNode.class::cast);
    }

    static KeaHaConfig haFromKea(JsonNode n) {
        List<KeaHaConfig.Peer> peers = new ArrayList<>();
        for (JsonNode p : n.path("peers")) {
            URI url;
            try {
                url = URI.create(p.path("url").asText());
            } catch (IllegalArgumentException e) {
                throw UserError.invalid("peers.url", "\"" + p.path("url").asText() + "\" is not a URL");
            }
            peers.add(new KeaHaConfig.Peer(p.path("name").asText(), url, KeaHaConfig.Role.fromKea(p.path("role").asText()),
                    p.path("auto-failover").asBoolean(true)));
        }
        return new KeaHaConfig(n.path("this-server-name").asText(), KeaHaConfig.Mode.fromKea(n.path("mode").asText()),
                n.path("heartbeat-delay").asInt(10000), n.path("max-response-delay").asInt(60000),
                n.path("max-ack-delay").asInt(10000), n.path("max-unacked-clients").asLong(10), peers);
    }

    /**
     * Configures HA: loads lease_cmds and ha from {@code hooksDir} (unless already loaded) and writes the modelled
     * HA keys into the existing block, keeping keys we do not model; a mode change drops the load-balancing-only
     * {@code delayed-updates-limit} that Kea 2.2 refuses in the other modes.
     */
    public void setHa(KeaHaConfig ha, String hooksDir) {
        ensureHook(hooksDir + "/" + LEASE_CMDS_LIBRARY);
        ensureHook(hooksDir + "/" + HA_LIBRARY);
        ObjectNode hook = hook(HA_LIBRARY).orElseThrow();
        ObjectNode params = hook.withObject("parameters");
        ArrayNode list = params.get("high-availability") instanceof ArrayNode a ? a : params.putArray("high-availability");
        ObjectNode n = list.size() > 0 && list.get(0) instanceof ObjectNode o ? o : list.addObject();
        if (!ha.mode().kea().equals(n.path("mode").asText(ha.mode().kea())) && ha.mode() != KeaHaConfig.Mode.LOAD_BALANCING) {
            n.remove("delayed-updates-limit");
        }
        n.put("this-server-name", ha.thisServerName());
        n.put("mode", ha.mode().kea());
        n.put("heartbeat-delay", ha.heartbeatDelayMs());
        n.put("max-response-delay", ha.maxResponseDelayMs());
        n.put("max-ack-delay", ha.maxAckDelayMs());
        n.put("max-unacked-clients", ha.maxUnackedClients());
        ArrayNode oldPeers = n.get("peers") instanceof ArrayNode a ? a : MAPPER.createArrayNode();
        ArrayNode peers = MAPPER.createArrayNode();
        for (KeaHaConfig.Peer p : ha.peers()) {
            ObjectNode pn = null;
            for (JsonNode old : oldPeers) {
                if (old instanceof ObjectNode o && p.name().equals(o.path("name").asText())) {
                    pn = o.deepCopy();
                }
            }
            if (pn == null) {
                pn = MAPPER.createObjectNode();
            }
            pn.put("name", p.name());
            pn.put("url", p.url().toString());
            pn.put("role", p.role().kea());
            pn.put("auto-failover", p.autoFailover());
            peers.add(pn);
        }
        n.set("peers", peers);
        while (list.size() > 1) {
            list.remove(1);
        }
    }

    /** Unloads libdhcp_ha.so (lease_cmds stays: it is harmless and other tools use it). */
    public boolean removeHa() {
        ArrayNode hooks = dhcp4().get("hooks-libraries") instanceof ArrayNode a ? a : null;
        if (hooks == null) {
            return false;
        }
        for (Iterator<JsonNode> it = hooks.elements(); it.hasNext(); ) {
            if (it.next().path("library").asText().endsWith("/" + HA_LIBRARY)) {
                it.remove();
                return true;
            }
        }
        return false;
    }

    /**
     * For load-balancing: gives every pool of every subnet a {@code HA_<server>} class, splitting each unclassed pool
     * in two halves (first half to {@code first}, second to {@code second}). Pools already classed stay as they are.
     */
    public void splitPoolsForLoadBalancing(String first, String second) {
        for (KeaSubnet s : subnets()) {
            List<KeaPool> out = new ArrayList<>();
            boolean changed = false;
            for (KeaPool p : s.pools()) {
                if (p.clientClass() != null) {
                    out.add(p);
                    continue;
                }
                changed = true;
                if (p.range().size() < 2) {
                    out.add(new KeaPool(p.range(), "HA_" + first));
                    continue;
                }
                Ipv4Address mid = p.range().first().plus(p.range().size() / 2 - 1);
                out.add(new KeaPool(new Ipv4Range(p.range().first(), mid), "HA_" + first));
                out.add(new KeaPool(new Ipv4Range(mid.plus(1), p.range().last()), "HA_" + second));
            }
            if (changed) {
                updateSubnet(s.withPools(out));
            }
        }
    }

    /** Drops the {@code HA_*} classes from pools (when HA is removed or leaves load-balancing). */
    public void unsplitPools() {
        for (KeaSubnet s : subnets()) {
            if (s.pools().stream().noneMatch(p -> p.clientClass() != null && p.clientClass().startsWith("HA_"))) {
                continue;
            }
            List<KeaPool> out = new ArrayList<>();
            for (KeaPool p : s.pools()) {
                out.add(p.clientClass() != null && p.clientClass().startsWith("HA_") ? KeaPool.of(p.range()) : p);
            }
            updateSubnet(s.withPools(mergeAdjacent(out)));
        }
    }

    private static List<KeaPool> mergeAdjacent(List<KeaPool> pools) {
        List<KeaPool> sorted = new ArrayList<>(pools);
        sorted.sort(Comparator.comparing(p -> p.range().first()));
        List<KeaPool> out = new ArrayList<>();
        for (KeaPool p : sorted) {
            if (!out.isEmpty()) {
                KeaPool last = out.get(out.size() - 1);
                if (last.clientClass() == null && p.clientClass() == null
                        && last.range().last().value() + 1 == p.range().first().value()) {
                    out.set(out.size() - 1, KeaPool.of(new Ipv4Range(last.range().first(), p.range().last())));
                    continue;
                }
            }
            out.add(p);
        }
        return out;
    }

    // ---------------------------------------------------------------- whole-config rules

    /** Our own rules for a config before it goes to Kea: subnet ids explicit and unique, no overlapping subnets. */
    public void checkRules(String server) {
        List<KeaSubnet> all = new ArrayList<>(subnets());
        java.util.Map<Long, KeaSubnet> byId = new java.util.HashMap<>();
        for (KeaSubnet s : all) {
            if (s.id() == 0) {
                throw UserError.invalid("subnet4", "Kea server \"" + server + "\": scope " + s.subnet() + " has no explicit subnet id");
            }
            KeaSubnet other = byId.put(s.id(), s);
            if (other != null) {
                throw UserError.conflict("Kea server \"" + server + "\": scopes " + other.subnet() + " and " + s.subnet() + " share subnet id " + s.id());
            }
        }
        all.sort(Comparator.comparing(s -> s.subnet().first()));
        for (int i = 1; i < all.size(); i++) {
            if (all.get(i - 1).subnet().overlaps(all.get(i).subnet())) {
                throw UserError.conflict("Kea server \"" + server + "\": the scope " + all.get(i).subnet() + " overlaps the scope " + all.get(i - 1).subnet());
            }
        }
    }
}
