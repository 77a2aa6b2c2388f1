package org.tandem.dhcpd.conf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.tandem.common.UserError;
import org.tandem.net.Ipv4Address;
import org.tandem.net.Ipv4Range;

/**
 * Changes a {@link DhcpdConf} the way the failover engine needs, by splicing: only the statements it adds,
 * changes or removes are rendered anew (indented like their neighbours, with the file's line endings); every
 * other byte stays as the administrator wrote it.
 *
 * <p>Each operation checks everything first and throws a {@link UserError} before touching the tree, so a
 * refused edit changes nothing. The rules come from dhcpd 4.4.3 (see the research notes): a peer block
 * must come before the first pool naming it and may live only at top level or in a shared-network; a peer
 * that no pool names is fatal, so the block goes when its last reference goes; {@code no failover peer;}
 * is never written (4.4.3 cannot parse it); {@code range dynamic-bootp} is refused in failover pools.
 */
public final class DhcpdConfEditor {

    /** First words of the comment line that opens a subnet commented out by {@link #disableSubnet}. */
    public static final String DISABLED_BEGIN = "# tandem:disabled-subnet ";
    /** First words of the comment line that closes it. */
    public static final String DISABLED_END = "# tandem:end-disabled-subnet ";

    private final DhcpdConf conf;
    private final String nl;

    public DhcpdConfEditor(DhcpdConf conf) {
        this.conf = conf;
        this.nl = conf.newline();
    }

    public DhcpdConf conf() {
        return conf;
    }

    // ---- failover ------------------------------------------------------------------------------------------

    /**
     * Puts {@code subnet} under failover with {@code spec}: writes or updates the peer block, adds
     * {@code failover peer "NAME";} as the first statement of every pool of the subnet, and moves the block
     * before the first pool that names it when it sits after one.
     */
    public void enableFailover(Ipv4Range subnet, FailoverPeerSpec spec) {
        Loc loc = requireSubnet(subnet);
        List<Statement> pools = pools(loc.stmt);
        if (pools.isEmpty()) {
            boolean sharedPools = loc.body != conf.items() && loc.body.stream()
                    .anyMatch(n -> n instanceof Statement s && s.isBlock() && s.is("pool"));
            throw UserError.conflict("subnet " + subnet + " has no pool; failover needs at least one pool with a range"
                    + (sharedPools ? " (the pools next to it in its shared-network are not edited: move the ones"
                            + " for this subnet into it)" : ""));
        }
        for (Node n : loc.stmt.body()) {
            if (n instanceof Statement s && s.is("range")) {
                throw UserError.conflict("subnet " + subnet + " has a range outside any pool (" + oneLine(s)
                        + "); put it in a pool so both servers share it under failover");
            }
        }
        for (Statement pool : pools) {
            for (Node n : pool.body()) {
                if (n instanceof Statement s) {
                    if (s.is("range") && s.word(1).equals("dynamic-bootp")) {
                        throw UserError.conflict("subnet " + subnet + " has a 'range dynamic-bootp' in a pool; dhcpd"
                                + " refuses dynamic BOOTP in failover pools, so remove 'dynamic-bootp' first");
                    }
                    if (FailoverParams.isPeerReference(s) && !FailoverParams.peerName(s).equals(spec.name())) {
                        throw UserError.conflict("a pool of subnet " + subnet + " already uses failover peer \""
                                + FailoverParams.peerName(s) + "\"; a scope can be in only one relationship");
                    }
                }
            }
        }
        for (Statement pool : pools) {
            if (peerReference(pool) < 0) {
                insertFirst(pool, "failover peer \"" + spec.name() + "\";");
            }
        }
        Optional<Loc> block = findPeerBlock(spec.name());
        if (block.isPresent()) {
            rewritePeer(block.get().stmt, spec);
        }
        placePeerBeforeFirstUse(spec, block.map(b -> b.stmt).orElse(null));
    }

    /**
     * Takes {@code subnet} out of the relationship named {@code peerName}: removes the references from its
     * pools, and the peer block (with any shared-network reference to it) when no pool names it any more.
     */
    public void disableFailover(Ipv4Range subnet, String peerName) {
        ConfValues.peerName("peerName", peerName);
        Loc loc = requireSubnet(subnet);
        for (Statement pool : pools(loc.stmt)) {
            int i = peerReference(pool);
            if (i >= 0 && FailoverParams.peerName((Statement) pool.body().get(i)).equals(peerName)) {
                removeAt(pool.mutableBody(), i);
            }
        }
        removePeerIfUnreferenced(peerName);
    }

    /** Rewrites an existing peer block to match {@code spec} (statement by statement; comments stay). */
    public void updateFailoverPeer(FailoverPeerSpec spec) {
        Loc block = findPeerBlock(spec.name())
                .orElseThrow(() -> UserError.notFound("failover peer", spec.name()));
        rewritePeer(block.stmt, spec);
    }

    // ---- subnets (scope instances) ---------------------------------------------------------------------

    /** The text of a subnet declaration, its continuation lines re-indented as if it stood at column 0. */
    public Optional<String> subnetText(Ipv4Range subnet) {
        return findSubnet(conf.items(), subnet).map(loc -> {
            String indent = indentBefore(loc.body, loc.index);
            String text = loc.stmt.text();
            return indent == null || indent.isEmpty() ? text : text.replace("\n" + indent, "\n");
        });
    }

