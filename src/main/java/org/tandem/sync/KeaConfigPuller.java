package org.tandem.sync;

import java.time.Clock;
import java.time.Duration;
import org.tandem.servers.ServerType;

/**
 * Background job: the full sync of every Kea server, every {@code DHCPSyncInterval} seconds. Reads each server's
 * in-memory config ({@code config-get}; Micetro does the same, which is why a file edited by hand needs a
 * {@code config-reload} first) into the store, then stores the HA pairs whose blocks name each other.
 */
public final class KeaConfigPuller extends BackgroundJob {

    private final ServerSync sync;

    public KeaConfigPuller(ServerSync sync, Duration interval, JobLock lock, Clock clock) {
        super("kea-config-puller", interval, lock, clock);
        this.sync = sync;
    }

    @Override
    protected void runOnce() {
        sync.syncAll(ServerType.Kea, (server, work) -> perServer(server, work::run));
    }
}
