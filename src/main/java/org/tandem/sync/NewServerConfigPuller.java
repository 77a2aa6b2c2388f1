package org.tandem.sync;

import java.time.Clock;
import java.time.Duration;
import org.tandem.servers.DhcpServer;
import org.tandem.servers.ServerType;

/**
 * Background job: imports servers registered since its last run (state {@code Unknown}) within seconds, so a
 * new server's scopes and relationships appear right after {@code AddDHCPServer} (through the API, REST or
 * the CLI alike) instead of at the next full sync.
 */
public final class NewServerConfigPuller extends BackgroundJob {

    private final ServerSync sync;

    public NewServerConfigPuller(ServerSync sync, Duration interval, JobLock lock, Clock clock) {
        super("new-server-config-puller", interval, lock, clock);
        this.sync = sync;
    }

    @Override
    protected void runOnce() {
        for (ServerType type : ServerType.values()) {
            for (DhcpServer server : sync.serversOf(type)) {
                if ("Unknown".equals(server.state())) {
                    perServer(server.name(), () -> sync.sync(server));
                }
            }
        }
    }
}