    /**
     * Adds a subnet declaration given as text (usually {@link #subnetText} from the partner), after the last
     * subnet at top level or in the named shared-network. Pools in it may name a failover peer this file
     * does not declare yet: follow with {@link #enableFailover}, which writes the block before them.
     */
    public void addSubnet(String subnetDeclaration, String sharedNetwork) {
        Statement stmt = parseOne("subnetDeclaration", subnetDeclaration);
        if (!stmt.keyword().equals("subnet") || !stmt.isBlock()) {
            throw UserError.invalid("subnetDeclaration", "must be one 'subnet ADDRESS netmask MASK { ... }' block");
        }
        Ipv4Range range = rangeOf(stmt);
        if (range == null) {
            throw UserError.invalid("subnetDeclaration", "the subnet's address and netmask are not a valid network");
        }
        DhcpdConfModel model = conf.model();
        for (DhcpdConfModel.Subnet s : model.subnets()) {
            if (s.range().overlaps(range)) {
                throw UserError.conflict("subnet " + range + " overlaps subnet " + s.range() + " (line " + s.line() + ")");
            }
        }
        if (model.disabledSubnets().stream().anyMatch(d -> d.range().equals(range))) {
            throw UserError.conflict("subnet " + range + " is here but disabled; enable it instead of adding it again");
        }
        List<Node> body;
        String indent;
        if (sharedNetwork == null) {
            body = conf.items();
            indent = "";
        } else {
            Loc net = findSharedNetwork(sharedNetwork)
                    .orElseThrow(() -> UserError.notFound("shared-network", sharedNetwork));
            body = net.stmt.mutableBody();
            indent = childIndent(net);
        }
        String text = indent.isEmpty() ? subnetDeclaration : subnetDeclaration.replace("\n", "\n" + indent);
        if (!"\n".equals(nl)) {
            text = text.replace("\r\n", "\n").replace("\n", nl);
        }
        Statement added = parseOne("subnetDeclaration", text);
        int last = -1;
        int lastStatement = -1;
        for (int i = 0; i < body.size(); i++) {
            if (body.get(i) instanceof Statement s) {
                lastStatement = i;
                if (s.is("subnet")) {
                    last = i;
                }
            }
        }
        int after = last >= 0 ? last : lastStatement;
        String gap = sharedNetwork == null ? nl + nl : nl + indent;
        if (after < 0 && sharedNetwork == null) {
            body.add(0, added);
            body.add(1, new Trivia(nl));
        } else if (after < 0) {
            body.add(0, new Trivia(nl + indent));
            body.add(1, added);
            if (body.size() == 2) {
                body.add(new Trivia(nl));
            }
        } else {
            body.add(after + 1, new Trivia(gap));
            body.add(after + 2, added);
        }
        mergeTrivia(body);
    }

    /** Removes a subnet declaration (enabled or disabled), and any peer block no pool names afterwards. */
    public void removeSubnet(Ipv4Range subnet) {
        Optional<Loc> loc = findSubnet(conf.items(), subnet);
        if (loc.isPresent()) {
            Set<String> peers = peersNamedIn(loc.get().stmt);
            removeAt(loc.get().body, loc.get().index);
            peers.forEach(this::removePeerIfUnreferenced);
            return;
        }
        DisabledBlock d = findDisabled(conf.items(), subnet)
                .orElseThrow(() -> UserError.notFound("subnet", subnet.toString()));
        String text = d.trivia.text();
        int start = text.lastIndexOf('\n', d.start - 1) + 1;
        int end = text.indexOf('\n', d.end);
        end = end < 0 ? text.length() : end + 1;
        if (start == 0 && d.index > 0) {
            // The marker shares its line with the statement before it; keep that statement's line break.
            start = d.start;
            end = d.end;
        }
        d.body.set(d.index, new Trivia(text.substring(0, start) + text.substring(end)));
        mergeTrivia(d.body);
    }

    /**
     * Comments a subnet declaration out between two marker lines, so dhcpd no longer serves it but
     * {@link #enableSubnet} can restore its exact bytes. Peer blocks no pool names afterwards are removed.
     */
    public void disableSubnet(Ipv4Range subnet) {
        Loc loc = requireSubnet(subnet);
        Set<String> peers = peersNamedIn(loc.stmt);
        String indent = indentBefore(loc.body, loc.index);
        if (indent == null) {
            indent = "";
        }
        String original = loc.stmt.text();
        String commented = DISABLED_BEGIN + subnet + " (Tandem disabled this subnet; enabling it removes one '#' per line)"
                + nl + indent + "#" + original.replace("\n", "\n#") + nl + indent + DISABLED_END + subnet;
        loc.body.set(loc.index, new Trivia(commented));
        mergeTrivia(loc.body);
        peers.forEach(this::removePeerIfUnreferenced);
    }

    /** Restores a subnet that {@link #disableSubnet} commented out, byte for byte. */
    public void enableSubnet(Ipv4Range subnet) {
        DisabledBlock d = findDisabled(conf.items(), subnet)
                .orElseThrow(() -> UserError.notFound("disabled subnet", subnet.toString()));
        String text = d.trivia.text();
        int firstLine = text.indexOf('\n', d.start);
        int hash = firstLine < 0 ? -1 : skipBlanks(text, firstLine + 1);
        int endMarker = text.indexOf(DISABLED_END + subnet, d.start);
        if (hash < 0 || hash >= text.length() || text.charAt(hash) != '#' || endMarker < 0) {
            throw UserError.conflict("the disabled block of subnet " + subnet + " was edited by hand; re-enable it by hand");
        }
        int contentEnd = text.lastIndexOf('\n', endMarker);
        if (contentEnd > 0 && text.charAt(contentEnd - 1) == '\r') {
            contentEnd--;
        }
        String original = text.substring(hash + 1, contentEnd).replace("\n#", "\n");
        Statement stmt;
        try {
            stmt = parseOne("disabled subnet", original);
        } catch (UserError e) {
            throw UserError.conflict("the disabled block of subnet " + subnet + " was edited by hand and no longer"
                    + " parses (" + e.getMessage() + "); re-enable it by hand");
        }
        if (!subnet.equals(rangeOf(stmt))) {
            throw UserError.conflict("the disabled block marked " + subnet + " holds a different subnet; re-enable it by hand");
        }
        DhcpdConfModel model = conf.model();
        for (DhcpdConfModel.Subnet s : model.subnets()) {
            if (s.range().overlaps(subnet)) {
                throw UserError.conflict("subnet " + subnet + " overlaps enabled subnet " + s.range() + " (line " + s.line() + ")");
            }
        }
        for (String peer : peersNamedIn(stmt)) {
            if (model.failoverPeer(peer).isEmpty()) {
                throw UserError.conflict("subnet " + subnet + " has pools naming failover peer \"" + peer
                        + "\", which this file no longer declares; enable failover for it again after enabling the subnet"
                        + " without the reference");
            }
        }
        int regionEnd = endMarker + (DISABLED_END + subnet).length();
        List<Node> replacement = new ArrayList<>();
        if (d.start > 0) {
            replacement.add(new Trivia(text.substring(0, d.start)));
        }
        replacement.add(stmt);
        if (regionEnd < text.length()) {
            replacement.add(new Trivia(text.substring(regionEnd)));
        }
        d.body.remove(d.index);
        d.body.addAll(d.index, replacement);
    }

