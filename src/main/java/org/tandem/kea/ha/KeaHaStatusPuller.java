package org.tandem.kea.ha;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tandem.common.UserError;
import org.tandem.kea.client.KeaClient;

/**
 * Background job: reads {@code status-get} (and {@code ha-heartbeat}, which proves the HA service itself answers) on
 * every peer and reports each observation and each change of local state, stamped with the injected clock. Kea keeps
 * no failover time, so the last move into partner-down seen here is "the last failover". Schedule {@link #run()}
 * every few seconds; it never throws.
 */
public final class KeaHaStatusPuller implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(KeaHaStatusPuller.class);

    private final List<KeaClient> servers;
    private final KeaHaStateListener listener;
    private final Clock clock;
    private final KeaHaActions actions;
    private final Map<String, String> lastState = new HashMap<>();

    public KeaHaStatusPuller(List<KeaClient> servers, KeaHaStateListener listener, Clock clock) {
        this.servers = List.copyOf(servers);
        this.listener = listener;
        this.clock = clock;
        this.actions = new KeaHaActions(clock);
    }

    @Override
    public void run() {
        for (KeaClient server : servers) {
            try {
                pull(server);
            } catch (RuntimeException e) {
                log.warn("HA status pull of Kea server {} failed", server.server(), e);
            }
        }
    }

    private synchronized void pull(KeaClient server) {
        KeaHaStatus status;
        try {
            status = actions.status(server);
            if (!"no-ha".equals(status.localState())) {
                actions.heartbeat(server);
            }
        } catch (UserError e) {
            log.info("Kea server {} did not answer the HA status poll: {}", server.server(), e.getMessage());
            status = KeaHaStatus.unavailable(server.server());
        }
        Instant now = clock.instant();
        listener.observed(status, now);
        String previous = lastState.put(server.server(), status.localState());
        if (!status.localState().equals(previous)) {
            listener.stateChanged(new KeaHaStateListener.KeaHaStateChange(server.server(), previous, status.localState(), now));
        }
    }
}
