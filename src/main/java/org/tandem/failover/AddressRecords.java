package org.tandem.failover;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.tandem.agent.AgentApi;
import org.tandem.common.UserError;
import org.tandem.kea.client.KeaClient;
import org.tandem.kea.ha.KeaHaActions;
import org.tandem.kea.ha.KeaLease;
import org.tandem.net.Ipv4Address;
import org.tandem.net.Ipv4Range;
import org.tandem.scope.AddressBlock;
import org.tandem.scope.DhcpScope;
import org.tandem.scope.Range;
import org.tandem.scope.Reservation;
import org.tandem.scope.ScopeService;
import org.tandem.servers.DhcpServer;
import org.tandem.servers.ServerType;

/**
 * Micetro's address records (IPAMRecords) and next free address. What Tandem stores of an address (its range, the scope
 * instances and pools holding it, its reservations) with what each DHCP server serving it has leased, read from the
 * servers at the time of the request: dhcpd's leases file through the agent, Kea's lease database through lease_cmds.
 * Read-only: Tandem has no claims, DNS records or discovery of its own.
 */
public final class AddressRecords {

    /**
     * Where an address stands, most binding first: leased by a server, reserved for a client, in a dynamic pool, or
     * free (in a range, outside every pool, reservation and lease).
     */
    public enum State { Leased, Reserved, InPool, Free }

    /** One server's lease of an address, as the server reports it. */
    public record AddressLease(DhcpServer server, Ipv4Address address, String state, String hardwareAddress, String hostname,
            Instant ends) {}

    /** An address: {@code range} is empty outside every range (then there is nothing else). */
    public record AddressRecord(Ipv4Address address, Optional<Range> range, List<DhcpScope> scopes, boolean inPool,
            List<Reservation> reservations, List<AddressLease> leases, State state) {}

    /** Kea leases per lease4-get-page call; a range is read in pages of this many. */
    private static final int PAGE = 1000;
    /** dhcpd binding states in which an address is held by a client (free, backup, expired, released and reset are not). */
    private static final Set<String> DHCPD_HELD = Set.of("active", "abandoned", "bootp");

    private final ScopeService scopes;
    private final FailoverService failover;
    private final KeaHaActions kea;
    private final Clock clock;

    public AddressRecords(ScopeService scopes, FailoverService failover, Clock clock) {
        this.scopes = scopes;
        this.failover = failover;
        this.kea = new KeaHaActions(clock);
        this.clock = clock;
    }

    /** The record of {@code addressText} (named {@code field} in errors); the servers of its scopes are asked for leases. */
    public AddressRecord record(String field, String addressText) {
        Ipv4Address address = Ipv4Address.parse(field, addressText);
        Optional<Range> range = scopes.rangeHolding(address);
        if (range.isEmpty()) {
            return new AddressRecord(address, range, List.of(), false, List.of(), List.of(), State.Free);
        }
        List<DhcpScope> holding = scopes.scopesOf(range.get()).stream().filter(s -> s.addresses().contains(address)).toList();
        boolean inPool = false;
        List<Reservation> reserved = new ArrayList<>();
        for (DhcpScope s : holding) {
            inPool |= scopes.poolsOf(s).stream().anyMatch(p -> p.addresses().contains(address));
            scopes.reservationsOf(s).stream().filter(r -> r.address().equals(address)).forEach(reserved::add);
        }
        List<AddressLease> leases = leases(servers(holding), new Ipv4Range(address, address));
        State state = leases.stream().anyMatch(this::held) ? State.Leased
                : !reserved.isEmpty() ? State.Reserved : inPool ? State.InPool : State.Free;
        return new AddressRecord(address, range, holding, inPool, reserved, leases, state);
    }