    // ---- peer block ------------------------------------------------------------------------------------

    private void rewritePeer(Statement block, FailoverPeerSpec spec) {
        Map<String, String> wanted = new LinkedHashMap<>(spec.statements());
        List<Node> body = block.mutableBody();
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < body.size(); i++) {
            if (!(body.get(i) instanceof Statement s)) {
                continue;
            }
            String key = FailoverParams.key(s);
            String want = wanted.get(key);
            if (want == null || !seen.add(key)) {
                removeAt(body, i);
                i = -1; // indexes shifted; rescan (blocks are a dozen statements long)
                seen.clear();
                continue;
            }
            if (!Statement.splitWords(want, 0, want.length() - 1).equals(s.words())) {
                body.set(i, Statement.simple(want, 0, want.length()));
            }
        }
        for (Map.Entry<String, String> e : wanted.entrySet()) {
            if (!seen.contains(e.getKey())) {
                appendLast(block, e.getValue());
            }
        }
    }

    private String peerBlockText(FailoverPeerSpec spec, String indent) {
        String unit = indentUnit();
        StringBuilder sb = new StringBuilder("failover peer \"" + spec.name() + "\" {");
        for (String line : spec.statements().values()) {
            sb.append(nl).append(indent).append(unit).append(line);
        }
        return sb.append(nl).append(indent).append('}').toString();
    }

    /** Makes sure a declaration of the peer precedes the first pool naming it; writes or moves it when needed. */
    private void placePeerBeforeFirstUse(FailoverPeerSpec spec, Statement existing) {
        List<Node> top = conf.items();
        for (int t = 0; t < top.size(); t++) {
            if (top.get(t) instanceof Statement s) {
                int first = firstEvent(s, spec.name(), existing);
                if (first == 1) {
                    return; // the declaration comes first
                }
                if (first == 2) {
                    Statement moved = existing;
                    if (existing != null) {
                        Loc at = findPeerBlock(spec.name()).orElseThrow();
                        removeAt(at.body, at.index);
                        t = top.indexOf(s);
                    } else {
                        moved = parseOne("failover peer", peerBlockText(spec, ""));
                    }
                    insertBeforeParagraph(top, t, moved);
                    return;
                }
            }
        }
        throw new IllegalStateException("no pool names failover peer " + spec.name() + " after adding references");
    }

    /** 1 when the peer's declaration comes first in {@code s}, 2 when a pool naming it does, 0 when neither. */
    private static int firstEvent(Statement s, String name, Statement declaration) {
        if (s == declaration) {
            return 1;
        }
        if (s.is("pool") && peerReference(s) >= 0
                && FailoverParams.peerName((Statement) s.body().get(peerReference(s))).equals(name)) {
            return 2;
        }
        if (!(s.is("subnet") || s.is("shared-network") || s.is("group") || s.is("pool"))) {
            return 0; // pools live only in subnets and shared-networks (which may sit in groups)
        }
        for (Node n : s.body()) {
            if (n instanceof Statement c) {
                int e = firstEvent(c, name, declaration);
                if (e != 0) {
                    return e;
                }
            }
        }
        return 0;
    }

    private void removePeerIfUnreferenced(String name) {
        if (anyPoolNames(conf.items(), name)) {
            return;
        }
        Optional<Loc> block;
        while ((block = findPeerBlock(name)).isPresent()) {
            removeAt(block.get().body, block.get().index);
        }
        // A shared-network-level reference to a peer that is no longer declared would stop dhcpd.
        for (Statement net : conf.statements()) {
            if (net.is("shared-network")) {
                List<Node> body = net.mutableBody();
                for (int i = body.size() - 1; i >= 0; i--) {
                    if (body.get(i) instanceof Statement s && FailoverParams.isPeerReference(s)
                            && FailoverParams.peerName(s).equals(name)) {
                        removeAt(body, i);
                    }
                }
            }
        }
    }

    private static boolean anyPoolNames(List<Node> body, String name) {
        for (Node n : body) {
            if (n instanceof Statement s && s.isBlock()) {
                if (s.is("pool")) {
                    int i = peerReference(s);
                    if (i >= 0 && FailoverParams.peerName((Statement) s.body().get(i)).equals(name)) {
                        return true;
                    }
                } else if ((s.is("subnet") || s.is("shared-network") || s.is("group")) && anyPoolNames(s.body(), name)) {
                    return true;
                }
            }
        }
        return false;
    }

    // ---- pools and hosts of a subnet (Tandem's address pools and reservations) --------------------------

    /**
     * Adds {@code pool { [failover peer "PEER";] range FIRST LAST; }} as the subnet's last statement. A range
     * inside the subnet that overlaps one already there is refused: dhcpd would serve the addresses twice.
     */
    public void addPool(Ipv4Range subnet, Ipv4Range range, String peer) {
        Loc loc = requireSubnet(subnet);
        if (!subnet.contains(range)) {
            throw UserError.conflict("pool " + range.first() + "-" + range.last() + " is outside subnet " + subnet);
        }
        DhcpdConfModel.Subnet declared = conf.model().subnet(subnet).orElseThrow();
        List<DhcpdConfModel.Range> ranges = new ArrayList<>(declared.ranges());
        declared.pools().forEach(p -> ranges.addAll(p.ranges()));
        for (DhcpdConfModel.Range r : ranges) {
            if (r.range().overlaps(range)) {
                throw UserError.conflict("pool " + range.first() + "-" + range.last() + " overlaps the range " + r.range().first() + "-"
                        + r.range().last() + " (line " + r.line() + ") of subnet " + subnet + " on the server");
            }
        }
        List<String> lines = new ArrayList<>();
        if (peer != null) {
            lines.add("failover peer \"" + ConfValues.peerName("peer", peer) + "\";");
        }
        lines.add("range " + range.first() + " " + range.last() + ";");
        appendBlock(loc, "pool", lines);
    }

    /**
     * Removes the range {@code range} of a subnet: its whole pool when that is the pool's only range (then any
     * peer block no pool names any more), else the range statement alone. Answers whether anything was there.
     */
    public boolean removePool(Ipv4Range subnet, Ipv4Range range) {
        Loc loc = requireSubnet(subnet);
        List<Node> body = loc.stmt.mutableBody();
        for (int i = 0; i < body.size(); i++) {
            if (!(body.get(i) instanceof Statement s)) {
                continue;
            }
            if (s.is("range") && range.equals(rangeOfRange(s))) {
                removeAt(body, i);
                return true;
            }
            if (s.isBlock() && s.is("pool")) {
                List<Node> inner = s.mutableBody();
                List<Integer> rangesAt = new ArrayList<>();
                int match = -1;
                for (int j = 0; j < inner.size(); j++) {
                    if (inner.get(j) instanceof Statement r && r.is("range")) {
                        rangesAt.add(j);
                        if (range.equals(rangeOfRange(r))) {
                            match = j;
                        }
                    }
                }
                if (match < 0) {
                    continue;
                }
                if (rangesAt.size() > 1) {
                    removeAt(inner, match);
                    return true;
                }
                int ref = peerReference(s);
                String peer = ref < 0 ? null : FailoverParams.peerName((Statement) inner.get(ref));
                removeAt(body, i);
                if (peer != null) {
                    removePeerIfUnreferenced(peer);
                }
                return true;
            }
        }
        return false;
    }

    /** Whether {@code name} can name a {@code host} here: 1 to 63 letters, digits, '_', '.' or '-', not starting with '.' or '-'. */
    public static boolean isHostName(String name) {
        return name.matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}");
    }

    /**
     * The host statements Tandem writes for Micetro's reservation fields ddnsHostName, filename, serverName and
     * nextServer, in that order.
     */
    public static final List<String> HOST_PARAMETERS = List.of("ddns-hostname", "filename", "server-name", "next-server");

    /** Adds {@code host NAME { hardware ethernet MAC; fixed-address ADDRESS; }} as the subnet's last statement. */
    public void addHost(Ipv4Range subnet, String name, String mac, Ipv4Address address) {
        addHost(subnet, name, mac, address, Map.of());
    }

    /**
     * Adds {@code host NAME { hardware ethernet MAC; fixed-address ADDRESS; PARAMETER VALUE; ... }} as the subnet's last
     * statement; {@code parameters} maps keywords of {@link #HOST_PARAMETERS} to values (null values are left out).
     */
    public void addHost(Ipv4Range subnet, String name, String mac, Ipv4Address address, Map<String, String> parameters) {
        Loc loc = requireSubnet(subnet);
        if (!isHostName(name)) {
            throw UserError.invalid("name", "\"" + name + "\" cannot name a dhcpd host: use 1 to 63 letters, digits, '_', '.' or '-'");
        }
        if (!mac.matches("[0-9a-f]{2}(:[0-9a-f]{2}){5}")) {
            throw UserError.invalid("hardwareAddress", "\"" + mac + "\" is not a MAC address like 00:11:22:33:44:55");
        }
        for (DhcpdConfModel.Host h : conf.model().hosts()) {
            if (h.name().equals(name)) {
                throw UserError.conflict("A host named \"" + name + "\" already exists on the server (line " + h.line() + ")");
            }
        }
        List<String> lines = new ArrayList<>(List.of("hardware ethernet " + mac + ";", "fixed-address " + address + ";"));
        for (String keyword : HOST_PARAMETERS) {
            if (parameters.get(keyword) != null) {
                lines.add(ConfValues.hostParameter(keyword, keyword, parameters.get(keyword)));
            }
        }
        appendBlock(loc, "host " + name, lines);
    }

    /**
     * Edits in place the host declaration (anywhere in the file) with hardware address {@code mac} and the one fixed
     * address {@code address}: its name, MAC and address when given (null keeps them), and each keyword of
     * {@code parameters} (from {@link #HOST_PARAMETERS}) set to its value or, when the value is null, removed. Every other
     * statement and comment of the host stays as it is. Answers whether the host was found.
     */
    public boolean modifyHost(String mac, Ipv4Address address, String newName, String newMac, Ipv4Address newAddress,
            Map<String, String> parameters) {
        Optional<Loc> found = findHost(conf.items(), mac, address.toString());
        if (found.isEmpty()) {
            return false;
        }
        Loc loc = found.get();
        Statement host = loc.stmt;
        if (newMac != null && !newMac.matches("[0-9a-f]{2}(:[0-9a-f]{2}){5}")) {
            throw UserError.invalid("hardwareAddress", "\"" + newMac + "\" is not a MAC address like 00:11:22:33:44:55");
        }
        Map<String, String> wanted = new LinkedHashMap<>();
        if (newMac != null) {
            wanted.put("hardware", "hardware ethernet " + newMac + ";");
        }
        if (newAddress != null) {
            wanted.put("fixed-address", "fixed-address " + newAddress + ";");
        }
        for (Map.Entry<String, String> e : parameters.entrySet()) {
            wanted.put(e.getKey(), e.getValue() == null ? null : ConfValues.hostParameter(e.getKey(), e.getKey(), e.getValue()));
        }
        List<Node> body = host.mutableBody();
        Set<String> done = new LinkedHashSet<>();
        for (int i = 0; i < body.size(); i++) {
            if (!(body.get(i) instanceof Statement st) || !wanted.containsKey(st.keyword())) {
                continue;
            }
            String want = wanted.get(st.keyword());
            if (want == null || !done.add(st.keyword())) {
                removeAt(body, i);
                i = -1; // indexes shifted; rescan (a host is a few statements long)
                done.clear();
                continue;
            }
            if (!Statement.splitWords(want, 0, want.length() - 1).equals(st.words())) {
                body.set(i, Statement.simple(want, 0, want.length()));
            }
        }
        for (Map.Entry<String, String> e : wanted.entrySet()) {
            if (e.getValue() != null && !done.contains(e.getKey())) {
                appendLast(host, e.getValue());
            }
        }
        String oldName = host.words().size() > 1 ? ConfValues.unquote(host.words().get(1)) : "";
        if (newName != null && !newName.equals(oldName)) {
            if (!isHostName(newName)) {
                throw UserError.invalid("name", "\"" + newName + "\" cannot name a dhcpd host: use 1 to 63 letters, digits, '_', '.' or '-'");
            }
            for (DhcpdConfModel.Host h : conf.model().hosts()) {
                if (h.name().equals(newName)) {
                    throw UserError.conflict("A host named \"" + newName + "\" already exists on the server (line " + h.line() + ")");
                }
            }
            String text = host.text();
            loc.body.set(loc.index, parseOne("name", "host " + newName + " " + text.substring(text.indexOf('{'))));
        }
        return true;
    }

    /** Whether the host declaration has this hardware address (any case, ':' or '-') and exactly this one fixed address. */
    private static boolean isHost(Statement host, String mac, String address) {
        String hw = null;
        List<String> fixed = new ArrayList<>();
        for (Node n : host.body()) {
            if (n instanceof Statement c && c.is("hardware") && c.words().size() >= 3) {
                hw = c.words().get(2).toLowerCase(java.util.Locale.ROOT).replace('-', ':');
            } else if (n instanceof Statement c && c.is("fixed-address")) {
                c.words().stream().skip(1).filter(w -> !w.equals(",")).forEach(fixed::add);
            }
        }
        return mac.equals(hw) && fixed.equals(List.of(address));
    }

    private static Optional<Loc> findHost(List<Node> body, String mac, String address) {
        for (int i = 0; i < body.size(); i++) {
            if (!(body.get(i) instanceof Statement s) || !s.isBlock()) {
                continue;
            }
            if (s.is("host")) {
                if (isHost(s, mac, address)) {
                    return Optional.of(new Loc(body, i, s));
                }
            } else if (s.is("subnet") || s.is("shared-network") || s.is("group")) {
                Optional<Loc> inner = findHost(s.mutableBody(), mac, address);
                if (inner.isPresent()) {
                    return inner;
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Removes the host declarations (anywhere in the file) with this hardware address and this one fixed address;
     * answers whether there was one.
     */
    public boolean removeHost(String mac, Ipv4Address address) {
        return removeHosts(conf.items(), mac, address.toString());
    }

    private static boolean removeHosts(List<Node> body, String mac, String address) {
        boolean removed = false;
        for (int i = body.size() - 1; i >= 0; i--) {
            if (!(body.get(i) instanceof Statement s) || !s.isBlock()) {
                continue;
            }
            if (s.is("host")) {
                if (isHost(s, mac, address)) {
                    removeAt(body, i);
                    removed = true;
                }
            } else if (s.is("subnet") || s.is("shared-network") || s.is("group")) {
                removed |= removeHosts(s.mutableBody(), mac, address);
            }
        }
        return removed;
    }

    // ---- options of a subnet (a scope's DHCP options) ---------------------------------------------------

    /** One {@code option NAME VALUE;} statement of a subnet itself: the name in lower case and the value's text as written. */
    public record OptionStatement(String name, String value) {
    }

    private static final java.util.regex.Pattern OPTION_NAME = java.util.regex.Pattern.compile("[a-z][a-z0-9-]*(\\.[a-z0-9][a-z0-9-]*)?");

    /**
     * The subnet's own option statements in order (not its pools' or hosts', not option definitions
     * {@code option NAME code N = TYPE;}), each value as the file writes it.
     */
    public List<OptionStatement> subnetOptions(Ipv4Range subnet) {
        List<OptionStatement> out = new ArrayList<>();
        for (Node n : requireSubnet(subnet).stmt.body()) {
            if (n instanceof Statement s && isOptionSetting(s)) {
                out.add(new OptionStatement(s.word(1), optionValueText(s)));
            }
        }
        return out;
    }

    /**
     * Sets the subnet's option {@code name} to {@code valueText} (dhcpd syntax, made by the caller from a checked
     * value): the statement already there is replaced where it stands (a second one for the same option goes), else
     * the new one follows the subnet's last option statement, or opens the subnet. Every other statement stays.
     * Refused when the text would be anything but one {@code option NAME ...;} statement.
     */
    public void setSubnetOption(Ipv4Range subnet, String name, String valueText) {
        if (!OPTION_NAME.matcher(name).matches()) {
            throw UserError.invalid("option", "\"" + name + "\" is not a dhcpd option name");
        }
        Statement added = parseOne("value", "option " + name + " " + valueText + ";");
        if (added.isBlock() || !added.is("option") || !added.word(1).equals(name) || !isOptionSetting(added)) {
            throw UserError.invalid("value", "must be the value of option " + name + " alone");
        }
        Loc loc = requireSubnet(subnet);
        List<Node> body = loc.stmt.mutableBody();
        int lastOption = -1;
        List<Integer> same = new ArrayList<>();
        for (int i = 0; i < body.size(); i++) {
            if (body.get(i) instanceof Statement s && isOptionSetting(s)) {
                lastOption = i;
                if (s.word(1).equals(name)) {
                    same.add(i);
                }
            }
        }
        if (!same.isEmpty()) {
            body.set(same.get(0), added);
            // From the end, so the indices before each removal stay where they were.
            for (int k = same.size() - 1; k > 0; k--) {
                removeAt(body, same.get(k));
            }
            return;
        }
        if (lastOption < 0) {
            insertFirst(loc.stmt, added.text());
            return;
        }
        String ind = indentBefore(body, lastOption);
        body.add(lastOption + 1, new Trivia(ind == null ? " " : nl + ind));
        body.add(lastOption + 2, added);
        mergeTrivia(body);
    }

    /** Removes the subnet's own statements setting option {@code name}; answers whether there was one. */
    public boolean removeSubnetOption(Ipv4Range subnet, String name) {
        List<Node> body = requireSubnet(subnet).stmt.mutableBody();
        boolean removed = false;
        for (int i = body.size() - 1; i >= 0; i--) {
            if (body.get(i) instanceof Statement s && isOptionSetting(s) && s.word(1).equals(name.toLowerCase(java.util.Locale.ROOT))) {
                removeAt(body, i);
                removed = true;
            }
        }
        return removed;
    }

    /** {@code option NAME VALUE;}: not a definition ({@code option NAME code N = ...;}) nor {@code option space NAME;}. */
    private static boolean isOptionSetting(Statement s) {
        return !s.isBlock() && s.is("option") && s.words().size() >= 2 && !s.word(1).equals("space")
                && !(s.words().size() > 2 && s.word(2).equals("code"));
    }

    /** The text after the option's name, without the closing ';' and surrounding blanks. */
    private static String optionValueText(Statement s) {
        String t = s.text();
        int at = t.indexOf(s.words().get(1), "option".length()) + s.words().get(1).length();
        String rest = t.substring(at);
        int semi = rest.lastIndexOf(';');
        return (semi < 0 ? rest : rest.substring(0, semi)).strip();
    }

    /** {@code range [dynamic-bootp] LOW [HIGH];} as a range, or null when it is not one. */
    private static Ipv4Range rangeOfRange(Statement s) {
        List<String> w = new ArrayList<>(s.words());
        if (w.size() > 1 && w.get(1).equalsIgnoreCase("dynamic-bootp")) {
            w.remove(1);
        }
        if (w.size() < 2 || w.size() > 3 || !Ipv4Address.isValid(w.get(1)) || !Ipv4Address.isValid(w.get(w.size() - 1))) {
            return null;
        }
        return new Ipv4Range(Ipv4Address.parse("range", w.get(1)), Ipv4Address.parse("range", w.get(w.size() - 1)));
    }

    /** Appends {@code HEAD { LINES }} after the block's last statement, indented like the block's statements. */
    private void appendBlock(Loc block, String head, List<String> lines) {
        List<Node> body = block.stmt.mutableBody();
        int last = -1;
        for (int i = 0; i < body.size(); i++) {
            if (body.get(i) instanceof Statement) {
                last = i;
            }
        }
        String indent = last >= 0 ? indentBefore(body, last) : null;
        if (indent == null) {
            indent = childIndent(block);
        }
        StringBuilder text = new StringBuilder(head).append(" {");
        for (String line : lines) {
            text.append(nl).append(indent).append(indentUnit()).append(line);
        }
        Statement added = parseOne(head, text.append(nl).append(indent).append('}').toString());
        if (last >= 0) {
            body.add(last + 1, new Trivia(nl + indent));
            body.add(last + 2, added);
        } else {
            body.add(0, new Trivia(nl + indent));
            body.add(1, added);
            if (body.size() == 2) {
                body.add(new Trivia(nl));
            }
        }
        mergeTrivia(body);
    }

    // ---- finding ---------------------------------------------------------------------------------------

    /** A statement and where it sits: the body list holding it and its index there. */
    private record Loc(List<Node> body, int index, Statement stmt) {
    }

    private record DisabledBlock(List<Node> body, int index, Trivia trivia, int start, int end) {
    }

    private Loc requireSubnet(Ipv4Range subnet) {
        return findSubnet(conf.items(), subnet).orElseThrow(() -> UserError.notFound("subnet", subnet.toString()));
    }

    private static Optional<Loc> findSubnet(List<Node> body, Ipv4Range range) {
        String network = range.first().toString();
        for (int i = 0; i < body.size(); i++) {
            if (body.get(i) instanceof Statement s && s.isBlock()) {
                if (s.is("subnet")) {
                    if (s.mayHaveSecondWord(network) && range.equals(rangeOf(s))) {
                        return Optional.of(new Loc(body, i, s));
                    }
                } else if (s.is("shared-network") || s.is("group")) {
                    Optional<Loc> inner = findSubnet(s.mutableBody(), range);
                    if (inner.isPresent()) {
                        return inner;
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<DisabledBlock> findDisabled(List<Node> body, Ipv4Range range) {
        String marker = DISABLED_BEGIN + range;
        for (int i = 0; i < body.size(); i++) {
            Node n = body.get(i);
            if (n instanceof Trivia t) {
                String text = t.text();
                int at = text.indexOf(marker);
                while (at >= 0) {
                    int after = at + marker.length();
                    if (after == text.length() || DhcpdConfParser.isSpace(text.charAt(after))) {
                        int end = text.indexOf(DISABLED_END + range, after);
                        int stop = end < 0 ? after : end + (DISABLED_END + range).length();
                        return Optional.of(new DisabledBlock(body, i, t, at, stop));
                    }
                    at = text.indexOf(marker, after);
                }
            } else if (n instanceof Statement s && (s.is("shared-network") || s.is("group"))) {
                Optional<DisabledBlock> inner = findDisabled(s.mutableBody(), range);
                if (inner.isPresent()) {
                    return inner;
                }
            }
        }
        return Optional.empty();
    }

    private Optional<Loc> findSharedNetwork(String name) {
        List<Node> top = conf.items();
        for (int i = 0; i < top.size(); i++) {
            if (top.get(i) instanceof Statement s && s.is("shared-network") && s.words().size() > 1
                    && ConfValues.unquote(s.words().get(1)).equals(name)) {
                return Optional.of(new Loc(top, i, s));
            }
        }
        return Optional.empty();
    }

    private Optional<Loc> findPeerBlock(String name) {
        List<Node> top = conf.items();
        for (int i = 0; i < top.size(); i++) {
            if (top.get(i) instanceof Statement s) {
                if (s.is("failover") && FailoverParams.isPeerDeclaration(s) && FailoverParams.peerName(s).equals(name)) {
                    return Optional.of(new Loc(top, i, s));
                }
                if (s.is("shared-network")) {
                    List<Node> body = s.mutableBody();
                    for (int j = 0; j < body.size(); j++) {
                        if (body.get(j) instanceof Statement p && p.is("failover") && FailoverParams.isPeerDeclaration(p)
                                && FailoverParams.peerName(p).equals(name)) {
                            return Optional.of(new Loc(body, j, p));
                        }
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static List<Statement> pools(Statement subnet) {
        List<Statement> out = new ArrayList<>();
        for (Node n : subnet.body()) {
            if (n instanceof Statement s && s.isBlock() && s.is("pool")) {
                out.add(s);
            }
        }
        return out;
    }

    /** The index of the pool's {@code failover peer "X";} in its body, or -1. */
    private static int peerReference(Statement pool) {
        List<Node> body = pool.body();
        for (int i = 0; i < body.size(); i++) {
            if (body.get(i) instanceof Statement s && s.is("failover") && FailoverParams.isPeerReference(s)) {
                return i;
            }
        }
        return -1;
    }

    private static Set<String> peersNamedIn(Statement subnet) {
        Set<String> out = new LinkedHashSet<>();
        for (Statement pool : pools(subnet)) {
            int i = peerReference(pool);
            if (i >= 0) {
                out.add(FailoverParams.peerName((Statement) pool.body().get(i)));
            }
        }
        return out;
    }

    static Ipv4Range rangeOf(Statement subnet) {
        List<String> w = subnet.words();
        if (w.size() != 4 || !Ipv4Address.isValid(w.get(1)) || !Ipv4Address.isValid(w.get(3))) {
            return null;
        }
        Ipv4Address network = Ipv4Address.parse("subnet", w.get(1));
        int prefix = ModelBuilder.prefixOfMask(Ipv4Address.parse("netmask", w.get(3)));
        if (prefix < 0) {
            return null;
        }
        Ipv4Range r = Ipv4Range.ofPrefix(network, prefix);
        return r.first().equals(network) ? r : null;
    }

    // ---- splicing --------------------------------------------------------------------------------------

    private static Statement parseOne(String field, String text) {
        List<Node> nodes;
        try {
            nodes = DhcpdConfParser.parseNodes(text);
        } catch (DhcpdConfParseException e) {
            throw UserError.invalid(field, e.getMessage());
        }
        if (nodes.size() != 1 || !(nodes.get(0) instanceof Statement s)) {
            throw UserError.invalid(field, "must be exactly one statement, without comments or blank lines around it");
        }
        return s;
    }

    /** Leading whitespace of the line a statement starts on, or null when something precedes it on that line. */
    private static String indentBefore(List<Node> body, int index) {
        if (index == 0 || !(body.get(index - 1) instanceof Trivia t)) {
            return index == 0 ? "" : null;
        }
        String text = t.text();
        int nl = text.lastIndexOf('\n');
        String tail = nl < 0 ? text : text.substring(nl + 1);
        if (nl < 0 && index > 1) {
            return null;
        }
        return tail.isBlank() ? tail : null;
    }

    /** The indentation of the block's statements, or the block's own plus one unit when it has none on lines. */
    private String childIndent(Loc block) {
        List<Node> body = block.stmt.body();
        for (int i = 0; i < body.size(); i++) {
            if (body.get(i) instanceof Statement && i > 0) {
                String ind = indentBefore(body, i);
                if (ind != null && body.get(i - 1) instanceof Trivia t && t.text().indexOf('\n') >= 0) {
                    return ind;
                }
            }
        }
        String own = indentBefore(block.body, block.index);
        return (own == null ? "" : own) + indentUnit();
    }

    /** The file's indentation step, taken from the first top-level block with an indented child; else two spaces. */
    private String indentUnit() {
        for (Statement s : conf.statements()) {
            List<Node> body = s.body();
            for (int i = 1; i < body.size(); i++) {
                if (body.get(i) instanceof Statement && body.get(i - 1) instanceof Trivia t && t.text().indexOf('\n') >= 0) {
                    String ind = indentBefore(body, i);
                    if (ind != null && !ind.isEmpty()) {
                        return ind;
                    }
                }
            }
        }
        return "  ";
    }

    /** Inserts a simple statement as the block's first statement, on its own line when the block's statements are. */
    private void insertFirst(Statement block, String text) {
        List<Node> body = block.mutableBody();
        Statement added = Statement.simple(text, 0, text.length());
        if (!body.isEmpty() && body.get(0) instanceof Trivia lead) {
            // Right after the '{' line, above any comment that introduces the block's first statement.
            String t = lead.text();
            int first = t.indexOf('\n');
            int last = t.lastIndexOf('\n');
            if (first >= 0) {
                String indent = t.substring(last + 1);
                body.set(0, new Trivia(t.substring(0, first + 1) + indent));
                body.add(1, added);
                body.add(2, new Trivia(this.nl + t.substring(first + 1)));
            } else {
                body.add(1, added);
                body.add(2, new Trivia(" "));
            }
        } else {
            body.add(0, new Trivia(" "));
            body.add(1, added);
        }
        mergeTrivia(body);
    }

    /** Appends a simple statement after the block's last statement, indented like it. */
    private void appendLast(Statement block, String text) {
        List<Node> body = block.mutableBody();
        Statement added = Statement.simple(text, 0, text.length());
        int last = -1;
        for (int i = 0; i < body.size(); i++) {
            if (body.get(i) instanceof Statement) {
                last = i;
            }
        }
        if (last >= 0) {
            String ind = indentBefore(body, last);
            int at = last + 1;
            // A comment on the last statement's own line stays on that line, above the statement added.
            if (at < body.size() && body.get(at) instanceof Trivia t) {
                int lineEnd = t.text().indexOf('\n');
                String sameLine = lineEnd < 0 ? t.text() : t.text().substring(0, lineEnd);
                if (sameLine.contains("#") && lineEnd > 0) {
                    body.set(at, new Trivia(t.text().substring(0, lineEnd)));
                    body.add(at + 1, new Trivia(t.text().substring(lineEnd)));
                    at++;
                }
            }
            body.add(at, new Trivia(ind == null ? " " : nl + ind));
            body.add(at + 1, added);
        } else {
            body.add(0, new Trivia(nl + indentUnit()));
            body.add(1, added);
            if (body.size() == 2) {
                body.add(new Trivia(nl));
            }
        }
        mergeTrivia(body);
    }

    /**
     * Inserts a top-level statement before {@code body[index]}, above the comment lines that directly
     * precede that statement (they describe it), with a blank line after it.
     */
    private void insertBeforeParagraph(List<Node> body, int index, Statement added) {
        if (index == 0 || !(body.get(index - 1) instanceof Trivia t)) {
            body.add(index, added);
            body.add(index + 1, new Trivia(nl + nl));
            mergeTrivia(body);
            return;
        }
        String text = t.text();
        boolean atFileStart = index - 1 == 0;
        int p = text.lastIndexOf('\n') + 1;
        if (p > 0 || atFileStart) {
            while (p > 0) {
                int prevStart = text.lastIndexOf('\n', p - 2) + 1;
                boolean realLineStart = prevStart > 0 || atFileStart;
                if (!realLineStart || !text.substring(prevStart, p - 1).strip().startsWith("#")) {
                    break;
                }
                p = prevStart;
            }
        } else {
            p = text.length();
        }
        String before = text.substring(0, p);
        String after = text.substring(p);
        String indent = after.substring(0, skipBlanks(after, 0));
        body.remove(index - 1);
        List<Node> nodes = new ArrayList<>();
        nodes.add(new Trivia(before + indent));
        nodes.add(added);
        nodes.add(new Trivia(nl + nl + after));
        body.addAll(index - 1, nodes);
        mergeTrivia(body);
    }

    /**
     * Removes {@code body[index]} with its line: the line break and indentation before it, a comment after
     * it on the same line, and one of two blank lines that would otherwise meet.
     */
    private static void removeAt(List<Node> body, int index) {
        String prev = index > 0 && body.get(index - 1) instanceof Trivia p ? p.text() : null;
        String next = index + 1 < body.size() && body.get(index + 1) instanceof Trivia q ? q.text() : null;
        if (next != null) {
            int j = skipBlanks(next, 0);
            if (j < next.length() && next.charAt(j) == '#') {
                int e = next.indexOf('\n', j);
                next = e < 0 ? "" : next.substring(e > 0 && next.charAt(e - 1) == '\r' ? e - 1 : e);
            }
        }
        boolean cutLine = false;
        if (prev != null) {
            int nl = prev.lastIndexOf('\n');
            if (nl >= 0 && prev.substring(nl + 1).isBlank()) {
                prev = prev.substring(0, nl > 0 && prev.charAt(nl - 1) == '\r' ? nl - 1 : nl);
                cutLine = true;
            } else {
                prev = prev.substring(0, prev.length() - trailingBlanks(prev));
            }
        }
        if (next != null) {
            int first = lineBreakEnd(next, 0);
            if (!cutLine && (prev == null || prev.isEmpty()) && first > 0) {
                next = next.substring(first);
            } else if (cutLine && prev.endsWith("\n") && first > 0
                    && (lineBreakEnd(next, first) > 0 || index + 2 >= body.size())) {
                next = next.substring(first);
            }
        }
        int from = prev != null ? index - 1 : index;
        int to = next != null ? index + 1 : index;
        for (int i = to; i >= from; i--) {
            body.remove(i);
        }
        List<Node> nodes = new ArrayList<>();
        if (prev != null && !prev.isEmpty()) {
            nodes.add(new Trivia(prev));
        }
        if (next != null && !next.isEmpty()) {
            nodes.add(new Trivia(next));
        }
        body.addAll(from, nodes);
        mergeTrivia(body);
    }

    /** The index after "[ \t]*\r?\n" at {@code i}, or -1 when the text there is not a (blank) line end. */
    private static int lineBreakEnd(String s, int i) {
        int j = skipBlanks(s, i);
        if (j < s.length() && s.charAt(j) == '\r') {
            j++;
        }
        return j < s.length() && s.charAt(j) == '\n' ? j + 1 : -1;
    }

    private static int trailingBlanks(String s) {
        int n = 0;
        while (n < s.length() && (s.charAt(s.length() - 1 - n) == ' ' || s.charAt(s.length() - 1 - n) == '\t')) {
            n++;
        }
        return n;
    }

    private static int skipBlanks(String s, int i) {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    private static void mergeTrivia(List<Node> body) {
        for (int i = body.size() - 1; i > 0; i--) {
            if (body.get(i) instanceof Trivia b && body.get(i - 1) instanceof Trivia a) {
                body.set(i - 1, new Trivia(a.text() + b.text()));
                body.remove(i);
            } else if (body.get(i) instanceof Trivia t && t.length() == 0) {
                body.remove(i);
            }
        }
        if (!body.isEmpty() && body.get(0) instanceof Trivia t && t.length() == 0) {
            body.remove(0);
        }
    }

    private static String oneLine(Statement s) {
        String t = s.text().replaceAll("\\s+", " ");
        return t.length() > 60 ? t.substring(0, 57) + "..." : t;
    }
}
