package org.tandem.failover;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** {@link LiveStates} held in this Central's memory: the state pullers refill it within seconds of a start. */
public final class InMemoryLiveStates implements LiveStates {

    private record Key(long serverId, String relationshipName) {}

    private final Map<Key, PeerState> states = new ConcurrentHashMap<>();

    @Override
    public void report(PeerState reading) {
        states.merge(new Key(reading.serverId(), reading.relationshipName()), reading, (old, fresh) ->
                old.localState() != null && old.localState().equals(fresh.localState())
                        ? new PeerState(fresh.serverId(), fresh.relationshipName(), fresh.localState(),
                                fresh.partnerState(), old.since(), fresh.seenAt(), fresh.reachable(), fresh.detail())
                        : fresh);
    }

    @Override
    public Optional<PeerState> get(long serverId, String relationshipName) {
        return Optional.ofNullable(states.get(new Key(serverId, relationshipName)));
    }

    @Override
    public void forget(long serverId, String relationshipName) {
        states.remove(new Key(serverId, relationshipName));
    }

    @Override
    public List<PeerState> all() {
        return new ArrayList<>(states.values());
    }
}
