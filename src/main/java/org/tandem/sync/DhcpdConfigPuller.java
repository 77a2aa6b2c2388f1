package org.tandem.sync;

import java.time.Clock;
import java.time.Duration;
import org.tandem.servers.ServerType;

/**
 * Background job: the full sync of every ISC dhcpd server, every {@code DHCPSyncInterval} seconds. Reads each
 * server's dhcpd.conf through its agent into the store (a change made outside Tandem shows up with a change-log
 * entry by Tandem itself), then stores the failover relationships whose peer blocks mirror each other.
 */
public final class DhcpdConfigPuller extends BackgroundJob {

    private final ServerSync sync;

    public DhcpdConfigPuller(ServerSync sync, Duration interval, JobLock lock, Clock clock) {
        super("dhcpd-config-puller", interval, lock, clock);
        this.sync = sync;
    }

    @Override
    protected void runOnce() {
        sync.syncAll(ServerType.ISC, (server, work) -> perServer(server, work::run));
    }
}
