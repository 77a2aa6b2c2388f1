package org.tandem.http;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.tandem.failover.FailoverService;
import org.tandem.http.rpc.MicetroCommands;
import org.tandem.http.rpc.RpcCall;
import org.tandem.scope.AddressBlock;
import org.tandem.scope.DhcpScope;
import org.tandem.scope.ScopeService;

/**
 * The failover part of Micetro's scope and pool commands: scopes carry their authority and
 * relationship, pools the relationship and its servers, and AddDHCPScope takes a relationship.
 *
 * <p>AddDHCPScope with {@code dhcpFailoverRelationshipName}: the scope is created with the pools in
 * {@code dhcpAddressPools} ({@code [{"from", "to"}]}; a failover scope needs at least one), then added
 * to the relationship. If that fails, the new scope and its pools are removed again, so the command
 * either does all of it or nothing.
 */
public final class FailoverApiExtras implements MicetroCommands.Extras {

    private final FailoverService failover;
    private final ScopeService scopes;

    public FailoverApiExtras(FailoverService failover, ScopeService scopes) {
        this.failover = failover;
        this.scopes = scopes;
    }

    @Override
    public void decorate(ObjectNode scopeNode, DhcpScope scope) {
        FailoverObjects.decorate(scopeNode, scope, failover);
    }

    @Override
    public void decorate(ObjectNode blockNode, AddressBlock block, AddressBlock.Kind kind) {
        if (kind == AddressBlock.Kind.POOL) {
            FailoverObjects.decorate(blockNode, block, failover, scopes);
        }
    }

    @Override
    public void scopeAdded(RpcCall call, DhcpScope created) {
        Params p = call.params();
        String relationship = p.string("dhcpFailoverRelationshipName");
        List<Params> pools = p.objects("dhcpAddressPools");
        if (relationship == null && pools == null) {
            return;
        }
        try {
            List<String[]> blocks = new ArrayList<>();
            for (Params pool : pools == null ? List.<Params>of() : pools) {
                blocks.add(ApiObjects.blockFromApi(pool));
            }
            for (String[] b : blocks) {
                scopes.addBlock(call.actor(), call.saveComment(), AddressBlock.Kind.POOL, "dhcpScope", created.ref(),
                        "dhcpAddressPools", b[0], b[1]);
            }
            if (relationship != null) {
                failover.addScopes(call.actor(), null, relationship, List.of(created.ref()), call.saveComment(), false);
            }
        } catch (RuntimeException e) {
            // Pools go with the scope (ON DELETE CASCADE).
            scopes.removeScope(call.actor(), "undo: " + e.getMessage(), "dhcpScope", created.ref());
            throw e;
        }
    }
}
