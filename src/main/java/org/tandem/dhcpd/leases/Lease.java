package org.tandem.dhcpd.leases;

import java.time.Instant;
import org.tandem.net.Ipv4Address;

/**
 * One {@code lease} record of dhcpd.leases. Times are UTC instants; {@code null} means the record
 * had no such statement, and an {@code ends never} lease has {@code ends == Instant.MAX}.
 *
 * @param hardware "ethernet 00:11:22:33:44:55" style: type, space, lower-case colon hex
 * @param uid the client identifier as lower-case colon hex
 */
public record Lease(
        Ipv4Address address,
        BindingState bindingState,
        BindingState nextBindingState,
        BindingState rewindBindingState,
        Instant starts,
        Instant ends,
        Instant cltt,
        Instant tstp,
        Instant tsfp,
        Instant atsfp,
        String hardware,
        String uid,
        String clientHostname,
        int line) {
}
