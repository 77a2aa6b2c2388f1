package org.tandem.kea.config;

import java.util.Objects;
import org.tandem.net.Ipv4Range;

/** An address pool of a subnet; {@code clientClass} is e.g. {@code HA_server1} when load-balancing splits it. */
public record KeaPool(Ipv4Range range, String clientClass) {
    public KeaPool {
        Objects.requireNonNull(range, "range");
        KeaNames.checkName("client-class", clientClass);
    }

    public static KeaPool of(Ipv4Range range) {
        return new KeaPool(range, null);
    }
}
