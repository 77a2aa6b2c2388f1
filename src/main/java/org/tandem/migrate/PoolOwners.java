package org.tandem.migrate;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.tandem.kea.client.KeaClient;
import org.tandem.kea.config.KeaHaConfig;
import org.tandem.kea.ha.KeaHaActions;
import org.tandem.kea.ha.KeaLease;
import org.tandem.net.Ipv4Address;
import org.tandem.net.Ipv4Range;

/**
 * In a load-balancing migration, the pool half ({@code HA_<server>}) each address a client holds must lie in: the half
 * of the server Kea's hash sends that client to, or that server gives the client a new address instead of renewing
 * (Kea renews no address outside the pools the client's class allows). Grows as leases are carried and as Kea hands
 * out leases of its own; a later holder of an address decides its half. Empty in hot-standby, whose pools are whole.
 */
final class PoolOwners {

    private static final int PAGE = 1_000;
    private static final int MAX_PAGES = 1_000;

    private final String[] classByServer = new String[2];
    private final boolean loadBalancing;
    private final Map<Ipv4Address, String> owners = new HashMap<>();

    PoolOwners(KeaHaConfig ha) {
        loadBalancing = ha.mode() == KeaHaConfig.Mode.LOAD_BALANCING;
        for (KeaHaConfig.Peer peer : ha.peers()) {
            if (peer.role() == KeaHaConfig.Role.PRIMARY) {
                classByServer[0] = "HA_" + peer.name();
            } else if (peer.role() == KeaHaConfig.Role.SECONDARY) {
                classByServer[1] = "HA_" + peer.name();
            }
        }
    }

    void add(Iterable<LeaseCarry.Carried> leases) {
        if (loadBalancing) {
            leases.forEach(l -> owners.put(l.address(), classByServer[KeaLoadBalance.server(l)]));
        }
    }

    /** Adds every lease {@code server} holds in {@code subnets}, read page by page (bounded). */
    void addLeasesOf(KeaHaActions actions, KeaClient server, Set<Ipv4Range> subnets) {
        if (!loadBalancing) {
            return;
        }
        for (KeaLease l : actions.allLeases(server, PAGE, MAX_PAGES)) {
            if (subnets.stream().anyMatch(s -> s.contains(l.ipAddress()))) {
                owners.put(l.ipAddress(), classByServer[KeaLoadBalance.server(l.hwAddress(), l.clientId())]);
            }
        }
    }

    /** A copy, to hand to a config edit that may run again later (the engine re-plans on a fresh config). */
    Map<Ipv4Address, String> map() {
        return Map.copyOf(owners);
    }

    /** The server names whose halves the pools are split into: primary first. */
    String primaryName() {
        return classByServer[0] == null ? null : classByServer[0].substring(3);
    }

    String secondaryName() {
        return classByServer[1] == null ? null : classByServer[1].substring(3);
    }
}
