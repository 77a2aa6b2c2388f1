package org.tandem.dhcpd.conf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tandem.dhcpd.conf.DhcpdConfModel.DisabledSubnet;
import org.tandem.dhcpd.conf.DhcpdConfModel.FailoverPeer;
import org.tandem.dhcpd.conf.DhcpdConfModel.Host;
import org.tandem.dhcpd.conf.DhcpdConfModel.Include;
import org.tandem.dhcpd.conf.DhcpdConfModel.Pool;
import org.tandem.dhcpd.conf.DhcpdConfModel.Range;
import org.tandem.dhcpd.conf.DhcpdConfModel.Role;
import org.tandem.dhcpd.conf.DhcpdConfModel.SharedNetwork;
import org.tandem.dhcpd.conf.DhcpdConfModel.Subnet;
import org.tandem.common.UserError;
import org.tandem.net.Ipv4Address;
import org.tandem.net.Ipv4Range;

/** Walks a parsed tree once and collects the {@link DhcpdConfModel}; bad values are parse errors at their line. */
final class ModelBuilder {

    private final String text;
    private final int[] lineStarts;
    private int offset;
    private final List<Subnet> subnets = new ArrayList<>();
    private final List<SharedNetwork> sharedNetworks = new ArrayList<>();
    private final List<Host> hosts = new ArrayList<>();
    private final List<FailoverPeer> peers = new ArrayList<>();
    private final List<Include> includes = new ArrayList<>();
    private final List<DisabledSubnet> disabled = new ArrayList<>();

