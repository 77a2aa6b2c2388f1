package org.tandem.migrate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.tandem.common.UserError;
import org.tandem.dhcpd.conf.ConfValues;
import org.tandem.dhcpd.conf.DhcpdConf;
import org.tandem.dhcpd.conf.DhcpdConfModel;
import org.tandem.dhcpd.conf.DhcpdConfModel.FailoverPeer;
import org.tandem.dhcpd.conf.DhcpdConfModel.Host;
import org.tandem.dhcpd.conf.DhcpdConfModel.Subnet;
import org.tandem.dhcpd.conf.Node;
import org.tandem.dhcpd.conf.Statement;
import org.tandem.kea.config.KeaConfig;
import org.tandem.kea.config.KeaConfigDocument;
import org.tandem.kea.config.KeaHaConfig;
import org.tandem.kea.config.KeaOptionData;
import org.tandem.kea.config.KeaReservation;
import org.tandem.net.Ipv4Address;
import org.tandem.net.Ipv4Range;

/**
 * Plans the Kea DHCPv4 configuration of an HA pair that serves what one dhcpd failover relationship serves, from the
 * primary's dhcpd.conf (groundwork of issue 16: no cut-over, no leases, no wiring yet). Pure: text in, plan out.
 *
 * <p>What is translated: every subnet with a pool naming the relationship's peer (subnet id = the network address as
 * a number, so both peers and every re-plan agree, and adding a subnet never renumbers another), its pools from
 * {@code range} statements in pools and bare in the subnet, {@code host} blocks with {@code hardware ethernet} and
 * {@code fixed-address} (in the subnet or global ones whose address falls in it) as reservations, options Kea knows
 * by the same name and format ({@link DhcpdOptions}) at global, shared-network, subnet, pool and host level, lease
 * times ({@code default-/max-/min-lease-time} → {@code valid-/max-valid-/min-valid-lifetime}, with dhcpd's defaults and
 * clamping, see {@link #lifetimesAsDhcpdGivesThem}), {@code authoritative},
 * boot values ({@code filename}, {@code next-server}, {@code server-name}), shared networks. Everything else is an
 * {@link Unexpressed} item naming its line.
 *
 * <p>Failover → HA, as written in docs/failover.md ("Migrating to Kea"):
 * <table>
 * <caption>dhcpd failover peer → Kea libdhcp_ha.so</caption>
 * <tr><th>dhcpd</th><th>Kea</th><th>Why</th></tr>
 * <tr><td>{@code split 1..255} / {@code hba} with some bits set</td><td>{@code mode: load-balancing}, dhcpd primary →
 *     {@code primary}, secondary → {@code secondary}; pools split into {@code HA_<server>} halves</td>
 *     <td>Kea hashes clients 50/50; a split other than 128 is listed as unexpressed</td></tr>
 * <tr><td>{@code split 256} / {@code hba} all ones</td><td>{@code hot-standby}: the first Kea server {@code primary},
 *     the second {@code standby}</td><td>the dhcpd primary answers every client, as Kea's hot-standby primary does</td></tr>
 * <tr><td>{@code split 0} / {@code hba} all zeros</td><td>{@code hot-standby}: the second Kea server (replacing the
 *     dhcpd secondary, which answers everyone) {@code primary}, the first {@code standby}</td><td>same</td></tr>
 * <tr><td>no {@code split} nor {@code hba}</td><td>as {@code split 128}</td><td>dhcpd's default</td></tr>
 * <tr><td>{@code max-response-delay S}</td><td>{@code max-response-delay S*1000} ms (at most 65535, Kea 2.2's uint16;
 *     a larger value is listed)</td><td>both: silence after which the partner counts as down</td></tr>
 * <tr><td>{@code max-response-delay S}</td><td>{@code heartbeat-delay S*1000/3} ms</td><td>dhcpd sends a CONTACT
 *     every third of the partner's max-response-delay; Kea's heartbeat is the same probe</td></tr>
 * <tr><td>{@code max-unacked-updates N}</td><td>{@code max-unacked-clients N}</td><td>the nearest knob: how much
 *     unanswered traffic a peer tolerates before acting (dhcpd: updates in flight; Kea: clients the partner left
 *     unanswered before partner-down)</td></tr>
 * <tr><td>{@code load balance max seconds S}</td><td>{@code max-ack-delay S*1000} ms</td><td>both read the client's
 *     {@code secs} field to decide the partner is not answering it</td></tr>
 * <tr><td>{@code mclt}</td><td>none</td><td>Kea peers send each lease to the partner before answering the client, so no
 *     lease outruns what the partner knows and there is nothing to bound; not listed as unexpressed</td></tr>
 * <tr><td>{@code auto-partner-down S} (non-zero)</td><td>none, listed</td><td>Kea goes to partner-down itself after
 *     max-unacked-clients, not after a time</td></tr>
 * <tr><td>{@code max-lease-misbalance}, {@code max-lease-ownership}, {@code min-balance}, {@code max-balance}</td>
 *     <td>none</td><td>Kea peers share pools rather than own free leases; nothing to rebalance</td></tr>
 * <tr><td>{@code address}, {@code port}, {@code peer address}, {@code peer port}</td><td>the peers' {@code url}s
 *     given to the planner</td><td>Kea's HA speaks HTTP to the control agent, not the failover protocol</td></tr>
 * </table>
 */
