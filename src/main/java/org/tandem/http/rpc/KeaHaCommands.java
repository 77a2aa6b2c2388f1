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
        rpc.register("SyncKeaHALeases", Set.of("dhcpServerRef", "peerName", "maxPeriod", "saveComment"), c -> {
            Params p = c.params();
            DhcpServer s = server(p);
            return KeaHaObjects.toApi(ha.sync(c.actor(), s, p.string("peerName"), p.integer("maxPeriod"), c.saveComment()));
        });
        rpc.register("SetKeaHAScopes", Set.of("dhcpServerRef", "scopes", "saveComment"), c -> {
            Params p = c.params();
            DhcpServer s = server(p);
            return KeaHaObjects.toApi(ha.scopes(c.actor(), s, p.strings("scopes"), c.saveComment()));
        });
        rpc.register("StartKeaHAMaintenance", SIMPLE, c -> KeaHaObjects.toApi(ha.maintenanceStart(c.actor(), simple(c), c.saveComment())));
        rpc.register("CancelKeaHAMaintenance", SIMPLE, c -> KeaHaObjects.toApi(ha.maintenanceCancel(c.actor(), simple(c), c.saveComment())));
        rpc.register("ContinueKeaHA", SIMPLE, c -> KeaHaObjects.toApi(ha.continueStateMachine(c.actor(), simple(c), c.saveComment())));
    }

    /** The parameters of an action without arguments. */
    private static final Set<String> SIMPLE = Set.of("dhcpServerRef", "saveComment");

    private DhcpServer simple(RpcCall c) {
        return server(c.params());
    }

    private DhcpServer server(Params p) {
        return ha.keaServer("dhcpServerRef", p.requiredString("dhcpServerRef"));
    }
}
