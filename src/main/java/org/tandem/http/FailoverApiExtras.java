package org.tandem.http;

import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.tandem.common.UserError;
import org.tandem.change.ChangeResult;
import org.tandem.failover.FailoverRelationship;
import org.tandem.failover.FailoverService;
import org.tandem.failover.ScopeWrites;
import org.tandem.http.rpc.MicetroCommands;
import org.tandem.http.rpc.RpcCall;
import org.tandem.scope.AddressBlock;
import org.tandem.scope.DhcpScope;
import org.tandem.scope.ScopeService;

/**
 * The failover part of Micetro's scope and pool commands: scopes carry their authority and
 * relationship, pools the relationship and its servers, and AddDHCPScope takes a relationship.
 *
 * <p>AddDHCPScope with {@code dhcpFailoverRelationshipName}: the scope is created on its server with the
 * pools in {@code dhcpAddressPools} ({@code [{"from", "to"}]}; a failover scope needs at least one), then
 * added to the relationship. If that fails, the new scope is removed again (from its server too), so the
 * command either does all of it or nothing.
 */
public final class FailoverApiExtras implements MicetroCommands.Extras {

    private final FailoverService failover;
    private final ScopeService scopes;
    private final ScopeWrites writes;

    public FailoverApiExtras(FailoverService failover, ScopeService scopes, ScopeWrites writes) {
        this.failover = failover;
        this.scopes = scopes;
        this.writes = writes;
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

    /** A relationship that does not exist or does not have the scope's server is refused before the scope is made. */
    @Override
    public void beforeScopeAdded(RpcCall call, boolean dryRun) {
        String relationship = call.params().string("dhcpFailoverRelationshipName");
        if (relationship == null) {
            return;
        }
        if (dryRun) {
            throw UserError.invalid("dryRun", "a dry run of AddDHCPScope cannot include adding the new scope to failover relationship \""
                    + relationship + "\"; dry-run the scope without dhcpFailoverRelationshipName");
        }
        Params scope = call.params().object("dhcpScope");
        String server = scope == null ? null : scope.string("dhcpServerRef");
        if (server != null) {
            failover.get(server, relationship);
        }
    }

    @Override
    public ChangeResult scopeAdded(RpcCall call, DhcpScope created) {
        String relationship = call.params().string("dhcpFailoverRelationshipName");
        if (relationship == null || failover.relationshipOf(created).map(FailoverRelationship::name).filter(relationship::equals).isPresent()) {
            // On a Kea HA server the new scope is in the pair's relationship from the start (Kea 2.2's HA is server-wide).
            return null;
        }
        try {
            return failover.addScopes(call.actor(), null, relationship, List.of(created.ref()), call.saveComment(), false).change();
        } catch (RuntimeException e) {
            // The scope is on its server already: take it off there too, with its pools.
            writes.removeScope(call.actor(), "undo: " + e.getMessage(), "dhcpScope", created.ref(), false);
            throw e;
        }
    }
}
