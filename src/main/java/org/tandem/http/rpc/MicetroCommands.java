package org.tandem.http.rpc;

import static org.tandem.http.ApiObjects.list;
import static org.tandem.http.ApiObjects.ref;
import static org.tandem.http.ApiObjects.single;
import static org.tandem.http.ApiObjects.toApi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.tandem.auth.AuthService;
import org.tandem.changelog.ChangeLog;
import org.tandem.http.ApiObjects;
import org.tandem.http.Params;
import org.tandem.scope.AddressBlock;
import org.tandem.scope.DhcpScope;
import org.tandem.scope.ScopeService;
import org.tandem.servers.ServerService;

/** Micetro's JSON-RPC commands for servers, ranges, scopes, pools, exclusions, reservations, users and history. */
public final class MicetroCommands {

    private final AuthService auth;
    private final ServerService servers;
    private final ScopeService scopes;
    private final ChangeLog changes;

    /**
     * What other parts of Tandem add to these commands: fields of scopes and pools (failover) and a
     * step after a scope is created (putting it into a failover relationship). Nothing by default.
     */
    public interface Extras {
        default void decorate(ObjectNode scopeNode, DhcpScope scope) {
        }

        default void decorate(ObjectNode blockNode, AddressBlock block, AddressBlock.Kind kind) {
        }

        /** Runs after AddDHCPScope created {@code created}; throwing leaves it to the extra to undo the scope. */
        default void scopeAdded(RpcCall call, DhcpScope created) {
        }
    }

    private final Extras extras;

    public MicetroCommands(AuthService auth, ServerService servers, ScopeService scopes, ChangeLog changes) {
        this(auth, servers, scopes, changes, new Extras() { });
    }

    public MicetroCommands(AuthService auth, ServerService servers, ScopeService scopes, ChangeLog changes, Extras extras) {
        this.auth = auth;
        this.servers = servers;
        this.scopes = scopes;
        this.changes = changes;
        this.extras = extras;
    }

    public void registerAll(RpcDispatcher rpc) {
        rpc.registerPublic("Login", this::login);
        rpc.register("Logout", this::logout);

        rpc.register("GetDHCPServers", c -> list("dhcpServers", servers.list(c.listQuery()), ApiObjects::toApi));
        rpc.register("GetDHCPServer", c -> single("dhcpServer", toApi(servers.get("dhcpServerRef", c.params().requiredString("dhcpServerRef")))));
        rpc.register("AddDHCPServer", c -> ref(servers.add(c.actor(), c.saveComment(), "dhcpServer",
                ApiObjects.serverFromApi(c.params().object("dhcpServer"))).ref()));
        rpc.register("RemoveDHCPServer", c -> {
            servers.remove(c.actor(), c.saveComment(), "dhcpServerRef", c.params().requiredString("dhcpServerRef"));
            return empty();
        });

        rpc.register("GetRanges", c -> list("ranges", scopes.ranges(c.listQuery()), ApiObjects::toApi));
        rpc.register("GetRange", c -> single("range", toApi(scopes.range("rangeRef", c.params().requiredString("rangeRef")))));
        rpc.register("AddRange", c -> ref(scopes.addRange(c.actor(), c.saveComment(), "range",
                ApiObjects.rangeFromApi(c.params().object("range"))).ref()));
        rpc.register("RemoveRange", c -> {
            scopes.removeRange(c.actor(), c.saveComment(), "rangeRef", c.params().requiredString("rangeRef"));
            return empty();
        });

        rpc.register("GetDHCPScopes", c -> list("dhcpScopes", scopes.scopes(c.listQuery()), this::scopeToApi));
        rpc.register("GetDHCPScope", c -> single("dhcpScope", scopeToApi(scopes.scope("dhcpScopeRef", c.params().requiredString("dhcpScopeRef")))));
        rpc.register("AddDHCPScope", c -> {
            DhcpScope created = scopes.addScope(c.actor(), c.saveComment(), "dhcpScope", ApiObjects.scopeFromApi(c.params().object("dhcpScope")));
            extras.scopeAdded(c, created);
            return ref(created.ref());
        });
        rpc.register("ModifyDHCPScope", c -> {
            Params p = c.params();
            scopes.modifyScope(c.actor(), c.saveComment(), "dhcpScopeRef", p.requiredString("dhcpScopeRef"), "properties",
                    ApiObjects.scopeChangesFromApi(p.object("properties")));
            return empty();
        });
        rpc.register("RemoveDHCPScope", c -> {
            scopes.removeScope(c.actor(), c.saveComment(), "dhcpScopeRef", c.params().requiredString("dhcpScopeRef"));
            return empty();
        });

        registerBlocks(rpc, AddressBlock.Kind.POOL, "DHCPAddressPool", "dhcpAddressPool");
        registerBlocks(rpc, AddressBlock.Kind.EXCLUSION, "DHCPExclusion", "dhcpExclusion");

        rpc.register("GetDHCPReservations", c -> list("dhcpReservations",
                scopes.reservations(scopeParam(c.params()), scopeRef(c.params()), c.listQuery()), ApiObjects::toApi));
        rpc.register("GetDHCPReservation", c -> single("dhcpReservation",
                toApi(scopes.reservation("dhcpReservationRef", c.params().requiredString("dhcpReservationRef")))));
        rpc.register("AddDHCPReservation", c -> {
            Params p = c.params();
            String scopeParam = scopeParam(p);
            return ref(scopes.addReservation(c.actor(), c.saveComment(), scopeParam, p.requiredString(scopeParam), "dhcpReservation",
                    ApiObjects.reservationFromApi(p.object("dhcpReservation"))).ref());
        });
        rpc.register("RemoveDHCPReservation", c -> {
            scopes.removeReservation(c.actor(), c.saveComment(), "dhcpReservationRef", c.params().requiredString("dhcpReservationRef"));
            return empty();
        });

        rpc.register("GetChangeHistory", c -> list("changes", changes.history(c.listQuery()), ApiObjects::toApi));

        rpc.register("GetUsers", c -> list("users", auth.users(c.listQuery()), ApiObjects::toApi));
        rpc.register("AddUser", c -> {
            String[] u = ApiObjects.userFromApi(c.params().object("user"));
            return ref(auth.addUser(c.actor(), c.saveComment(), "user", u[0], u[1], u[2]).ref());
        });
        rpc.register("RemoveUser", c -> {
            auth.removeUser(c.actor(), c.saveComment(), "userRef", c.params().requiredString("userRef"));
            return empty();
        });
    }

