package org.tandem.kea.ha;

import java.util.Objects;
import org.tandem.net.Ipv4Address;

/** One DHCPv4 lease as lease_cmds reports and takes it; {@code clientId} is null when the client sent none. */
public record KeaLease(Ipv4Address ipAddress, String hwAddress, String clientId, long subnetId, long validLifetime, long cltt,
                       String hostname, int state) {
    public KeaLease {
        Objects.requireNonNull(ipAddress, "ipAddress");
        if (hwAddress == null || !hwAddress.matches("[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){0,19}")) {
            throw org.tandem.common.UserError.invalid("hw-address", "\"" + hwAddress + "\" is not colon-separated hex bytes");
        }
        if (clientId != null && !clientId.matches("[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){0,127}")) {
            throw org.tandem.common.UserError.invalid("client-id", "\"" + clientId + "\" is not colon-separated hex bytes");
        }
        if (hostname != null && !hostname.matches("[A-Za-z0-9.\\-]{0,253}")) {
            throw org.tandem.common.UserError.invalid("hostname", "\"" + hostname + "\" is not a host name");
        }
    }
}