public final class DhcpdToKea {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String NOT_IN_RELATIONSHIP = "not in the relationship, left on dhcpd";

    private enum Level {
        GLOBAL, SHARED_NETWORK, SUBNET, POOL, HOST
    }

    private final String peerName;
    private final DhcpdConfModel model;
    private final Map<Statement, Integer> lines;
    private final Map<Integer, Subnet> subnetsByLine = new HashMap<>();
    /** By line and name: two host blocks may share a line, never a line and a name that dhcpd would accept. */
    private final Map<String, Host> hostsByLineAndName = new HashMap<>();
    private final Set<Ipv4Range> migrated = new HashSet<>();
    private final Map<Ipv4Range, ObjectNode> subnetNodes = new LinkedHashMap<>();
    private final Map<Ipv4Range, Set<String>> reservedKeys = new HashMap<>();
    private final List<Statement> outerHosts = new ArrayList<>();
    private final List<Unexpressed> unexpressed = new ArrayList<>();
    private final ObjectNode dhcp4 = JSON.objectNode();

    private DhcpdToKea(DhcpdConf conf, String peerName) {
        this.peerName = peerName;
        this.model = conf.model();
        this.lines = conf.statementLines();
        model.subnets().forEach(s -> subnetsByLine.put(s.line(), s));
        model.hosts().forEach(h -> hostsByLineAndName.put(h.line() + " " + h.name(), h));
        model.subnetsReferencing(peerName).forEach(s -> migrated.add(s.range()));
    }

