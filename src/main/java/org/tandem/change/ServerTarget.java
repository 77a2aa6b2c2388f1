package org.tandem.change;

import java.time.Duration;
import java.time.Instant;

/**
 * One DHCP server as the change engine drives it; the dhcpd engine (through the agent) and the Kea
 * engine (through the Control Agent) implement it.
 *
 * <p>Contract for implementations: problems on the server's side are reported as
 * {@link org.tandem.common.UserError}: {@code SERVER_REFUSED} with the server's own words when it
 * rejects a configuration, {@code UNREACHABLE} when it cannot be reached or does not answer in time,
 * {@code CONFLICT} when a conditional write finds a config other than the expected one. Any other
 * runtime exception is treated the same way (the change is rolled back) but is a bug in the adapter.
 * Every method may be called again after it failed; each call must leave the server with one complete
 * configuration, never half of one.
 */
public interface ServerTarget {

    /** The server's name as registered in Tandem; error messages name it. */
    String name();

    /**
     * Reads the configuration the server runs now (dhcpd: the file the agent reads; Kea: config-get, except after this
     * target's own config-set, which Kea applies whole or not at all: then what was set).
     */
    LiveConfig read();

    /**
     * A configuration this server reported at most {@code maxAge} ago (e.g. to the planner, through a
     * shared {@link RecentReads}), else a fresh {@link #read()}. The engine takes it only for its first
     * conflict check, where an answer a few seconds old cannot lead to a write (see {@link ChangeEngine}).
     */
    default LiveConfig recentRead(Duration maxAge) {
        return read();
    }

    /**
     * The fingerprint of a configuration text, computed the way {@link #read()} computes
     * {@link LiveConfig#sha256()}: the engine compares the two to detect changes made elsewhere, to
     * verify a server runs what was applied, and (on recovery) to tell old from new. The default is
     * the SHA-256 of the UTF-8 text, what the dhcpd agent reports for its file. Kea adapters hash the
     * canonical JSON, so that key order, whitespace and the defaults config-get adds do not count.
     */
    default String hashOf(String config) {
        return ConfigHash.sha256(config);
    }

    /**
     * Whether the server, read as {@code live}, runs {@code config}: how the engine compares a read with a text. The
     * default compares {@link LiveConfig#sha256()} with {@link #hashOf}; a Kea adapter also follows what it learnt
     * between the read and the comparison (the hash Kea reports for a config Tandem set).
     */
    default boolean runs(LiveConfig live, String config) {
        return live.sha256().equals(hashOf(config));
    }

    /**
     * Asks the server's own validator about a configuration without applying it ({@code dhcpd -t},
     * Kea {@code config-test}); a refusal is a {@code SERVER_REFUSED} UserError carrying its words
     * (the engine puts the server's name in front of them, so they need not name it).
     */
    void validate(String newConfig);

    /**
     * Makes the server run {@code newConfig}: dhcpd: write the file (conditionally on its hash still
     * being {@code expectedSha256}) and restart; Kea: config-set then config-write. Returns once the
     * server has accepted it; {@link #awaitHealthy} then waits for it to serve again.
     */
    void apply(String newConfig, String expectedSha256);

    /**
     * Polls until the server is back in its normal operating state (dhcpd: answering and back in
     * failover {@code normal} with its partner; Kea: back in its HA state), or throws an
     * {@code UNREACHABLE} UserError once {@code deadline} passes.
     */
    void awaitHealthy(Instant deadline);

    /**
     * Called just before this server is changed, to keep DHCP served while it restarts: e.g. wait
     * until its partner is in failover {@code normal}, or put a Kea pair into maintenance. Throwing
     * stops the change before this server is touched. Nothing to do by default.
     */
    default void prepare(Instant deadline) {
    }
}
