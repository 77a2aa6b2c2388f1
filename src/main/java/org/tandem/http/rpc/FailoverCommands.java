package org.tandem.http.rpc;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.tandem.common.UserError;
import org.tandem.failover.FailoverCheck;
import org.tandem.failover.FailoverRelationship;
import org.tandem.failover.FailoverService;
import org.tandem.failover.LiveStates;
import org.tandem.http.ApiObjects;
import org.tandem.http.FailoverObjects;
import org.tandem.http.MigrationObjects;
import org.tandem.http.Params;
import org.tandem.migrate.KeaMigration;
import org.tandem.scope.DhcpScope;
import org.tandem.servers.DhcpServer;

/**
 * Micetro's DHCP failover commands over JSON-RPC, with Micetro's parameter names, plus the "Manage
 * scope instances" commands. Every write takes {@code saveComment} and {@code dryRun}; its answer
 * carries each server's diff ({@code changes}), which a dry run computes without changing anything.
 * {@code MigrateDHCPFailoverRelationshipToKea} (Tandem's own) moves a dhcpd relationship to two Kea servers.
 */
public final class FailoverCommands {

    /** The seeds' misspelt name for AddDHCPScopesToDHCPFailoverRelationship, accepted as an alias. */
    public static final String SEED_ALIAS = "AdsdDHCPScopesFromDHCPFailoverRelationship";

    private static final Set<String> ADD_SCOPES = Set.of("dhcpServerRef", "dhcpFailoverRelationshipName", "dhcpScopeRefs", "saveComment",
            "dryRun");

    private final FailoverService failover;
    private final FailoverCheck check;
    private final LiveStates live;
    private final KeaMigration migration;

    public FailoverCommands(FailoverService failover, FailoverCheck check, LiveStates live, KeaMigration migration) {
        this.failover = failover;
        this.check = check;
        this.live = live;
        this.migration = migration;
    }

