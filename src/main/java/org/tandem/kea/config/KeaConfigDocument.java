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

    ObjectNode dhcp4() {
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
        subnetList(subnet.sharedNetwork()).add(newSubnetNode(subnet));
    }

    /** The subnet4 list of a shared network (which must exist), or the top-level one for null. */
    private ArrayNode subnetList(String sharedNetwork) {
        if (sharedNetwork == null) {
            return dhcp4().withArray("subnet4");
        }
        ObjectNode net = sharedNetwork(sharedNetwork).orElseThrow(() -> UserError.notFound("Shared network", sharedNetwork));
        return net.withArray("subnet4");
    }

    /**
     * Makes this document's subnet {@code prefix} a copy of {@code from}'s, every key of it: in place when it has the
     * same id here, else the subnet here (if any) is replaced; a subnet of a shared network this server lacks goes to
     * the top level.
     */
    public void copySubnet(KeaConfigDocument from, Ipv4Range prefix) {
        Located source = from.locate(prefix).orElseThrow(() -> UserError.notFound("Scope", prefix.toString()));
        ObjectNode copy = source.node.deepCopy();
        Optional<Located> here = locate(prefix);
        if (here.isPresent() && here.get().node.path("id").asLong(-1) == source.node.path("id").asLong(-2)) {
            here.get().list.set(here.get().index, copy);
            return;
        }
        here.ifPresent(l -> l.list.remove(l.index));
        String network = source.network != null && sharedNetwork(source.network).isPresent() ? source.network : null;
        subnetList(network).add(copy);
    }

    /** Makes the pools of this document's subnet {@code prefix} a copy of {@code from}'s, each pool with every key. */
    public void copyPools(KeaConfigDocument from, Ipv4Range prefix) {
        Located source = from.locate(prefix).orElseThrow(() -> UserError.notFound("Scope", prefix.toString()));
        Located here = locate(prefix).orElseThrow(() -> UserError.notFound("Scope", prefix.toString()));
        JsonNode pools = source.node.get("pools");
        here.node.set("pools", pools == null ? MAPPER.createArrayNode() : pools.deepCopy());
    }

    /** Appends pools to the subnet {@code prefix}; its other pools stay as they are. */
    public void addPools(Ipv4Range prefix, List<KeaPool> pools) {
        ObjectNode subnet = subnetNode(prefix);
        KeaSubnet model = subnetFromKea(subnet, null);
        ArrayNode list = subnet.withArray("pools");
        for (KeaPool p : pools) {
            if (!model.subnet().contains(p.range())) {
                throw UserError.invalid("pools", "pool " + p.range() + " is outside subnet " + model.subnet());
            }
            list.add(poolToKea(p));
        }
    }

    /** Removes the pool that covers exactly {@code range} from the subnet {@code prefix}; returns whether there was one. */
    public boolean removePool(Ipv4Range prefix, Ipv4Range range) {
        ObjectNode subnet = subnetNode(prefix);
        if (!(subnet.get("pools") instanceof ArrayNode list)) {
            return false;
        }
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) instanceof ObjectNode o && safePool(o).map(range::equals).orElse(false)) {
                list.remove(i);
                return true;
            }
        }
        return false;
    }

    /**
     * Appends a reservation to the subnet {@code prefix}; the others, with all their keys, stay as they are. Refused
     * when the subnet already reserves the address or has a reservation for the same client.
     */
    public void addReservation(Ipv4Range prefix, KeaReservation reservation) {
        ObjectNode subnet = subnetNode(prefix);
        requireFree(subnet, prefix, null, reservation.kind(), reservation.identifier(), reservation.ipAddress());
        subnet.withArray("reservations").add(reservationToKea(reservation));
    }

    /**
     * Edits, in place, the one reservation of the subnet {@code prefix} that {@code which} selects: a new identifier (same
     * kind) and address when given (null keeps them), and each key of {@code values} (one of
     * {@link KeaReservation#VALUE_KEYS}) set to its value or, when the value is null, removed. Every other key of the
     * element (option-data, client-classes, user-context, ...) stays as it is. Answers whether a reservation was found.
     */
    public boolean modifyReservation(Ipv4Range prefix, java.util.function.Predicate<KeaReservation> which, String identifier,
            Ipv4Address address, java.util.Map<String, String> values) {
        ObjectNode subnet = subnetNode(prefix);
        requireInside(prefix, address);
        ObjectNode target = null;
        for (JsonNode r : subnet.path("reservations")) {
            if (r instanceof ObjectNode o && which.test(reservationFromKea(r))) {
                target = o;
                break;
            }
        }
        if (target == null) {
            return false;
        }
        KeaReservation before = reservationFromKea(target);
        requireFree(subnet, prefix, target, before.kind(), identifier, address);
        if (identifier != null && !KeaReservation.hex(identifier).equals(before.identifierHex())) {
            KeaReservation.of(before.kind(), identifier, address, null);   // checks the identifier
            target.put(before.kind().key(), identifier);
        }
        if (address != null) {
            target.put("ip-address", address.toString());
        }
        for (java.util.Map.Entry<String, String> e : values.entrySet()) {
            if (!KeaReservation.VALUE_KEYS.contains(e.getKey())) {
                throw new IllegalArgumentException(e.getKey());
            }
            if (e.getValue() == null) {
                // Kea 2.2 prints unset values as "" (next-server 0.0.0.0): such a key is left as Kea printed it.
                if (text(target, e.getKey()) != null) {
                    target.remove(e.getKey());
                }
            } else if (!e.getValue().equals(text(target, e.getKey()))) {
                target.put(e.getKey(), KeaReservation.checkValue(e.getKey(), e.getValue()));
            }
        }
        return true;
    }

    /**
     * Refuses an address outside the subnet, or one another reservation of it holds, and an identifier of this kind
     * another reservation has ({@code except}: the reservation being changed; a null address or identifier: not asked).
     */
    private static void requireFree(ObjectNode subnet, Ipv4Range prefix, JsonNode except, KeaReservation.Identifier kind,
                                    String identifier, Ipv4Address address) {
        requireInside(prefix, address);
        for (JsonNode r : subnet.path("reservations")) {
            if (r == except) {
                continue;
            }
            KeaReservation other = reservationFromKea(r);
            if (address != null && address.equals(other.ipAddress())) {
                throw UserError.conflict("The scope " + prefix + " already has a reservation for " + address + " on the server");
            }
            if (identifier != null && other.kind() == kind && other.identifierHex().equals(KeaReservation.hex(identifier))) {
                throw UserError.conflict("The scope " + prefix + " already has a reservation for " + kind.key() + " " + identifier
                        + " on the server");
            }
        }
    }

    private static void requireInside(Ipv4Range prefix, Ipv4Address address) {
        if (address != null && !prefix.contains(address)) {
            throw UserError.invalid("ip-address", "reservation " + address + " is outside subnet " + prefix);
        }
    }

    /** Removes the reservations of the subnet {@code prefix} that {@code which} selects; returns how many. */
    public int removeReservations(Ipv4Range prefix, java.util.function.Predicate<KeaReservation> which) {
        ObjectNode subnet = subnetNode(prefix);
        int removed = 0;
        if (subnet.get("reservations") instanceof ArrayNode list) {
            for (Iterator<JsonNode> it = list.elements(); it.hasNext(); ) {
                if (which.test(reservationFromKea(it.next()))) {
                    it.remove();
                    removed++;
                }
            }
        }
        return removed;
    }

    /** One {@code option-data} element of a subnet as Kea has it: name and code (either may be null), space, data. */
    public record OptionData(String name, Integer code, String space, String data, boolean csvFormat) {
    }

    /** The subnet's own {@code option-data} elements, in order. */
    public List<OptionData> subnetOptions(Ipv4Range prefix) {
        List<OptionData> out = new ArrayList<>();
        for (JsonNode o : subnetNode(prefix).path("option-data")) {
            out.add(new OptionData(o.path("name").isTextual() ? o.get("name").asText() : null, o.path("code").isInt() ? o.get("code").asInt() : null,
                    o.path("space").asText("dhcp4"), o.path("data").asText(""), o.path("csv-format").asBoolean(true)));
        }
        return out;
    }

    /**
     * Sets the data of the subnet's option {@code name} / {@code code} (space dhcp4): the element already there keeps
     * every other key ({@code always-send}, {@code never-send}, {@code user-context}, ...), and only {@code data} changes
     * (with {@code csv-format} true when it was false, as the data given is text, not hex); a second element for the
     * same option goes. Absent, one element is appended. The subnet's other options stay as they are.
     */
    public void setSubnetOption(Ipv4Range prefix, String name, int code, String data) {
        KeaNames.checkName("option-data.name", name);
        ObjectNode subnet = subnetNode(prefix);
        ArrayNode list = subnet.get("option-data") instanceof ArrayNode a ? a : subnet.putArray("option-data");
        ObjectNode first = null;
        for (Iterator<JsonNode> it = list.elements(); it.hasNext(); ) {
            JsonNode o = it.next();
            if (o instanceof ObjectNode on && isOption(on, name, code, "dhcp4")) {
                if (first == null) {
                    first = on;
                } else {
                    it.remove();
                }
            }
        }
        if (first == null) {
            first = list.addObject();
            first.put("name", name);
            first.put("code", code);
            first.put("space", "dhcp4");
        }
        if (first.has("csv-format") && !first.get("csv-format").asBoolean(true)) {
            first.put("csv-format", true);
        }
        first.put("data", data);
    }

    /** Removes the subnet's option-data elements for the option named {@code name} or coded {@code code} in {@code space}; answers how many. */
    public int removeSubnetOption(Ipv4Range prefix, String name, Integer code, String space) {
        ObjectNode subnet = subnetNode(prefix);
        int removed = 0;
        if (subnet.get("option-data") instanceof ArrayNode list) {
            for (Iterator<JsonNode> it = list.elements(); it.hasNext(); ) {
                if (it.next() instanceof ObjectNode on && isOption(on, name, code, space)) {
                    it.remove();
                    removed++;
                }
            }
        }
        return removed;
    }

    private static boolean isOption(ObjectNode o, String name, Integer code, String space) {
        if (!o.path("space").asText("dhcp4").equals(space)) {
            return false;
        }
        return (name != null && name.equals(o.path("name").asText(null))) || (code != null && o.path("code").isInt() && o.get("code").asInt() == code);
    }

    private ObjectNode subnetNode(Ipv4Range prefix) {
        return locate(prefix).orElseThrow(() -> UserError.notFound("Scope", prefix.toString())).node;
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
            res.add(reservationFromKea(r));
        }
        List<KeaOptionData> opts = new ArrayList<>();
        for (JsonNode o : s.path("option-data")) {
            opts.add(new KeaOptionData(o.path("name").asText(null), o.has("code") ? o.get("code").asInt() : null, o.path("data").asText("")));
        }
        return new KeaSubnet(s.path("id").asLong(0), prefix, pools, res, opts, network);
    }

    /**
     * A reservation as read: every identifier kind Kea has, spelled as the config spells it; an address that is not
     * IPv4 text is read as none (the sync then names the reservation it cannot keep).
     */
    static KeaReservation reservationFromKea(JsonNode r) {
        KeaReservation.Identifier kind = null;
        for (KeaReservation.Identifier k : KeaReservation.Identifier.values()) {
            if (r.get(k.key()) != null && r.get(k.key()).isTextual()) {
                kind = k;
                break;
            }
        }
        Ipv4Address ip = null;
        if (r.path("ip-address").isTextual()) {
            try {
                ip = Ipv4Address.parse("ip-address", r.get("ip-address").asText());
            } catch (UserError notAnAddress) {
                ip = null;
            }
        }
        return new KeaReservation(kind, kind == null ? null : r.get(kind.key()).asText(), ip, text(r, "hostname"), text(r, "boot-file-name"),
                text(r, "server-hostname"), text(r, "next-server"));
    }

    /** A reservation's text value, or null when absent or empty (Kea prints "" and 0.0.0.0 for values not set). */
    private static String text(JsonNode r, String key) {
        String v = r.path(key).isTextual() ? r.get(key).asText() : "";
        return v.isEmpty() || (key.equals("next-server") && v.equals("0.0.0.0")) ? null : v;
    }

    private static ObjectNode reservationToKea(KeaReservation r) {
        if (r.kind() == null) {
            throw new IllegalArgumentException("a reservation without identifier is never written");
        }
        ObjectNode rn = MAPPER.createObjectNode();
        rn.put(r.kind().key(), r.identifier());
        if (r.ipAddress() != null) {
            rn.put("ip-address", r.ipAddress().toString());
        }
        for (String key : KeaReservation.VALUE_KEYS) {
            if (r.value(key) != null) {
                rn.put(key, r.value(key));
            }
        }
        return rn;
    }

    private static ObjectNode poolToKea(KeaPool p) {
        ObjectNode pn = MAPPER.createObjectNode();
        pn.put("pool", p.range().first() + " - " + p.range().last());
        if (p.clientClass() != null) {
            pn.put("client-class", p.clientClass());
        }
        return pn;
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

    /** A new subnet4 entry: only what the model gives, so Kea's defaults and the global values apply to the rest. */
    private static ObjectNode newSubnetNode(KeaSubnet s) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("id", s.id());
        node.put("subnet", s.subnet().toString());
        ArrayNode pools = node.putArray("pools");
        s.pools().forEach(p -> pools.add(poolToKea(p)));
        if (!s.reservations().isEmpty()) {
            ArrayNode res = node.putArray("reservations");
            for (KeaReservation r : s.reservations()) {
                if (r.ipAddress() != null && !s.subnet().contains(r.ipAddress())) {
                    throw UserError.invalid("reservations", "reservation " + r.ipAddress() + " is outside subnet " + s.subnet());
                }
                res.add(reservationToKea(r));
            }
        }
        if (!s.options().isEmpty()) {
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
        return node;
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
     * in two halves (first half to {@code first}, second to {@code second}), each half keeping the pool's other keys.
     * Pools already classed stay as they are.
     */
    public void splitPoolsForLoadBalancing(String first, String second) {
        splitPoolsForLoadBalancing(first, second, prefix -> true);
    }

    /** As {@link #splitPoolsForLoadBalancing(String, String)}, in the subnets {@code which} accepts only. */
    public void splitPoolsForLoadBalancing(String first, String second, java.util.function.Predicate<Ipv4Range> which) {
        for (SubnetList l : subnetLists()) {
            for (JsonNode s : l.subnets) {
                if (!(s.get("pools") instanceof ArrayNode pools) || !accepts(which, s)) {
                    continue;
                }
                ArrayNode out = MAPPER.createArrayNode();
                for (JsonNode p : pools) {
                    Optional<Ipv4Range> range = p instanceof ObjectNode o ? safePool(o) : Optional.empty();
                    if (range.isEmpty() || p.hasNonNull("client-class")) {
                        out.add(p);
                    } else if (range.get().size() < 2) {
                        out.add(((ObjectNode) p.deepCopy()).put("client-class", "HA_" + first));
                    } else {
                        Ipv4Address mid = range.get().first().plus(range.get().size() / 2 - 1);
                        out.add(((ObjectNode) p.deepCopy()).put("pool", range.get().first() + " - " + mid).put("client-class", "HA_" + first));
                        out.add(((ObjectNode) p.deepCopy()).put("pool", mid.plus(1) + " - " + range.get().last()).put("client-class", "HA_" + second));
                    }
                }
                ((ObjectNode) s).set("pools", out);
            }
        }
    }

    /**
     * Moves single addresses between the {@code HA_*} halves of load-balancing pools: each address of
     * {@code classByAddress} that lies in a pool of another {@code HA_} class is cut out into a pool of its own class
     * (joined with a neighbour of that class), every other key of the pool kept. Used when clients already hold
     * addresses (leases moved from dhcpd), so each client's address lies in the half of the server Kea's hash sends it
     * to: Kea renews no address outside the pools the client's class allows, and would give it a new one instead.
     */
    public void assignPoolAddresses(java.util.Map<Ipv4Address, String> classByAddress) {
        java.util.TreeMap<Ipv4Address, String> sorted = new java.util.TreeMap<>(classByAddress);
        for (SubnetList l : subnetLists()) {
            for (JsonNode s : l.subnets) {
                if (!(s.get("pools") instanceof ArrayNode pools)) {
                    continue;
                }
                ArrayNode out = MAPPER.createArrayNode();
                for (JsonNode p : pools) {
                    Optional<Ipv4Range> range = p instanceof ObjectNode o ? safePool(o) : Optional.empty();
                    String own = p.path("client-class").asText("");
                    if (range.isEmpty() || !own.startsWith("HA_")) {
                        out.add(p);
                        continue;
                    }
                    var inside = sorted.subMap(range.get().first(), true, range.get().last(), true);
                    if (inside.values().stream().allMatch(own::equals)) {
                        out.add(p); // nothing to move: left exactly as written, so a second pass changes nothing
                        continue;
                    }
                    Ipv4Address cur = range.get().first();
                    for (var e : inside.entrySet()) {
                        if (e.getValue().equals(own)) {
                            continue;
                        }
                        if (cur.compareTo(e.getKey()) < 0) {
                            addPoolSegment(out, (ObjectNode) p, cur, e.getKey().plus(-1), own);
                        }
                        addPoolSegment(out, (ObjectNode) p, e.getKey(), e.getKey(), e.getValue());
                        cur = e.getKey().plus(1);
                    }
                    if (cur.compareTo(range.get().last()) <= 0) {
                        addPoolSegment(out, (ObjectNode) p, cur, range.get().last(), own);
                    }
                }
                ((ObjectNode) s).set("pools", out);
            }
        }
    }

    /** Appends {@code first - last} of class {@code cls}, or extends the last pool when it ends just before and matches. */
    private static void addPoolSegment(ArrayNode out, ObjectNode template, Ipv4Address first, Ipv4Address last, String cls) {
        if (!out.isEmpty() && out.get(out.size() - 1) instanceof ObjectNode prev && cls.equals(prev.path("client-class").asText())) {
            Optional<Ipv4Range> pr = safePool(prev);
            ObjectNode withoutPool = prev.deepCopy();
            withoutPool.remove("pool");
            ObjectNode templateWithoutPool = template.deepCopy();
            templateWithoutPool.remove("pool");
            templateWithoutPool.put("client-class", cls);
            if (pr.isPresent() && pr.get().last().plus(1).equals(first) && withoutPool.equals(templateWithoutPool)) {
                prev.put("pool", pr.get().first() + " - " + last);
                return;
            }
        }
        out.add(template.deepCopy().put("pool", first + " - " + last).put("client-class", cls));
    }

    /**
     * Drops the {@code HA_*} classes from pools (when HA is removed or leaves load-balancing) and joins the halves again:
     * two adjacent pools whose other keys are equal become one.
     */
    public void unsplitPools() {
        unsplitPools(prefix -> true);
    }

    /** As {@link #unsplitPools()}, in the subnets {@code which} accepts only. */
    public void unsplitPools(java.util.function.Predicate<Ipv4Range> which) {
        for (SubnetList l : subnetLists()) {
            for (JsonNode s : l.subnets) {
                if (!(s.get("pools") instanceof ArrayNode pools) || !accepts(which, s)
                        || !pools.findValuesAsText("client-class").stream().anyMatch(c -> c.startsWith("HA_"))) {
                    continue;
                }
                List<ObjectNode> sorted = new ArrayList<>();
                ArrayNode out = MAPPER.createArrayNode();
                for (JsonNode p : pools) {
                    if (p instanceof ObjectNode o && safePool(o).isPresent()) {
                        ObjectNode copy = o.deepCopy();
                        if (copy.path("client-class").asText("").startsWith("HA_")) {
                            copy.remove("client-class");
                        }
                        sorted.add(copy);
                    } else {
                        out.add(p);
                    }
                }
                sorted.sort(Comparator.comparing(o -> safePool(o).orElseThrow().first()));
                List<ObjectNode> merged = new ArrayList<>();
                for (ObjectNode p : sorted) {
                    ObjectNode last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
                    if (last != null && withoutPool(last).equals(withoutPool(p))
                            && safePool(last).orElseThrow().last().value() + 1 == safePool(p).orElseThrow().first().value()) {
                        last.put("pool", safePool(last).orElseThrow().first() + " - " + safePool(p).orElseThrow().last());
                    } else {
                        merged.add(p);
                    }
                }
                ArrayNode result = MAPPER.createArrayNode();
                merged.forEach(result::add);
                result.addAll(out);
                ((ObjectNode) s).set("pools", result);
            }
        }
    }

    private static boolean accepts(java.util.function.Predicate<Ipv4Range> which, JsonNode subnet) {
        String prefix = subnet instanceof ObjectNode o ? canonicalPrefix(o) : null;
        return prefix != null && which.test(Ipv4Range.parseCidr("subnet", prefix));
    }

    private static ObjectNode withoutPool(ObjectNode pool) {
        ObjectNode copy = pool.deepCopy();
        copy.remove("pool");
        return copy;
    }

    // ---------------------------------------------------------------- migration from dhcpd

    /**
     * Global keys a plan made from dhcpd.conf may set. The merge moves them down to each migrated shared network or
     * top-level subnet, so this server's own globals, and with them its other subnets, stay as they are.
     */
    private static final List<String> MIGRATED_GLOBALS = List.of("valid-lifetime", "min-valid-lifetime", "max-valid-lifetime",
            "authoritative", "boot-file-name", "server-hostname", "next-server");

    /**
     * Adds what {@code planned} (a document made from dhcpd.conf by the migration planner) serves to this server's
     * document, editing only the paths it adds: the subnets and shared networks (refused when one overlaps a subnet or
     * shares a name or id already here), the planned globals moved down to them (an inner level keeps its own value, as
     * Kea's inheritance would), the planned HA block, and each added subnet gated by {@code gateClass}, a class no
     * client is in, so the server answers nobody for them until {@link #openMigrationGate}. A subnet already here with the
     * same prefix and id (an earlier run of the same migration stopped half-way) is left as it is, gate open or not.
     */
    public void mergeMigrated(KeaConfigDocument planned, String gateClass) {
        ObjectNode from = planned.dhcp4();
        List<KeaSubnet> here = subnets();
        java.util.Set<Ipv4Range> already = new java.util.HashSet<>();
        for (KeaSubnet add : planned.subnets()) {
            for (KeaSubnet existing : here) {
                if (existing.subnet().equals(add.subnet()) && existing.id() == add.id()) {
                    already.add(add.subnet()); // merged by an earlier, interrupted run of the same migration: left as it is now
                } else if (existing.subnet().overlaps(add.subnet())) {
                    throw UserError.conflict("the scope " + add.subnet() + " to migrate overlaps the scope " + existing.subnet()
                            + " already on this Kea server; remove one of them first");
                } else if (existing.id() == add.id()) {
                    throw UserError.conflict("subnet id " + add.id() + " of the scope " + add.subnet() + " to migrate is already used by "
                            + existing.subnet() + " on this Kea server");
                }
            }
        }
        List<String> nets = sharedNetworks();
        for (JsonNode net : from.path("shared-networks")) {
            boolean resumed = net.path("subnet4").size() > 0 && java.util.stream.StreamSupport.stream(net.path("subnet4").spliterator(), false)
                    .allMatch(sub -> already.contains(Ipv4Range.parseCidr("subnet", sub.path("subnet").asText())));
            if (nets.contains(net.path("name").asText()) && !resumed) {
                throw UserError.conflict("a shared network named \"" + net.path("name").asText() + "\" is already on this Kea server");
            }
        }
        for (JsonNode net : from.path("shared-networks")) {
            if (nets.contains(net.path("name").asText())) {
                continue;
            }
            ObjectNode copy = net.deepCopy();
            inheritFrom(from, copy);
            copy.path("subnet4").forEach(sub -> gate((ObjectNode) sub, gateClass));
            dhcp4().withArray("shared-networks").add(copy);
        }
        for (JsonNode sub : from.path("subnet4")) {
            if (already.contains(Ipv4Range.parseCidr("subnet", sub.path("subnet").asText()))) {
                continue;
            }
            ObjectNode copy = sub.deepCopy();
            inheritFrom(from, copy);
            gate(copy, gateClass);
            dhcp4().withArray("subnet4").add(copy);
        }
        if (already.size() < planned.subnets().size() && !clientClasses().contains(gateClass)) {
            // Never true: the class exists only so that the gated subnets match no client.
            dhcp4().withArray("client-classes").addObject().put("name", gateClass).put("test", "'tandem' == 'migrating'");
        }
        KeaHaConfig ha = planned.ha().orElseThrow(() -> new IllegalArgumentException("the planned document has no HA block"));
        String haPath = planned.hookLibraries().stream().filter(l -> l.endsWith("/" + HA_LIBRARY)).findFirst().orElseThrow();
        setHa(ha, haPath.substring(0, haPath.length() - HA_LIBRARY.length() - 1));
    }

    /** Copies the planned globals {@code level} does not set itself; option data by option name or code. */
    private static void inheritFrom(ObjectNode globals, ObjectNode level) {
        for (String key : MIGRATED_GLOBALS) {
            if (globals.has(key) && !level.has(key)) {
                level.set(key, globals.get(key).deepCopy());
            }
        }
        if (globals.get("option-data") instanceof ArrayNode outer && !outer.isEmpty()) {
            ArrayNode own = level.withArray("option-data");
            for (JsonNode o : outer) {
                boolean overridden = false;
                for (JsonNode mine : own) {
                    overridden |= o.has("name") && o.path("name").equals(mine.path("name"))
                            || o.has("code") && o.path("code").equals(mine.path("code"));
                }
                if (!overridden) {
                    own.add(o.deepCopy());
                }
            }
        }
    }

    private static void gate(ObjectNode subnet, String gateClass) {
        if (!subnet.path("client-class").asText("").isEmpty()) {
            throw new IllegalArgumentException("subnet " + subnet.path("subnet").asText() + " already has a client-class");
        }
        subnet.put("client-class", gateClass);
    }

    /** The subnets {@code gateClass} still closes. */
    public List<Ipv4Range> gatedSubnets(String gateClass) {
        List<Ipv4Range> out = new ArrayList<>();
        for (SubnetList l : subnetLists()) {
            for (JsonNode s : l.subnets) {
                if (gateClass.equals(s.path("client-class").asText(null)) && canonicalPrefix((ObjectNode) s) != null) {
                    out.add(Ipv4Range.parseCidr("subnet", canonicalPrefix((ObjectNode) s)));
                }
            }
        }
        return out;
    }

    /** Lets the server answer for the subnets {@link #mergeMigrated} gated: drops the gate from them and its class. */
    public void openMigrationGate(String gateClass) {
        for (SubnetList l : subnetLists()) {
            for (JsonNode s : l.subnets) {
                if (s instanceof ObjectNode o && gateClass.equals(o.path("client-class").asText(null))) {
                    o.remove("client-class");
                }
            }
        }
        if (dhcp4().get("client-classes") instanceof ArrayNode classes) {
            for (Iterator<JsonNode> it = classes.elements(); it.hasNext(); ) {
                if (gateClass.equals(it.next().path("name").asText())) {
                    it.remove();
                }
            }
            if (classes.isEmpty()) {
                dhcp4().remove("client-classes");
            }
        }
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
