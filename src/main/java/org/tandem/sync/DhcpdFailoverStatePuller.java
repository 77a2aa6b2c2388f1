package org.tandem.sync;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.tandem.agent.AgentApi;
import org.tandem.common.UserError;
import org.tandem.failover.FailoverRelationship;
import org.tandem.failover.FailoverRepository;
import org.tandem.failover.LiveStates;
import org.tandem.failover.ServerTargets;
import org.tandem.servers.DhcpServer;
import org.tandem.servers.ServerRepository;
import org.tandem.servers.ServerType;

/**
 * Background job, every few seconds: asks each dhcpd peer of every stored ISC relationship for its failover
 * state (the agent reads it over OMAPI) and reports it to {@link LiveStates}. A peer that does not answer is
 * reported unreachable with its last known state, so the API shows the state and that it is stale.
 */
public final class DhcpdFailoverStatePuller extends BackgroundJob {

    private final FailoverRepository relationships;
    private final ServerRepository servers;
    private final LiveStates states;
    private final Clock clock;

    public DhcpdFailoverStatePuller(FailoverRepository relationships, ServerRepository servers, LiveStates states,
            Duration interval, JobLock lock, Clock clock) {
        super("dhcpd-failover-state-puller", interval, lock, clock);
        this.relationships = relationships;
        this.servers = servers;
        this.states = states;
        this.clock = clock;
    }

    @Override
    protected void runOnce() {
        for (FailoverRelationship r : relationships.list(null)) {
            if (r.state() == FailoverRelationship.State.Empty) {
                // Nothing runs on the servers: a state from an earlier attempt would be stale, and none will come.
                states.forget(r.primaryServerId(), r.name());
                states.forget(r.secondaryServerId(), r.name());
                continue;
            }
            for (long id : new long[] {r.primaryServerId(), r.secondaryServerId()}) {
                Optional<DhcpServer> server = servers.findById(id).filter(s -> s.type() == ServerType.ISC);
                server.ifPresent(s -> perServer(s.name(), () -> pull(s, r.name())));
            }
        }
    }

    private void pull(DhcpServer server, String relationship) {
        Instant now = clock.instant();
        try {
            AgentApi.FailoverStateView view = ServerTargets.agent(server).failoverState(relationship);
            String local = view.localState() == null ? "unknown-state" : view.localState().dhcpdName();
            String partner = view.partnerState() == null ? null : view.partnerState().dhcpdName();
            String detail = view.currentUnackedUpdates() == null ? null : "unacked updates " + view.currentUnackedUpdates();
            states.report(new LiveStates.PeerState(server.id(), relationship, local, partner, now, now, true, detail));
        } catch (UserError e) {
            Optional<LiveStates.PeerState> last = states.get(server.id(), relationship);
            states.report(new LiveStates.PeerState(server.id(), relationship, last.map(LiveStates.PeerState::localState).orElse("unknown"),
                    last.map(LiveStates.PeerState::partnerState).orElse(null), now, now, false, e.getMessage()));
            throw e;
        }
    }
}
