package org.tandem.kea.config;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.tandem.common.UserError;

/**
 * The modelled part of one server's {@code high-availability} block (libdhcp_ha.so parameters). Every other HA key
 * (TLS, multi-threading, state-machine pauses) is kept as Kea had it.
 */
public record KeaHaConfig(String thisServerName, Mode mode, int heartbeatDelayMs, int maxResponseDelayMs,
                          int maxAckDelayMs, long maxUnackedClients, List<Peer> peers) {

    /** Kea 2.2 stores these three delays as uint16 milliseconds (widened to uint32 later). */
    public static final int KEA22_MAX_DELAY_MS = 65_535;

    public enum Mode {
        LOAD_BALANCING("load-balancing"), HOT_STANDBY("hot-standby"), PASSIVE_BACKUP("passive-backup");

        private final String kea;

        Mode(String kea) {
            this.kea = kea;
        }

        public String kea() {
            return kea;
        }

        public static Mode fromKea(String s) {
            for (Mode m : values()) {
                if (m.kea.equals(s)) {
                    return m;
                }
            }
            throw UserError.invalid("mode", "\"" + s + "\" is not load-balancing, hot-standby or passive-backup");
        }
    }

    public enum Role {
        PRIMARY, SECONDARY, STANDBY, BACKUP;

        public String kea() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Role fromKea(String s) {
            for (Role r : values()) {
                if (r.kea().equals(s)) {
                    return r;
                }
            }
            throw UserError.invalid("role", "\"" + s + "\" is not primary, secondary, standby or backup");
        }
    }

    /** One entry of {@code peers}; the URL must use an IP address (Kea 2.2 rejects host names). */
    public record Peer(String name, URI url, Role role, boolean autoFailover) {
        public Peer {
            KeaNames.checkName("peers.name", Objects.requireNonNull(name, "name"));
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(role, "role");
        }
    }

    public KeaHaConfig {
        KeaNames.checkName("this-server-name", Objects.requireNonNull(thisServerName, "thisServerName"));
        Objects.requireNonNull(mode, "mode");
        peers = List.copyOf(peers);
    }

    public Optional<Peer> peer(String name) {
        return peers.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** The same relationship as seen from another peer: only {@code this-server-name} differs. */
    public KeaHaConfig asSeenBy(String serverName) {
        return new KeaHaConfig(serverName, mode, heartbeatDelayMs, maxResponseDelayMs, maxAckDelayMs, maxUnackedClients, peers);
    }
}