    /**
     * Plans the Kea pair for relationship {@code failoverPeer} of the primary's {@code dhcpdConf}: {@code first} takes
     * the dhcpd primary's place, {@code second} the secondary's; {@code hooksDir} is where the Kea servers have
     * libdhcp_ha.so and libdhcp_lease_cmds.so.
     */
    public static KeaMigrationPlan plan(String dhcpdConf, String failoverPeer, KeaTarget first, KeaTarget second, String hooksDir) {
        DhcpdConf conf = DhcpdConf.parse(dhcpdConf);
        if (first.name().equals(second.name())) {
            throw UserError.invalid("second", "both Kea servers are named \"" + first.name() + "\"; HA needs two different names");
        }
        DhcpdToKea t = new DhcpdToKea(conf, failoverPeer);
        FailoverPeer peer = t.model.failoverPeer(failoverPeer)
                .orElseThrow(() -> UserError.notFound("Failover peer", failoverPeer));
        if (peer.effectiveRole() != DhcpdConfModel.Role.PRIMARY) {
            throw UserError.invalid("dhcpdConf", "failover peer \"" + failoverPeer + "\" (line " + peer.line()
                    + ") is declared secondary here; plan from the primary's dhcpd.conf, which holds split and mclt");
        }
        if (t.migrated.isEmpty()) {
            throw UserError.invalid("failoverPeer", "no subnet has a pool with failover peer \"" + failoverPeer
                    + "\"; there is nothing to move");
        }
        t.walkGlobal(conf.items());
        t.lifetimesAsDhcpdGivesThem();
        KeaHaConfig ha = t.ha(peer, first, second);

        ObjectNode root = JSON.objectNode();
        root.set("Dhcp4", t.dhcp4);
        byte[] base = root.toString().getBytes(StandardCharsets.UTF_8);
        Map<String, String> docs = new LinkedHashMap<>();
        for (KeaTarget target : List.of(first, second)) {
            // The document type owns the HA block and the load-balancing pool split, so they read as the rest of Tandem writes them;
            // its "synced at" means nothing for a planned document, hence EPOCH (the planner stays free of clocks).
            KeaConfigDocument doc = KeaConfig.fromJson(base, Instant.EPOCH).edit();
            doc.setHa(ha.asSeenBy(target.name()), hooksDir);
            if (ha.mode() == KeaHaConfig.Mode.LOAD_BALANCING) {
                doc.splitPoolsForLoadBalancing(first.name(), second.name());
            }
            doc.checkRules(target.name());
            docs.put(target.name(), doc.toPrettyString());
        }
        t.unexpressed.sort(Comparator.comparingInt(Unexpressed::line));
        return new KeaMigrationPlan(failoverPeer, ha.mode(), docs, t.unexpressed);
    }

    // ---------------------------------------------------------------- walk

    private static List<Statement> statements(List<Node> nodes) {
        List<Statement> out = new ArrayList<>();
        for (Node n : nodes) {
            if (n instanceof Statement s) {
                out.add(s);
            }
        }
        return out;
    }

    private void walkGlobal(List<Node> items) {
        for (Statement s : statements(items)) {
            switch (s.keyword()) {
                case "subnet" -> subnet(s, dhcp4.withArray("subnet4"));
                case "shared-network" -> sharedNetwork(s);
                case "host" -> outerHosts.add(s);
                case "failover" -> failoverAtTop(s);
                default -> parameter(s, dhcp4, Level.GLOBAL);
            }
        }
        for (Statement h : outerHosts) {
            host(h, null);
        }
        if (dhcp4.path("subnet4").isEmpty()) {
            dhcp4.remove("subnet4");
        }
    }

    private void failoverAtTop(Statement s) {
        boolean declaration = s.isBlock() && s.word(1).equals("peer") && s.words().size() == 3;
        if (declaration && ConfValues.unquote(s.words().get(2)).equals(peerName)) {
            return; // translated by ha()
        }
        refuse(s, declaration ? "another failover relationship; its subnets stay on dhcpd"
                : "a failover statement outside a pool or shared network");
    }

    private void sharedNetwork(Statement s) {
        String name = s.words().size() > 1 ? ConfValues.unquote(s.words().get(1)) : "";
        boolean any = model.subnets().stream().anyMatch(sub -> name.equals(sub.sharedNetwork()) && migrated.contains(sub.range()));
        if (!any) {
            refuse(s, "shared network with no subnet in the relationship; " + NOT_IN_RELATIONSHIP);
            return;
        }
        ObjectNode net = dhcp4.withArray("shared-networks").addObject();
        net.put("name", name);
        ArrayNode subnets = net.putArray("subnet4");
        for (Statement c : statements(s.body())) {
            switch (c.keyword()) {
                case "subnet" -> subnet(c, subnets);
                case "pool" -> refuse(c, "a pool directly in a shared network: Kea pools belong to a subnet; move it into one first");
                case "host" -> outerHosts.add(c);
                case "failover" -> failoverReference(c);
                default -> parameter(c, net, Level.SHARED_NETWORK);
            }
        }
    }

    private void failoverReference(Statement s) {
        if (s.isBlock() || !s.word(1).equals("peer") || s.words().size() != 3) {
            refuse(s, "a failover statement Tandem does not know here");
        } else if (!ConfValues.unquote(s.words().get(2)).equals(peerName)) {
            refuse(s, "belongs to failover relationship \"" + ConfValues.unquote(s.words().get(2)) + "\", not the one being moved");
        }
    }