    public void registerAll(RpcDispatcher rpc) {
        rpc.register("GetDHCPFailoverRelationships", Set.of("dhcpServerRef"), c -> {
            String serverRef = c.params().string("dhcpServerRef");
            DhcpServer viewer = serverRef == null ? null : failover.serverByRef(serverRef);
            List<FailoverRelationship> all = failover.list(serverRef);
            ObjectNode n = ApiObjects.JSON.createObjectNode();
            ArrayNode items = n.putArray("dhcpFailoverRelationships");
            all.forEach(r -> items.add(FailoverObjects.toApi(r, failover, live, viewer)));
            n.put("totalResults", all.size());
            return n;
        });
        rpc.register("GetDHCPFailoverRelationship", Set.of("dhcpServerRef", "dhcpFailoverRelationshipName"), c -> {
            Params p = c.params();
            String serverRef = p.requiredString("dhcpServerRef");
            FailoverRelationship r = failover.get(serverRef, p.requiredString("dhcpFailoverRelationshipName"));
            return ApiObjects.single("dhcpFailoverRelationship", FailoverObjects.toApi(r, failover, live, failover.serverByRef(serverRef)));
        });
        rpc.register("AddDHCPFailoverRelationship", Set.of("dhcpFailoverRelationship", "saveComment", "dryRun"), c -> FailoverObjects.toApi(failover.add(c.actor(),
                FailoverObjects.specFromApi(c.params().object("dhcpFailoverRelationship")), c.saveComment(), dryRun(c))));
        rpc.register("ModifyDHCPFailoverRelationship", Set.of("dhcpFailoverRelationship", "saveComment", "dryRun"), c -> FailoverObjects.toApi(failover.modify(c.actor(),
                FailoverObjects.specFromApi(c.params().object("dhcpFailoverRelationship")), c.saveComment(), dryRun(c))));
        rpc.register("RemoveDHCPFailoverRelationships", Set.of("dhcpRefAndFailoverRelationshipNames", "dhcpFailoverRelationshipDeconfigureAction", "saveComment", "dryRun"), this::remove);
        rpc.register("CheckDHCPFailover", Set.of("dhcpServerRef", "dhcpFailoverRelationshipName"), c -> FailoverObjects.toApi(check.check(c.params().string("dhcpServerRef"),
                c.params().string("dhcpFailoverRelationshipName"))));
        rpc.register("ReplicateDHCPFailover", Set.of("dhcpServerRef", "dhcpFailoverRelationshipName", "dhcpScopeRef", "saveComment", "dryRun"), c -> {
            Params p = c.params();
            return FailoverObjects.toApi(failover.replicate(c.actor(), p.requiredString("dhcpServerRef"), p.string("dhcpFailoverRelationshipName"),
                    p.string("dhcpScopeRef"), c.saveComment(), dryRun(c)));
        });
        rpc.register("AddDHCPScopesToDHCPFailoverRelationship", ADD_SCOPES, this::addScopes);
        rpc.register(SEED_ALIAS, ADD_SCOPES, this::addScopes);
        rpc.register("RemoveDHCPScopesFromDHCPFailoverRelationship", Set.of("dhcpServerRef", "dhcpFailoverRelationshipName", "dhcpScopeRefs", "dhcpFailoverRelationshipDeconfigureAction", "saveComment", "dryRun"), c -> {
            Params p = c.params();
            return FailoverObjects.toApi(failover.removeScopes(c.actor(), p.string("dhcpServerRef"),
                    p.requiredString("dhcpFailoverRelationshipName"), p.strings("dhcpScopeRefs"), action(p), c.saveComment(), dryRun(c)));
        });

        Set<String> migrate = new java.util.HashSet<>(MigrationObjects.PARAMETERS);
        migrate.add("dhcpFailoverRelationshipName");
        rpc.register("MigrateDHCPFailoverRelationshipToKea", migrate, c -> MigrationObjects.toApi(migration.migrate(c.actor(),
                MigrationObjects.request(c.params().requiredString("dhcpFailoverRelationshipName"), c.params()))));

        rpc.register("GetDHCPScopeInstances", Set.of("dhcpScopeRef"), c -> {
            List<DhcpScope> all = failover.instances(c.params().requiredString("dhcpScopeRef"));
            ObjectNode n = ApiObjects.JSON.createObjectNode();
            ArrayNode items = n.putArray("dhcpScopes");
            for (DhcpScope s : all) {
                ObjectNode item = ApiObjects.toApi(s);
                FailoverObjects.decorate(item, s, failover);
                items.add(item);
            }
            n.put("totalResults", all.size());
            return n;
        });
        rpc.register("AddDHCPScopeInstance", Set.of("dhcpScopeRef", "dhcpServerRef", "saveComment", "dryRun"), c -> FailoverObjects.toApi(failover.addInstance(c.actor(),
                c.params().requiredString("dhcpScopeRef"), c.params().requiredString("dhcpServerRef"), c.saveComment(), dryRun(c))));
        rpc.register("RemoveDHCPScopeInstance", Set.of("dhcpScopeRef", "saveComment", "dryRun"), c -> FailoverObjects.toApi(failover.removeInstance(c.actor(),
                c.params().requiredString("dhcpScopeRef"), c.saveComment(), dryRun(c))));
    }

    private Object addScopes(RpcCall c) {
        Params p = c.params();
        return FailoverObjects.toApi(failover.addScopes(c.actor(), p.string("dhcpServerRef"), p.requiredString("dhcpFailoverRelationshipName"),
                p.strings("dhcpScopeRefs"), c.saveComment(), dryRun(c)));
    }

    /** Removes each named relationship in turn; the answer lists each one's outcome. */
    private Object remove(RpcCall c) {
        Params p = c.params();
        List<Params> items = p.objects("dhcpRefAndFailoverRelationshipNames");
        if (items == null || items.isEmpty()) {
            throw UserError.invalid("dhcpRefAndFailoverRelationshipNames", "name at least one relationship");
        }
        FailoverService.DeconfigureAction action = action(p);
        List<String[]> targets = new ArrayList<>();
        for (Params item : items) {
            item.allowOnly(java.util.Set.of("dhcpServerRef", "dhcpFailoverRelationshipName"));
            targets.add(new String[] {item.string("dhcpServerRef"), item.requiredString("dhcpFailoverRelationshipName")});
        }
        ObjectNode n = ApiObjects.JSON.createObjectNode();
        ArrayNode results = n.putArray("results");
        for (String[] t : targets) {
            results.add(FailoverObjects.toApi(failover.remove(c.actor(), t[0], t[1], action, c.saveComment(), dryRun(c))));
        }
        return n;
    }

    private static FailoverService.DeconfigureAction action(Params p) {
        return FailoverService.DeconfigureAction.parse("dhcpFailoverRelationshipDeconfigureAction",
                p.string("dhcpFailoverRelationshipDeconfigureAction"));
    }

    private static boolean dryRun(RpcCall c) {
        Boolean b = c.params().bool("dryRun");
        return b != null && b;
    }
}
