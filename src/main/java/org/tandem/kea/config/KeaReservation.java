package org.tandem.kea.config;

import org.tandem.net.Ipv4Address;

/** A host reservation: an address (and name) for a client identified by hardware address or client id. */
public record KeaReservation(String hwAddress, String clientId, Ipv4Address ipAddress, String hostname) {
    public KeaReservation {
        if ((hwAddress == null) == (clientId == null)) {
            throw org.tandem.common.UserError.invalid("reservation", "give exactly one of hw-address and client-id");
        }
        KeaNames.checkHex("hw-address", hwAddress);
        KeaNames.checkHex("client-id", clientId);
        KeaNames.checkName("hostname", hostname);
    }
}
