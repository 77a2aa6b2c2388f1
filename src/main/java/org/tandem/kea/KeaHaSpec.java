package org.tandem.kea;

import java.net.URI;
import org.tandem.kea.config.KeaHaConfig;

/**
 * What a user asks for when creating or modifying a Kea HA relationship (Micetro's AddDHCPFailoverRelationship maps
 * here). Delays are milliseconds; Kea 2.2 takes at most 65535 for each and needs max-response-delay above heartbeat.
 *
 * @param primaryUrl the primary's URL as its partner reaches it (its Control Agent, by IP); null: the endpoint URL
 * @param secondaryUrl likewise for the secondary / standby / backup
 */
public record KeaHaSpec(KeaHaConfig.Mode mode, int heartbeatDelayMs, int maxResponseDelayMs, int maxAckDelayMs,
                        long maxUnackedClients, boolean autoFailover, URI primaryUrl, URI secondaryUrl) {

    /** Kea's defaults: heartbeat 10 s, max-response 60 s, max-ack 10 s, 10 unacked clients, auto-failover. */
    public static KeaHaSpec defaults(KeaHaConfig.Mode mode) {
        return new KeaHaSpec(mode, 10_000, 60_000, 10_000, 10, true, null, null);
    }

    public KeaHaSpec withTimers(int heartbeatDelayMs, int maxResponseDelayMs, int maxAckDelayMs, long maxUnackedClients) {
        return new KeaHaSpec(mode, heartbeatDelayMs, maxResponseDelayMs, maxAckDelayMs, maxUnackedClients, autoFailover, primaryUrl, secondaryUrl);
    }

    public KeaHaSpec withUrls(URI primary, URI secondary) {
        return new KeaHaSpec(mode, heartbeatDelayMs, maxResponseDelayMs, maxAckDelayMs, maxUnackedClients, autoFailover, primary, secondary);
    }
}
