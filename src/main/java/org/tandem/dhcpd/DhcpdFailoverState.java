package org.tandem.dhcpd;

import java.util.Locale;
import java.util.Optional;

/**
 * A dhcpd 4.4 failover state, named as dhcpd names it in logs and lease files; the OMAPI number
 * stays here at the edge so nothing above the codec handles numbers.
 */
public enum DhcpdFailoverState {
    UNKNOWN_STATE("unknown-state", 0),
    STARTUP("startup", 1),
    NORMAL("normal", 2),
    COMMUNICATIONS_INTERRUPTED("communications-interrupted", 3),
    PARTNER_DOWN("partner-down", 4),
    POTENTIAL_CONFLICT("potential-conflict", 5),
    RECOVER("recover", 6),
    PAUSED("paused", 7),
    // dhcpd spells it "shutdown" although the RFC draft says "shut-down".
    SHUTDOWN("shutdown", 8),
    RECOVER_DONE("recover-done", 9),
    RESOLUTION_INTERRUPTED("resolution-interrupted", 10),
    CONFLICT_DONE("conflict-done", 11),
    RECOVER_WAIT("recover-wait", 254);

    private final String dhcpdName;
    private final int omapiValue;

    DhcpdFailoverState(String dhcpdName, int omapiValue) {
        this.dhcpdName = dhcpdName;
        this.omapiValue = omapiValue;
    }

    /** The name dhcpd writes in logs and lease files, e.g. {@code communications-interrupted}. */
    public String dhcpdName() {
        return dhcpdName;
    }

    /**
     * The number dhcpd 4.x uses on OMAPI (failover.h); these changed after 3.0.x, where 1 meant
     * partner-down, so the mapping is only valid for 4.x servers.
     */
    public int omapiValue() {
        return omapiValue;
    }

    /** The state dhcpd names so (case-insensitive, as dhcpd's lease-file parser is), if any. */
    public static Optional<DhcpdFailoverState> fromDhcpdName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (DhcpdFailoverState s : values()) {
            if (s.dhcpdName.equals(lower)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The state an OMAPI integer stands for, if dhcpd 4.4 defines it. */
    public static Optional<DhcpdFailoverState> fromOmapi(long value) {
        for (DhcpdFailoverState s : values()) {
            if (s.omapiValue == value) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return dhcpdName;
    }
}