    private void subnet(Statement s, ArrayNode into) {
        Subnet sub = subnetsByLine.get(line(s));
        if (sub == null || !migrated.contains(sub.range())) {
            refuse(s, "no pool of this subnet names failover peer \"" + peerName + "\"; " + NOT_IN_RELATIONSHIP);
            return;
        }
        Ipv4Range range = sub.range();
        ObjectNode node = into.addObject();
        node.put("id", range.first().value());
        node.put("subnet", range.toString());
        ArrayNode pools = node.putArray("pools");
        subnetNodes.put(range, node);
        for (Statement c : statements(s.body())) {
            switch (c.keyword()) {
                case "pool" -> pool(c, pools);
                case "range" -> range(c, pools, JSON.objectNode());
                case "host" -> host(c, range);
                default -> parameter(c, node, Level.SUBNET);
            }
        }
    }

    private void pool(Statement s, ArrayNode pools) {
        ObjectNode template = JSON.objectNode();
        List<Statement> ranges = new ArrayList<>();
        for (Statement c : statements(s.body())) {
            switch (c.keyword()) {
                case "range" -> ranges.add(c);
                case "failover" -> {
                    int before = unexpressed.size();
                    failoverReference(c);
                    if (unexpressed.size() > before) {
                        return; // another relationship's pool is not ours to move
                    }
                }
                case "deny" -> {
                    if (!isDenyDynamicBootp(c)) {
                        parameter(c, template, Level.POOL);
                    } // else: Kea answers no BOOTP client without libdhcp_bootp.so, so the pool already behaves so
                }
                default -> parameter(c, template, Level.POOL);
            }
        }
        for (Statement r : ranges) {
            range(r, pools, template);
        }
    }

    private static boolean isDenyDynamicBootp(Statement s) {
        return s.words().size() == 4 && s.word(1).equals("dynamic") && s.word(2).equals("bootp") && s.word(3).equals("clients");
    }

    private void range(Statement s, ArrayNode pools, ObjectNode template) {
        List<String> w = new ArrayList<>(s.words());
        if (w.size() > 1 && w.get(1).equalsIgnoreCase("dynamic-bootp")) {
            refuse(s, "dynamic-bootp: Kea leases to BOOTP clients only with libdhcp_bootp.so; the range is planned as a DHCP pool");
            w.remove(1);
        }
        // ModelBuilder has already checked the range's syntax: a malformed one fails the parse.
        Ipv4Range r = Ipv4Range.parse("range start", w.get(1), "range end", w.size() == 3 ? w.get(2) : w.get(1));
        ObjectNode p = pools.addObject();
        p.put("pool", r.first() + " - " + r.last());
        p.setAll(template.deepCopy());
    }

    // ---------------------------------------------------------------- hosts

