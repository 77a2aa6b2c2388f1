package org.tandem.dhcpd.conf;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tandem.net.Ipv4Range;

/**
 * What a dhcpd.conf declares, for the failover engine and {@code tandem dhcpd-conf check --json}: subnets
 * (wherever they sit), shared networks, pools and ranges, host reservations, failover peers with every
 * parameter as written, includes, and subnets Tandem has disabled. Lines are 1-based, in this file.
 */
public record DhcpdConfModel(
        List<Subnet> subnets,
        List<SharedNetwork> sharedNetworks,
        List<Host> hosts,
        List<FailoverPeer> failoverPeers,
        List<Include> includes,
        List<DisabledSubnet> disabledSubnets) {

    /** A {@code subnet A netmask M} declaration; {@code sharedNetwork} is null outside one. */
    public record Subnet(Ipv4Range range, String sharedNetwork, List<Pool> pools, List<Range> ranges,
            List<Host> hosts, int line) {
    }

    /** A {@code pool}; {@code failoverPeer} is the name in its {@code failover peer "NAME";}, or null. */
    public record Pool(String failoverPeer, List<Range> ranges, int line) {
    }

    /** A {@code range [dynamic-bootp] LOW [HIGH];}. */
    public record Range(Ipv4Range range, boolean dynamicBootp, int line) {
    }

    /**
     * A {@code host} reservation; hardware ethernet and fixed addresses as written (null / empty when absent), and the
     * values of its {@link DhcpdConfEditor#HOST_PARAMETERS} statements by keyword, unquoted.
     */
    public record Host(String name, String hardwareEthernet, List<String> fixedAddresses, java.util.Map<String, String> parameters, int line) {
        public Host {
            parameters = java.util.Map.copyOf(parameters);
        }

        public Host(String name, String hardwareEthernet, List<String> fixedAddresses, int line) {
            this(name, hardwareEthernet, fixedAddresses, java.util.Map.of(), line);
        }
    }

    /** A {@code shared-network}: its subnets, the pools declared directly in it, and its own peer reference. */
    public record SharedNetwork(String name, List<Ipv4Range> subnets, List<Pool> pools, String failoverPeer, int line) {
    }

    /** An {@code include "PATH";} (dhcpd resolves relative paths against its working directory). */
    public record Include(String path, int line) {
    }

    /** A subnet that {@link DhcpdConfEditor#disableSubnet} commented out. */
    public record DisabledSubnet(Ipv4Range range, int line) {
    }

    /** Which side of a failover relationship a peer block declares. */
    public enum Role {
        PRIMARY, SECONDARY
    }

    /**
     * A {@code failover peer "NAME" { ... }} declaration, each parameter as written (null when absent);
     * the {@code effective...} methods apply dhcpd 4.4.3's defaults.
     */
    public record FailoverPeer(String name, Role role, String address, Integer port, String peerAddress,
            Integer peerPort, Integer maxResponseDelay, Integer maxUnackedUpdates, Integer mclt, Integer split,
            String hba, Integer loadBalanceMaxSeconds, Integer autoPartnerDown, Integer maxLeaseMisbalance,
            Integer maxLeaseOwnership, Integer minBalance, Integer maxBalance, String sharedNetwork, int line) {

        /** dhcpd treats a block without {@code primary;} or {@code secondary;} as primary. */
        public Role effectiveRole() {
            return role == null ? Role.PRIMARY : role;
        }

        public int effectivePort() {
            return port == null ? FailoverPeerSpec.DEFAULT_PORT : port;
        }

        public int effectivePeerPort() {
            return peerPort == null ? FailoverPeerSpec.DEFAULT_PORT : peerPort;
        }
    }

    public Optional<Subnet> subnet(Ipv4Range range) {
        return subnets.stream().filter(s -> s.range().equals(range)).findFirst();
    }

    public Optional<FailoverPeer> failoverPeer(String name) {
        return failoverPeers.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** The subnets with at least one pool that names {@code peerName}, in file order. */
    public List<Subnet> subnetsReferencing(String peerName) {
        List<Subnet> out = new ArrayList<>();
        for (Subnet s : subnets) {
            if (s.pools().stream().anyMatch(p -> peerName.equals(p.failoverPeer()))) {
                out.add(s);
            }
        }
        return out;
    }

    /** Every pool (in subnets and directly in shared networks) that names {@code peerName}. */
    public List<Pool> poolsReferencing(String peerName) {
        List<Pool> out = new ArrayList<>();
        for (Subnet s : subnets) {
            s.pools().stream().filter(p -> peerName.equals(p.failoverPeer())).forEach(out::add);
        }
        for (SharedNetwork n : sharedNetworks) {
            n.pools().stream().filter(p -> peerName.equals(p.failoverPeer())).forEach(out::add);
        }
        return out;
    }
}
