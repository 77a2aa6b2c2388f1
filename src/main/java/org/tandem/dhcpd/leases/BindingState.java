package org.tandem.dhcpd.leases;

import java.util.Locale;
import java.util.Optional;

/** A lease's binding state as dhcpd.leases(5) names it. */
public enum BindingState {
    FREE, ACTIVE, EXPIRED, RELEASED, ABANDONED, RESET, BACKUP, BOOTP;

    /** The word dhcpd writes, e.g. {@code active}. */
    public String dhcpdName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<BindingState> fromDhcpdName(String word) {
        for (BindingState s : values()) {
            if (s.dhcpdName().equalsIgnoreCase(word)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