    private void host(Statement s, Ipv4Range enclosing) {
        Host h = hostsByLineAndName.get(line(s) + " " + (s.words().size() > 1 ? ConfValues.unquote(s.words().get(1)) : ""));
        if (h == null) {
            refuse(s, "a host block the plan could not read");
            return;
        }
        ObjectNode extras = JSON.objectNode();
        String hostName = h.name();
        String filename = null;
        String serverName = null;
        String nextServer = null;
        boolean ethernet = true;
        for (Statement c : statements(s.body())) {
            switch (c.keyword()) {
                case "hardware" -> ethernet = c.word(1).equals("ethernet");
                case "fixed-address" -> { }
                case "filename" -> filename = ConfValues.unquote(value(c));
                case "server-name" -> serverName = ConfValues.unquote(value(c));
                case "next-server" -> nextServer = value(c);
                case "option" -> {
                    if (c.word(1).equals("host-name") && c.words().size() == 3) {
                        hostName = ConfValues.unquote(c.words().get(2)); // Kea sends the reserved hostname as option 12
                    } else {
                        option(c, extras);
                    }
                }
                default -> parameter(c, extras, Level.HOST);
            }
        }
        if (h.hardwareEthernet() == null || !ethernet) {
            refuse(s, "a host without 'hardware ethernet': the plan reserves by MAC address only");
            return;
        }
        if (h.fixedAddresses().isEmpty()) {
            refuse(s, "a host without fixed-address: Kea reservations here carry an address");
            return;
        }
        String mac;
        try {
            mac = mac(h.hardwareEthernet());
        } catch (IllegalArgumentException e) {
            refuse(s, "hardware ethernet " + h.hardwareEthernet() + " is not a 6-byte MAC address");
            return;
        }
        Set<Ipv4Range> done = new HashSet<>();
        for (String fixed : h.fixedAddresses()) {
            if (!Ipv4Address.isValid(fixed)) {
                refuse(s, "fixed-address " + fixed + " is a name dhcpd resolves; Kea reserves addresses only");
                continue;
            }
            Ipv4Address ip = Ipv4Address.parse("fixed-address", fixed);
            Ipv4Range subnet = enclosing != null ? (enclosing.contains(ip) ? enclosing : null)
                    : migrated.stream().filter(r -> r.contains(ip)).findFirst().orElse(null);
            if (subnet == null) {
                boolean inOther = model.subnets().stream().anyMatch(sub -> sub.range().contains(ip));
                refuse(s, "fixed-address " + ip + (enclosing != null ? " is outside its subnet " + enclosing
                        : inOther ? " is in a subnet " + NOT_IN_RELATIONSHIP : " is in no subnet of this file"));
                continue;
            }
            if (!done.add(subnet)) {
                refuse(s, "a second fixed-address (" + ip + ") in subnet " + subnet + ": Kea reserves one address per client and subnet");
                continue;
            }
            Set<String> keys = reservedKeys.computeIfAbsent(subnet, k -> new HashSet<>());
            if (keys.contains("mac " + mac) || keys.contains("ip " + ip)) {
                refuse(s, "MAC " + mac + " or address " + ip + " is already reserved in subnet " + subnet + " by an earlier host; Kea refuses duplicates");
                continue;
            }
            KeaReservation r;
            try {
                r = KeaReservation.of(KeaReservation.Identifier.HW_ADDRESS, mac, ip, validHostName(hostName) ? hostName : null)
                        .withBoot(filename, serverName, nextServer);
            } catch (UserError e) {
                refuse(s, "not reserved: " + e.getMessage());
                continue;
            }
            if (hostName != null && r.hostname() == null) {
                refuse(s, "host name \"" + hostName + "\" is not a name Kea takes; reserved without it");
            }
            keys.add("mac " + mac);
            keys.add("ip " + ip);
            ObjectNode node = subnetNodes.get(subnet).withArray("reservations").addObject();
            node.put("hw-address", r.identifier());
            node.put("ip-address", ip.toString());
            for (String key : KeaReservation.VALUE_KEYS) {
                if (r.value(key) != null) {
                    node.put(key, r.value(key));
                }
            }
            node.setAll(extras.deepCopy());
        }
    }

    private static boolean validHostName(String name) {
        try {
            KeaReservation.of(KeaReservation.Identifier.HW_ADDRESS, "00:00:00:00:00:00", null, name);
            return name != null && !name.isEmpty();
        } catch (UserError e) {
            return false;
        }
    }

