package org.tandem.http.rpc;

import java.util.Set;
import org.tandem.http.KeaHaObjects;
import org.tandem.http.Params;
import org.tandem.kea.ha.KeaHaService;
import org.tandem.servers.DhcpServer;

/**
 * The Kea HA actions over JSON-RPC, named in Micetro's style. Each takes {@code dhcpServerRef} (the Kea server the
 * command is sent to) and {@code saveComment}, and answers {@link KeaHaObjects#toApi}:
 * {@code SyncKeaHALeases} (+ {@code peerName}, {@code maxPeriod}), {@code SetKeaHAScopes} (+ {@code scopes}),
 * {@code StartKeaHAMaintenance}, {@code CancelKeaHAMaintenance}, {@code ContinueKeaHA}.
 */
public final class KeaHaCommands {

    private final KeaHaService ha;

    public KeaHaCommands(KeaHaService ha) {
        this.ha = ha;
    }

    public void registerAll(RpcDispatcher rpc) {
        rpc.register("SyncKeaHALeases", c -> {
            Params p = c.params().allowOnly(Set.of("session", "dhcpServerRef", "peerName", "maxPeriod", "saveComment"));
            DhcpServer s = server(p);
            return KeaHaObjects.toApi(ha.sync(c.actor(), s, p.string("peerName"), p.integer("maxPeriod"), c.saveComment()));
        });
        rpc.register("SetKeaHAScopes", c -> {
            Params p = c.params().allowOnly(Set.of("session", "dhcpServerRef", "scopes", "saveComment"));
            DhcpServer s = server(p);
            return KeaHaObjects.toApi(ha.scopes(c.actor(), s, p.strings("scopes"), c.saveComment()));
        });
        rpc.register("StartKeaHAMaintenance", c -> KeaHaObjects.toApi(ha.maintenanceStart(c.actor(), simple(c), c.saveComment())));
        rpc.register("CancelKeaHAMaintenance", c -> KeaHaObjects.toApi(ha.maintenanceCancel(c.actor(), simple(c), c.saveComment())));
        rpc.register("ContinueKeaHA", c -> KeaHaObjects.toApi(ha.continueStateMachine(c.actor(), simple(c), c.saveComment())));
    }

    /** The server of an action without arguments; a misspelt parameter is an error, not silently ignored. */
    private DhcpServer simple(RpcCall c) {
        return server(c.params().allowOnly(Set.of("session", "dhcpServerRef", "saveComment")));
    }

    private DhcpServer server(Params p) {
        return ha.keaServer("dhcpServerRef", p.requiredString("dhcpServerRef"));
    }
}