    /**
     * The first address of the range at or after {@code start} (null: the range's first) that no reservation and no lease
     * holds, and, with {@code excludeDhcp}, outside every pool of the range's scopes (Micetro's excludeDHCP). The network
     * and broadcast addresses of a subnet range are never free. Empty when there is none.
     */
    public Optional<Ipv4Address> nextFree(String rangeField, String rangeRef, String startField, String start, boolean excludeDhcp) {
        Range range = scopes.range(rangeField, rangeRef);
        Ipv4Range addresses = range.addresses();
        Ipv4Address from = addresses.first();
        if (start != null && !start.isEmpty()) {
            Ipv4Address s = Ipv4Address.parse(startField, start);
            // Micetro ignores a start address outside the range; so does Tandem.
            if (addresses.contains(s)) {
                from = s;
            }
        }
        List<DhcpScope> instances = scopes.scopesOf(range);
        Set<Long> taken = new HashSet<>();
        List<Ipv4Range> pools = new ArrayList<>();
        for (DhcpScope s : instances) {
            scopes.reservationsOf(s).forEach(r -> taken.add(r.address().value()));
            if (excludeDhcp) {
                scopes.poolsOf(s).stream().map(AddressBlock::addresses).forEach(pools::add);
            }
        }
        Ipv4Range searched = new Ipv4Range(from, addresses.last());
        for (AddressLease l : leases(servers(instances), searched)) {
            if (held(l)) {
                taken.add(l.address().value());
            }
        }
        boolean subnet = addresses.prefixLength() >= 0 && addresses.prefixLength() <= 30;
        for (long a = from.value(); a <= addresses.last().value(); a++) {
            Ipv4Address candidate = new Ipv4Address(a);
            if (taken.contains(a) || (subnet && (a == addresses.first().value() || a == addresses.last().value()))) {
                continue;
            }
            long v = a;
            Optional<Ipv4Range> pool = pools.stream().filter(p -> p.contains(candidate)).findFirst();
            if (pool.isPresent()) {
                a = pool.get().last().value();   // skip the whole pool
                continue;
            }
            return Optional.of(new Ipv4Address(v));
        }
        return Optional.empty();
    }

    private boolean held(AddressLease l) {
        return l.server().type() == ServerType.ISC ? DHCPD_HELD.contains(l.state()) : (l.state().equals("assigned") || l.state().equals("declined"));
    }

    private List<DhcpServer> servers(List<DhcpScope> instances) {
        Map<Long, DhcpServer> out = new LinkedHashMap<>();
        for (DhcpScope s : instances) {
            out.computeIfAbsent(s.serverId(), failover::server);
        }
        return List.copyOf(out.values());
    }

    /** Each server's leases of addresses in {@code within}; a server that cannot be read fails the request, naming it. */
    private List<AddressLease> leases(List<DhcpServer> servers, Ipv4Range within) {
        List<AddressLease> out = new ArrayList<>();
        for (DhcpServer s : servers) {
            try {
                out.addAll(s.type() == ServerType.ISC ? dhcpdLeases(s, within) : keaLeases(s, within));
            } catch (UserError e) {
                throw new UserError(e.kind(), e.field(), "The leases of DHCP server \"" + s.name() + "\" could not be read: " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** The leases file through the agent; dhcpd appends a lease's new state, so the last entry of an address counts. */
    private static List<AddressLease> dhcpdLeases(DhcpServer server, Ipv4Range within) {
        Map<Long, AddressLease> last = new LinkedHashMap<>();
        for (AgentApi.LeaseView l : ServerTargets.agent(server).leases().leases()) {
            if (!Ipv4Address.isValid(l.address())) {
                continue;
            }
            Ipv4Address a = Ipv4Address.parse("address", l.address());
            if (within.contains(a)) {
                last.put(a.value(), new AddressLease(server, a, l.bindingState(), l.hardware(), l.clientHostname(), l.ends()));
            }
        }
        return List.copyOf(last.values());
    }

    /**
     * lease4-get-page from just before the range until past its end. Kea keeps an expired lease until it reclaims it: one
     * whose lifetime ended counts as expired, as Kea itself would hand the address out again.
     */
    private List<AddressLease> keaLeases(DhcpServer server, Ipv4Range within) {
        KeaClient client = ServerTargets.keaClient(server);
        List<AddressLease> out = new ArrayList<>();
        Ipv4Address after = within.first().value() == 0 ? null : within.first().plus(-1);
        long pages = within.size() / PAGE + 2;
        for (long i = 0; i < pages; i++) {
            KeaHaActions.LeasePage page = kea.leasePage(client, after, PAGE);
            for (KeaLease l : page.leases()) {
                if (!within.contains(l.ipAddress())) {
                    continue;
                }
                Instant ends = Instant.ofEpochSecond(l.cltt() + l.validLifetime());
                String state = switch (l.state()) {
                    case 0 -> ends.isAfter(clock.instant()) ? "assigned" : "expired";
                    case 1 -> "declined";
                    case 2 -> "expired-reclaimed";
                    default -> "state " + l.state();
                };
                out.add(new AddressLease(server, l.ipAddress(), state, l.hwAddress(), l.hostname(), ends));
            }
            if (!page.more() || page.last() == null || page.last().compareTo(within.last()) >= 0) {
                return out;
            }
            after = page.last();
        }
        return out;
    }
}