    private void registerBlocks(RpcDispatcher rpc, AddressBlock.Kind kind, String name, String key) {
        rpc.register("Get" + name + "s", c -> list(kind.resource,
                scopes.blocks(kind, "dhcpScopeRef", c.params().string("dhcpScopeRef"), c.listQuery()), b -> blockToApi(b, kind)));
        rpc.register("Get" + name, c -> single(key, blockToApi(scopes.block(kind, key + "Ref", c.params().requiredString(key + "Ref")), kind)));
        rpc.register("Add" + name, c -> {
            String[] fromTo = ApiObjects.blockFromApi(c.params().object(key));
            return ref(scopes.addBlock(c.actor(), c.saveComment(), kind, "dhcpScopeRef", c.params().requiredString("dhcpScopeRef"),
                    key, fromTo[0], fromTo[1]).ref(kind));
        });
        rpc.register("Remove" + name, c -> {
            scopes.removeBlock(c.actor(), c.saveComment(), kind, key + "Ref", c.params().requiredString(key + "Ref"));
            return empty();
        });
    }

    private ObjectNode scopeToApi(DhcpScope s) {
        ObjectNode n = toApi(s);
        extras.decorate(n, s);
        return n;
    }

    private ObjectNode blockToApi(AddressBlock b, AddressBlock.Kind kind) {
        ObjectNode n = toApi(b, kind);
        extras.decorate(n, b, kind);
        return n;
    }

    private Object login(RpcCall c) {
        // Micetro clients also send "server" (which Central to use); there is only this one.
        String session = auth.login(c.params().requiredString("loginName"), c.params().requiredString("password"), c.sourceAddress());
        return Map.of("session", session);
    }

    private Object logout(RpcCall c) {
        String session = c.sessionToken();
        if (session != null) {
            auth.logout(session);
        }
        return empty();
    }

    /** Micetro names a reservation's scope {@code owner}; {@code dhcpScopeRef} is accepted too. */
    private static String scopeParam(Params p) {
        return p.has("owner") ? "owner" : "dhcpScopeRef";
    }

    private static String scopeRef(Params p) {
        return p.string(scopeParam(p));
    }

    private static ObjectNode empty() {
        return ApiObjects.JSON.createObjectNode();
    }
}
