package org.tandem.migrate;

import java.util.List;
import java.util.Map;
import org.tandem.common.UserError;
import org.tandem.kea.config.KeaHaConfig;

/**
 * What {@link DhcpdToKea} planned for one dhcpd failover relationship: the Kea HA mode, each Kea server's
 * {@code {"Dhcp4": ...}} document (keyed by server name, in the order the servers were given), and every statement
 * of dhcpd.conf the documents do not express, in line order.
 */
public record KeaMigrationPlan(String failoverPeer, KeaHaConfig.Mode mode, Map<String, String> dhcp4ByServer,
                               List<Unexpressed> unexpressed) {

    public KeaMigrationPlan {
        dhcp4ByServer = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(dhcp4ByServer));
        unexpressed = List.copyOf(unexpressed);
    }

    /** The planned document of Kea server {@code server}. */
    public String dhcp4(String server) {
        String doc = dhcp4ByServer.get(server);
        if (doc == null) {
            throw UserError.notFound("Kea server in the plan", server);
        }
        return doc;
    }

    /** True when everything dhcpd.conf says about the relationship is in the Kea documents. */
    public boolean complete() {
        return unexpressed.isEmpty();
    }
}