    private ModelBuilder(String text) {
        this.text = text;
        int[] starts = new int[1024];
        int count = 1;
        for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
            if (count == starts.length) {
                starts = Arrays.copyOf(starts, count * 2);
            }
            starts[count++] = i + 1;
        }
        this.lineStarts = Arrays.copyOf(starts, count);
    }

    static DhcpdConfModel build(DhcpdConf conf) {
        ModelBuilder b = new ModelBuilder(conf.render());
        b.walk(conf.items(), null, null, null);
        return new DhcpdConfModel(List.copyOf(b.subnets), List.copyOf(b.sharedNetworks), List.copyOf(b.hosts),
                List.copyOf(b.peers), List.copyOf(b.includes), List.copyOf(b.disabled));
    }

    /** Collected children of the subnet or shared-network being walked. */
    private static final class Scope {
        final List<Pool> pools = new ArrayList<>();
        final List<Range> ranges = new ArrayList<>();
        final List<Host> hosts = new ArrayList<>();
        final List<Ipv4Range> subnets = new ArrayList<>();
        String failoverPeer;
    }

    private void walk(List<Node> nodes, Scope scope, String sharedNetwork, PoolCollector pool) {
        for (Node node : nodes) {
            if (node instanceof Trivia t) {
                if (t.hasComment(DhcpdConfEditor.DISABLED_BEGIN)) {
                    findDisabled(t.text(), offset);
                }
                offset += t.length();
            } else {
                statement((Statement) node, scope, sharedNetwork, pool);
            }
        }
    }

    private void statement(Statement s, Scope scope, String sharedNetwork, PoolCollector pool) {
        int start = offset;
        int line = lineOf(start);
        offset += s.headLength();
        String kw = kind(s);
        switch (kw) {
            case "subnet" -> {
                Scope inner = new Scope();
                Ipv4Range range = subnetRange(s, start);
                walk(s.body(), inner, sharedNetwork, null);
                subnets.add(new Subnet(range, sharedNetwork, List.copyOf(inner.pools), List.copyOf(inner.ranges),
                        List.copyOf(inner.hosts), line));
                if (scope != null) {
                    scope.subnets.add(range);
                }
            }
            case "shared-network" -> {
                Scope inner = new Scope();
                String name = s.words().size() > 1 ? ConfValues.unquote(s.words().get(1)) : "";
                walk(s.body(), inner, name, null);
                sharedNetworks.add(new SharedNetwork(name, List.copyOf(inner.subnets), List.copyOf(inner.pools),
                        inner.failoverPeer, line));
            }
            case "pool" -> {
                PoolCollector inner = new PoolCollector();
                walk(s.body(), scope, sharedNetwork, inner);
                if (scope != null && s.isBlock()) {
                    scope.pools.add(new Pool(inner.failoverPeer, List.copyOf(inner.ranges), line));
                }
            }
            case "range" -> {
                if (!s.isBlock()) {
                    Range r = range(s, start, line);
                    if (pool != null) {
                        pool.ranges.add(r);
                    } else if (scope != null) {
                        scope.ranges.add(r);
                    }
                }
            }
            case "host" -> {
                walk(s.body(), null, sharedNetwork, null);
                Host h = host(s, line);
                hosts.add(h);
                if (scope != null) {
                    scope.hosts.add(h);
                }
            }
            case "include" -> {
                if (s.words().size() >= 2) {
                    includes.add(new Include(ConfValues.unquote(s.words().get(1)), line));
                }
            }
            case "failover" -> {
                if (FailoverParams.isPeerDeclaration(s)) {
                    peers.add(peer(s, sharedNetwork, line));
                } else if (FailoverParams.isPeerReference(s)) {
                    if (pool != null) {
                        pool.failoverPeer = FailoverParams.peerName(s);
                    } else if (scope != null) {
                        scope.failoverPeer = FailoverParams.peerName(s);
                    }
                }
                walk(s.body(), scope, sharedNetwork, pool);
            }
            default -> {
                if (s.isBlock()) {
                    walk(s.body(), scope, sharedNetwork, pool);
                }
            }
        }
        offset += s.closeLength();
    }

    private static final String[] KINDS = {"subnet", "shared-network", "pool", "range", "host", "include", "failover"};

    /** The statement's keyword when the model cares about it, else "" (without splitting its words). */
    private static String kind(Statement s) {
        for (String k : KINDS) {
            if (s.is(k)) {
                return k;
            }
        }
        return "";
    }

    private static final class PoolCollector {
        final List<Range> ranges = new ArrayList<>();
        String failoverPeer;
    }

    private Ipv4Range subnetRange(Statement s, int start) {
        List<String> w = s.words();
        if (w.size() != 4 || !w.get(2).equalsIgnoreCase("netmask")) {
            throw error(start, "expected 'subnet ADDRESS netmask MASK {'");
        }
        try {
            Ipv4Address network = Ipv4Address.parse("subnet address", w.get(1));
            int prefix = prefixOfMask(Ipv4Address.parse("netmask", w.get(3)));
            if (prefix < 0) {
                throw error(start, "netmask " + w.get(3) + " is not a contiguous mask like 255.255.255.0");
            }
            Ipv4Range range = Ipv4Range.ofPrefix(network, prefix);
            if (!range.first().equals(network)) {
                throw error(start, "subnet " + w.get(1) + " netmask " + w.get(3) + " has host bits set; the network is "
                        + range.first());
            }
            return range;
        } catch (DhcpdConfParseException e) {
            throw e;
        } catch (UserError e) {
            throw error(start, e.getMessage());
        }
    }

    static int prefixOfMask(Ipv4Address mask) {
        long inverted = ~mask.value() & Ipv4Address.MAX;
        if ((inverted & (inverted + 1)) != 0) {
            return -1;
        }
        return 32 - Long.bitCount(inverted);
    }

    private Range range(Statement s, int start, int line) {
        List<String> w = new ArrayList<>(s.words());
        boolean bootp = w.size() > 1 && w.get(1).equalsIgnoreCase("dynamic-bootp");
        if (bootp) {
            w.remove(1);
        }
        if (w.size() < 2 || w.size() > 3) {
            throw error(start, "expected 'range [dynamic-bootp] LOW [HIGH];'");
        }
        try {
            String high = w.size() == 3 ? w.get(2) : w.get(1);
            return new Range(Ipv4Range.parse("range start", w.get(1), "range end", high), bootp, line);
        } catch (UserError e) {
            throw error(start, e.getMessage());
        }
    }

    private Host host(Statement s, int line) {
        String name = s.words().size() > 1 ? ConfValues.unquote(s.words().get(1)) : "";
        String hardware = null;
        List<String> fixed = new ArrayList<>();
        java.util.Map<String, String> parameters = new java.util.LinkedHashMap<>();
        for (Node n : s.body()) {
            if (n instanceof Statement c) {
                List<String> w = c.words();
                if (DhcpdConfEditor.HOST_PARAMETERS.contains(c.keyword()) && w.size() == 2) {
                    parameters.putIfAbsent(c.keyword(), ConfValues.unquote(w.get(1)));
                } else if (c.keyword().equals("hardware") && w.size() >= 3) {
                    hardware = w.get(2);
                } else if (c.keyword().equals("fixed-address")) {
                    for (int i = 1; i < w.size(); i++) {
                        if (!w.get(i).equals(",")) {
                            fixed.add(w.get(i));
                        }
                    }
                }
            }
        }
        return new Host(name, hardware, List.copyOf(fixed), parameters, line);
    }

    private FailoverPeer peer(Statement s, String sharedNetwork, int line) {
        String name = FailoverParams.peerName(s);
        Role role = null;
        String address = null;
        String peerAddress = null;
        String hba = null;
        Integer[] n = new Integer[13];
        String[] keys = {"port", "peer port", "max-response-delay", "max-unacked-updates", "mclt", "split",
            "load balance max seconds", "auto-partner-down", "max-lease-misbalance", "max-lease-ownership",
            "min-balance", "max-balance"};
        int pos = offset;
        for (Node node : s.body()) {
            if (node instanceof Statement c) {
                String key = FailoverParams.key(c);
                String value = FailoverParams.value(c);
                switch (key) {
                    case "role" -> role = c.keyword().equals("primary") ? Role.PRIMARY : Role.SECONDARY;
                    case "address" -> address = value;
                    case "peer address" -> peerAddress = value;
                    case "balance" -> {
                        if (c.keyword().equals("hba")) {
                            hba = value;
                            n[5] = null;
                        } else {
                            n[5] = number(value, pos, "split");
                            hba = null;
                        }
                    }
                    default -> {
                        for (int i = 0; i < keys.length; i++) {
                            if (keys[i].equals(key)) {
                                n[i] = number(value, pos, key);
                            }
                        }
                    }
                }
            }
        }
        return new FailoverPeer(name, role, address, n[0], peerAddress, n[1], n[2], n[3], n[4], n[5], hba, n[6],
                n[7], n[8], n[9], n[10], n[11], sharedNetwork, line);
    }

    private Integer number(String value, int pos, String key) {
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            throw error(pos, "failover peer " + key + " \"" + value + "\" is not a whole number");
        }
    }

    private void findDisabled(String trivia, int base) {
        int from = 0;
        while (true) {
            int i = trivia.indexOf(DhcpdConfEditor.DISABLED_BEGIN, from);
            if (i < 0) {
                return;
            }
            int j = i + DhcpdConfEditor.DISABLED_BEGIN.length();
            int k = j;
            while (k < trivia.length() && !DhcpdConfParser.isSpace(trivia.charAt(k))) {
                k++;
            }
            try {
                disabled.add(new DisabledSubnet(Ipv4Range.parseCidr("disabled subnet", trivia.substring(j, k)),
                        lineOf(base + i)));
            } catch (UserError e) {
                // A marker someone edited by hand is not ours to interpret; enableSubnet will not find it either.
            }
            from = k;
        }
    }

    private int lineOf(int pos) {
        int i = Arrays.binarySearch(lineStarts, pos);
        return (i >= 0 ? i : -i - 2) + 1;
    }

    private DhcpdConfParseException error(int pos, String problem) {
        int line = lineOf(pos);
        return new DhcpdConfParseException(line, pos - lineStarts[line - 1] + 1, problem);
    }
}