    /** dhcpd accepts {@code 0:1a:2:...}; Kea wants two hex digits per byte. */
    static String mac(String dhcpd) {
        String[] parts = dhcpd.split(":", -1);
        if (parts.length != 6) {
            throw new IllegalArgumentException(dhcpd);
        }
        StringBuilder sb = new StringBuilder();
        for (String p : parts) {
            if (!p.matches("[0-9A-Fa-f]{1,2}")) {
                throw new IllegalArgumentException(dhcpd);
            }
            sb.append(sb.isEmpty() ? "" : ":").append(p.length() == 1 ? "0" : "").append(p.toLowerCase(Locale.ROOT));
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- parameters

    /** Statements that can appear at several levels; {@code target} is the Kea object of that level. */
    private void parameter(Statement s, ObjectNode target, Level level) {
        String kw = s.keyword();
        switch (kw) {
            case "option" -> option(s, target);
            case "default-lease-time" -> lifetime(s, target, level, "valid-lifetime");
            case "max-lease-time" -> lifetime(s, target, level, "max-valid-lifetime");
            case "min-lease-time" -> lifetime(s, target, level, "min-valid-lifetime");
            case "authoritative" -> scoped(s, level, () -> target.put("authoritative", true));
            case "not" -> {
                if (s.word(1).equals("authoritative") && s.words().size() == 2) {
                    scoped(s, level, () -> target.put("authoritative", false));
                } else {
                    refuse(s, "no Kea translation for this dhcpd statement");
                }
            }
            case "filename" -> scoped(s, level, () -> boot(s, target, "boot-file-name", ConfValues.unquote(value(s))));
            case "server-name" -> scoped(s, level, () -> boot(s, target, "server-hostname", ConfValues.unquote(value(s))));
            case "next-server" -> scoped(s, level, () -> boot(s, target, "next-server", value(s)));
            case "ddns-update-style" -> {
                if (!s.word(1).equals("none")) {
                    refuse(s, "dynamic DNS: Kea updates DNS through kea-dhcp-ddns, configured separately");
                } // none: Kea sends no DNS updates unless told to
            }
            case "use-host-decl-names" -> { } // reservations carry the host's name as Kea's hostname
            case "class", "subclass" -> refuse(s, "client classes are not translated in this piece (Kea client-classes use another expression language)");
            case "if", "elsif", "else" -> refuse(s, "a conditional: Kea has no if/else; it would need client classes with test expressions");
            case "on" -> refuse(s, "an event hook (on commit/release/expiry): Kea has none in its config (libdhcp_run_script.so runs scripts, configured differently)");
            case "include" -> refuse(s, "an included file is not read: the plan covers this file only");
            case "key", "zone" -> refuse(s, "TSIG keys and DNS zones serve dynamic DNS, which Kea configures in kea-dhcp-ddns");
            case "omapi-port", "omapi-key" -> refuse(s, "OMAPI is dhcpd's management interface; Kea is managed through its control agent");
            case "log-facility" -> refuse(s, "logging: Kea's loggers are configured per server, not planned here");
            case "allow", "deny", "ignore" -> refuse(s, s.word(1).equals("members") || s.word(1).equals("known-clients") || s.word(1).equals("unknown-clients")
                    ? "a pool restricted to clients or classes: Kea needs client classes for it, not translated in this piece"
                    : "a client access rule Kea has no same-named setting for");
            case "pool", "range", "subnet", "shared-network", "host" -> refuse(s, "a " + kw + " where the plan does not expect one");
            case "group" -> refuse(s, "a group: its declarations are not translated in this piece");
            case "failover" -> refuse(s, "a failover statement where the plan does not expect one");
            default -> {
                if (kw.startsWith("ddns-")) {
                    refuse(s, "dynamic DNS: Kea updates DNS through kea-dhcp-ddns, configured separately");
                } else if (kw.contains("bootp")) {
                    refuse(s, "BOOTP: Kea answers BOOTP clients only with libdhcp_bootp.so, not planned here");
                } else {
                    refuse(s, "no Kea translation for this dhcpd statement");
                }
            }
        }
    }

    /** Runs {@code put} for levels Kea has the setting at (global, shared network, subnet); lists it elsewhere. */
    private void scoped(Statement s, Level level, Runnable put) {
        if (level == Level.POOL || level == Level.HOST) {
            refuse(s, "Kea has no per-" + level.name().toLowerCase(Locale.ROOT) + " " + s.keyword() + " setting");
        } else {
            put.run();
        }
    }

    private void boot(Statement s, ObjectNode target, String key, String value) {
        try {
            target.put(key, KeaReservation.checkValue(key.equals("server-hostname") ? "server-hostname" : key, value));
        } catch (UserError e) {
            refuse(s, e.getMessage());
        }
    }

    private void lifetime(Statement s, ObjectNode target, Level level, String key) {
        String v = value(s);
        if (!v.matches("[0-9]{1,10}") || Long.parseLong(v) > 0xFFFF_FFFFL) {
            refuse(s, "\"" + v + "\" is not a number of seconds Kea takes");
            return;
        }
        scoped(s, level, () -> target.put(key, Long.parseLong(v)));
    }

    private void option(Statement s, ObjectNode target) {
        List<String> w = s.words();
        if (w.size() >= 2 && w.get(1).equalsIgnoreCase("space")) {
            refuse(s, "an option space definition: Kea defines spaces in option-def, not planned here");
            return;
        }
        if (w.size() >= 3 && w.get(2).equalsIgnoreCase("code")) {
            refuse(s, "an option definition: Kea needs an option-def for it, not planned here");
            return;
        }
        String name = w.size() > 1 ? w.get(1).toLowerCase(Locale.ROOT) : "";
        if (!DhcpdOptions.known(name)) {
            refuse(s, "option \"" + name + "\" has no Kea option of the same name and format");
            return;
        }
        String data;
        try {
            data = DhcpdOptions.toKea(name, w.subList(2, w.size()));
        } catch (DhcpdOptions.NotCarried e) {
            refuse(s, "option " + name + " " + e.getMessage());
            return;
        }
        KeaOptionData o = new KeaOptionData(name, null, data);
        ObjectNode on = target.withArray("option-data").addObject();
        on.put("name", o.name());
        on.put("data", o.data());
    }

    /** The value words after the keyword, joined as written (unquoting is the caller's). */
    private static String value(Statement s) {
        List<String> w = s.words();
        return w.size() == 2 ? w.get(1) : String.join(" ", w.subList(1, w.size()));
    }

    // ---------------------------------------------------------------- lease times

    /** dhcpd 4.4's lease time when dhcpd.conf sets none (Kea's own default is 7200 s). */
    static final long DHCPD_DEFAULT_LEASE_TIME = 43_200;
    /** dhcpd 4.4's cap on a lease time a client asks for, when dhcpd.conf sets none (Kea has no cap by default). */
    static final long DHCPD_MAX_LEASE_TIME = 86_400;

    /**
     * Makes the lifetimes Kea will use those dhcpd gives: dhcpd's defaults where dhcpd.conf is silent (Kea's differ), and at
     * each level dhcpd's clamp of the default lease time into [min, max], which Kea would refuse instead of applying.
     */
    private void lifetimesAsDhcpdGivesThem() {
        if (!dhcp4.has("valid-lifetime")) {
            dhcp4.put("valid-lifetime", DHCPD_DEFAULT_LEASE_TIME);
        }
        if (!dhcp4.has("max-valid-lifetime")) {
            dhcp4.put("max-valid-lifetime", Math.max(DHCPD_MAX_LEASE_TIME, dhcp4.get("valid-lifetime").asLong()));
        }
        Lifetimes global = clamp(dhcp4, new Lifetimes(0, 0, 0));
        for (var net : dhcp4.path("shared-networks")) {
            Lifetimes inNet = clamp((ObjectNode) net, global);
            net.path("subnet4").forEach(sub -> clamp((ObjectNode) sub, inNet));
        }
        dhcp4.path("subnet4").forEach(sub -> clamp((ObjectNode) sub, global));
    }

    private record Lifetimes(long valid, long min, long max) {
    }

    /** The level's effective lifetimes (own or inherited); sets its valid-lifetime when dhcpd would clamp it. */
    private static Lifetimes clamp(ObjectNode level, Lifetimes inherited) {
        long valid = level.path("valid-lifetime").asLong(inherited.valid());
        long min = level.path("min-valid-lifetime").asLong(inherited.min());
        long max = level.path("max-valid-lifetime").asLong(inherited.max());
        long clamped = Math.max(min, max > 0 ? Math.min(valid, max) : valid);
        if (clamped != valid) {
            level.put("valid-lifetime", clamped);
        }
        return new Lifetimes(clamped, min, max);
    }

    // ---------------------------------------------------------------- failover → HA

    private KeaHaConfig ha(FailoverPeer peer, KeaTarget first, KeaTarget second) {
        Statement block = null;
        for (Map.Entry<Statement, Integer> e : lines.entrySet()) {
            if (e.getValue() == peer.line() && e.getKey().keyword().equals("failover") && e.getKey().isBlock()) {
                block = e.getKey();
            }
        }
        int bits = peer.split() != null ? peer.split() : peer.hba() != null ? hbaBits(peer.hba()) : 128;
        KeaHaConfig.Mode mode = bits <= 0 || bits >= 256 ? KeaHaConfig.Mode.HOT_STANDBY : KeaHaConfig.Mode.LOAD_BALANCING;
        if (mode == KeaHaConfig.Mode.LOAD_BALANCING && bits != 128) {
            refuseIn(block, peer, "split", "hba", "Kea load-balancing answers clients 50/50 by hash; this uneven split (" + bits + "/256 to the primary) is not kept");
        }
        int mrdS = peer.maxResponseDelay() != null ? peer.maxResponseDelay() : 60;
        long mrdMs = mrdS * 1000L;
        if (mrdMs > KeaHaConfig.KEA22_MAX_DELAY_MS) {
            refuseIn(block, peer, "max-response-delay", null, "Kea 2.2 takes at most " + KeaHaConfig.KEA22_MAX_DELAY_MS
                    + " ms; planned as " + KeaHaConfig.KEA22_MAX_DELAY_MS);
            mrdMs = KeaHaConfig.KEA22_MAX_DELAY_MS;
        }
        long mad = peer.loadBalanceMaxSeconds() != null ? Math.min(peer.loadBalanceMaxSeconds() * 1000L, KeaHaConfig.KEA22_MAX_DELAY_MS) : 10_000;
        if (peer.autoPartnerDown() != null && peer.autoPartnerDown() > 0) {
            refuseIn(block, peer, "auto-partner-down", null, "Kea goes to partner-down after max-unacked-clients, never after a time");
        }
        long unacked = peer.maxUnackedUpdates() != null ? peer.maxUnackedUpdates() : 10;
        KeaHaConfig.Role firstRole;
        KeaHaConfig.Role secondRole;
        if (mode == KeaHaConfig.Mode.LOAD_BALANCING) {
            firstRole = KeaHaConfig.Role.PRIMARY;
            secondRole = KeaHaConfig.Role.SECONDARY;
        } else if (bits >= 256) {
            firstRole = KeaHaConfig.Role.PRIMARY;
            secondRole = KeaHaConfig.Role.STANDBY;
        } else {
            firstRole = KeaHaConfig.Role.STANDBY;
            secondRole = KeaHaConfig.Role.PRIMARY;
        }
        return new KeaHaConfig(first.name(), mode, (int) Math.max(1000, mrdMs / 3), (int) mrdMs, (int) mad, unacked,
                List.of(new KeaHaConfig.Peer(first.name(), first.url(), firstRole, true),
                        new KeaHaConfig.Peer(second.name(), second.url(), secondRole, true)));
    }

    /** The number of set bits of an {@code hba} bitmap (32 hex bytes): dhcpd's split in another spelling. */
    static int hbaBits(String hba) {
        int n = 0;
        for (String b : hba.split(":")) {
            n += Integer.bitCount(Integer.parseInt(b, 16));
        }
        return n;
    }

    /** Lists the peer block's statement {@code keyword} (or {@code alt}), or the block's head when neither is found. */
    private void refuseIn(Statement block, FailoverPeer peer, String keyword, String alt, String reason) {
        if (block != null) {
            for (Statement c : statements(block.body())) {
                if (c.keyword().equals(keyword) || c.keyword().equals(alt)) {
                    refuse(c, reason);
                    return;
                }
            }
            refuse(block, reason);
        } else {
            unexpressed.add(new Unexpressed(peer.line(), "failover peer \"" + peer.name() + "\"", reason));
        }
    }

    // ---------------------------------------------------------------- findings

    private int line(Statement s) {
        return lines.getOrDefault(s, 0);
    }

    private void refuse(Statement s, String reason) {
        unexpressed.add(new Unexpressed(line(s), shown(s), reason));
    }

    /** A simple statement as written on one line; a block by its head. */
    private static String shown(Statement s) {
        String text = s.text();
        if (s.isBlock()) {
            int brace = text.indexOf('{');
            text = text.substring(0, brace + 1);
        }
        return text.replaceAll("\\s+", " ").strip();
    }
}
