package org.tandem.kea.config;

import java.util.List;
import java.util.Objects;
import org.tandem.common.UserError;
import org.tandem.net.Ipv4Range;

/**
 * One Kea {@code subnet4} entry as Tandem models it. Keys we do not model stay in the server's JSON untouched.
 *
 * @param id the explicit subnet id, equal on both HA peers (1..4294967294)
 * @param subnet the CIDR block
 * @param sharedNetwork the name of the shared network holding it, or null at top level
 */
public record KeaSubnet(long id, Ipv4Range subnet, List<KeaPool> pools, List<KeaReservation> reservations,
                        List<KeaOptionData> options, String sharedNetwork) {

    public static final long MAX_ID = 4_294_967_294L;

    public KeaSubnet {
        Objects.requireNonNull(subnet, "subnet");
        pools = List.copyOf(pools == null ? List.of() : pools);
        reservations = List.copyOf(reservations == null ? List.of() : reservations);
        options = List.copyOf(options == null ? List.of() : options);
        if (id < 0 || id > MAX_ID) {
            throw UserError.invalid("id", "subnet id " + id + " is outside 1.." + MAX_ID);
        }
        if (subnet.prefixLength() < 0) {
            throw UserError.invalid("subnet", subnet + " is not a CIDR block");
        }
        for (KeaPool p : pools) {
            if (!subnet.contains(p.range())) {
                throw UserError.invalid("pools", "pool " + p.range() + " is outside subnet " + subnet);
            }
        }
    }

    public static KeaSubnet of(long id, Ipv4Range subnet, List<KeaPool> pools) {
        return new KeaSubnet(id, subnet, pools, List.of(), List.of(), null);
    }

    public KeaSubnet withId(long newId) {
        return new KeaSubnet(newId, subnet, pools, reservations, options, sharedNetwork);
    }

    public KeaSubnet withPools(List<KeaPool> newPools) {
        return new KeaSubnet(id, subnet, newPools, reservations, options, sharedNetwork);
    }

    public KeaSubnet withReservations(List<KeaReservation> newReservations) {
        return new KeaSubnet(id, subnet, pools, newReservations, options, sharedNetwork);
    }
}
