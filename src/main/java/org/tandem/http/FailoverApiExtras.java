package org.tandem.http;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.tandem.change.ChangeResult;
import org.tandem.failover.FailoverRelationship;
import org.tandem.failover.FailoverService;
import org.tandem.failover.ScopeWrites;
import org.tandem.http.rpc.MicetroCommands;
import org.tandem.http.rpc.RpcCall;
import org.tandem.scope.AddressBlock;
import org.tandem.scope.DhcpScope;
import org.tandem.net.Ipv4Range;
import org.tandem.scope.ScopeService;
import org.tandem.servers.ServerType;

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
        String server = serverRef(call);
        if (relationship != null && server != null) {
            failover.get(server, relationship);
        }
    }

    /**
     * The dry run's diffs as the command would leave both servers: on dhcpd, the failover peer and the subnet on both
     * (planned for the scope not made yet); on a Kea HA server the scope write already covers both peers.
     */
    @Override
    public ScopeWrites.Outcome<DhcpScope> scopeAddedDryRun(RpcCall call, ScopeWrites.Outcome<DhcpScope> scopeOnly) {
        String relationship = call.params().string("dhcpFailoverRelationshipName");
        if (relationship == null) {
            return scopeOnly;
        }
        String server = serverRef(call);
        FailoverRelationship r = failover.get(server, relationship);
        if (failover.server(r.primaryServerId()).type() != ServerType.ISC) {
            return scopeOnly;
        }
        Params range = call.params().has("range") ? call.params().object("range") : null;
        Ipv4Range subnet = range != null ? Ipv4Range.parseCidr("range.subnet", range.string("subnet"))
                : scopes.range("dhcpScope.rangeRef", call.params().object("dhcpScope").string("rangeRef")).addresses();
        List<Ipv4Range> pools = new ArrayList<>();
        List<Params> given = call.params().objects("dhcpAddressPools");
        for (int i = 0; given != null && i < given.size(); i++) {
            String[] fromTo = ApiObjects.blockFromApi(given.get(i));
            String f = "dhcpAddressPools[" + i + "]";
            pools.add(Ipv4Range.parse(f + ".from", fromTo[0], f + ".to", fromTo[1]));
        }
        FailoverService.Outcome both = failover.previewNewIscScope(call.actor(), server, relationship, subnet, pools, call.saveComment());
        return new ScopeWrites.Outcome<>(null, both.change());
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
            // The scope is on its server already: take it off there too, with its pools, and its range when this call made it.
            writes.removeScope(call.actor(), "undo: " + e.getMessage(), "dhcpScope", created.ref(), false);
            if (call.params().has("range")) {
                scopes.removeRange(call.actor(), "undo: " + e.getMessage(), "range", created.rangeRef());
            }
            throw e;
        }
    }

    private static String serverRef(RpcCall call) {
        return call.params().has("dhcpScope") ? call.params().object("dhcpScope").string("dhcpServerRef") : null;
    }
}
