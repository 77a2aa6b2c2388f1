package org.tandem.sync;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tandem.failover.FailoverRelationship;
import org.tandem.failover.FailoverRepository;
import org.tandem.failover.LiveStates;
import org.tandem.failover.ServerTargets;
import org.tandem.kea.ha.KeaHaStateListener;
import org.tandem.kea.ha.KeaHaStatus;
import org.tandem.kea.ha.KeaHaStatusPuller;
import org.tandem.servers.DhcpServer;
import org.tandem.servers.ServerRepository;
import org.tandem.servers.ServerType;

/**
 * Background job, every few seconds: runs the Kea engine's {@link KeaHaStatusPuller} ({@code status-get} and
 * {@code ha-heartbeat}) on both peers of every stored Kea relationship and reports each reading to
 * {@link LiveStates} under the relationship's name. The puller of a relationship is kept between runs (it
 * remembers the last state to spot changes) and rebuilt when the relationship's servers change.
 */
public final class KeaHaStatePuller extends BackgroundJob {

    private record Pair(long relationshipId, List<DhcpServer> servers) {}

    private final FailoverRepository relationships;
    private final ServerRepository servers;
    private final LiveStates states;
    private final Clock clock;
    private final Map<Long, Map.Entry<Pair, KeaHaStatusPuller>> pullers = new HashMap<>();

    public KeaHaStatePuller(FailoverRepository relationships, ServerRepository servers, LiveStates states,
            Duration interval, JobLock lock, Clock clock) {
        super("kea-ha-state-puller", interval, lock, clock);
        this.relationships = relationships;
        this.servers = servers;
        this.states = states;
        this.clock = clock;
    }

    @Override
    protected void runOnce() {
        Map<Long, Map.Entry<Pair, KeaHaStatusPuller>> seen = new HashMap<>();
        for (FailoverRelationship r : relationships.list(null)) {
            Optional<DhcpServer> p = servers.findById(r.primaryServerId()).filter(s -> s.type() == ServerType.Kea);
            Optional<DhcpServer> s = servers.findById(r.secondaryServerId()).filter(x -> x.type() == ServerType.Kea);
            if (p.isEmpty() || s.isEmpty()) {
                continue;
            }
            Pair pair = new Pair(r.id(), List.of(p.get(), s.get()));
            Map.Entry<Pair, KeaHaStatusPuller> entry = pullers.get(r.id());
            if (entry == null || !entry.getKey().equals(pair)) {
                entry = Map.entry(pair, new KeaHaStatusPuller(pair.servers().stream().map(ServerTargets::keaClient).toList(),
                        listener(r.name(), pair.servers()), clock));
            }
            seen.put(r.id(), entry);
            KeaHaStatusPuller puller = entry.getValue();
            perServer(p.get().name() + "+" + s.get().name(), puller::run);
        }
        pullers.clear();
        pullers.putAll(seen);
    }

    private KeaHaStateListener listener(String relationship, List<DhcpServer> pair) {
        Map<String, Long> ids = new HashMap<>();
        pair.forEach(s -> ids.put(s.name(), s.id()));
        return new KeaHaStateListener() {
            @Override
            public void observed(KeaHaStatus status, Instant at) {
                Long id = ids.get(status.server());
                if (id == null) {
                    return;
                }
                boolean reachable = !"unavailable".equals(status.localState());
                String partner = status.remote() == null ? null : status.remote().lastState();
                String detail = status.remote() == null ? null
                        : "scopes " + status.localScopes() + (status.remote().communicationInterrupted() ? ", communication interrupted" : "")
                                + ", unacked clients " + status.remote().unackedClients();
                states.report(new LiveStates.PeerState(id, relationship, status.localState(), partner, at, at, reachable, detail));
            }

            @Override
            public void stateChanged(KeaHaStateChange change) {
                // observed() has already reported the new state; LiveStates keeps its start time.
            }
        };
    }
}
