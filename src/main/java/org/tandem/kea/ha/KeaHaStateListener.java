package org.tandem.kea.ha;

import java.time.Instant;

/** Receives what {@link KeaHaStatusPuller} sees; Central stores it in its database, tests keep it in memory. */
public interface KeaHaStateListener {

    /** A server's HA state as polled, every time. */
    void observed(KeaHaStatus status, Instant at);

    /** A server's local HA state differs from the previous poll ({@code from} is null on the first poll). */
    void stateChanged(KeaHaStateChange change);

    /** One state change with its time. */
    record KeaHaStateChange(String server, String from, String to, Instant at) {
        /** A move into partner-down is a failover: this server took over its partner's clients. */
        public boolean isFailover() {
            return "partner-down".equals(to) && !"partner-down".equals(from);
        }
    }
}
