package org.tandem.http.rpc;

import static org.tandem.http.ApiObjects.list;
import static org.tandem.http.ApiObjects.ref;
import static org.tandem.http.ApiObjects.single;
import static org.tandem.http.ApiObjects.toApi;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tandem.auth.AuthService;
import org.tandem.change.ChangeResult;
import org.tandem.changelog.ChangeLog;
import org.tandem.common.UserError;
import org.tandem.failover.AddressRecords;
import org.tandem.failover.ScopeOptionWrites;
import org.tandem.failover.ScopeWrites;
import org.tandem.http.ApiObjects;
import org.tandem.http.FailoverObjects;
import org.tandem.http.Params;
import org.tandem.scope.AddressBlock;
import org.tandem.scope.DhcpScope;
import org.tandem.scope.Range;
import org.tandem.scope.Reservation;
import org.tandem.scope.ScopeService;
import org.tandem.servers.ServerService;
import org.tandem.store.ListQuery;

/** Micetro's JSON-RPC commands for servers, ranges, scopes, pools, exclusions, reservations, users and history. */
public final class MicetroCommands {

    private final AuthService auth;
    private final ServerService servers;
    private final ScopeService scopes;
    private final ScopeWrites writes;
    private final ScopeOptionWrites options;
    private final AddressRecords records;
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

        /**
         * Runs after AddDHCPScope created {@code created} (not on a dry run); throwing leaves it to the extra
         * to undo the scope. Returns the change it made on the servers, or null.
         */
        default ChangeResult scopeAdded(RpcCall call, DhcpScope created) {
            return null;
        }

        /**
         * Checks AddDHCPScope's parameters the extra handles before anything is written: refuses what a dry run cannot
         * show, and what {@link #scopeAdded} would refuse after the scope was made.
         */
        default void beforeScopeAdded(RpcCall call, boolean dryRun) {
        }

        /** AddDHCPScope's dry run: {@code scopeOnly} (the scope write's own) with what the extra's step would change too. */
        default ScopeWrites.Outcome<DhcpScope> scopeAddedDryRun(RpcCall call, ScopeWrites.Outcome<DhcpScope> scopeOnly) {
            return scopeOnly;
        }
    }

    private final Extras extras;

    /** Micetro's list parameters, which every Get...s command takes. */
    static final Set<String> LIST = Set.of("filter", "offset", "limit", "sortBy", "sortOrder");

    static Set<String> listWith(String... more) {
        return with(LIST, more);
    }

    static Set<String> with(Set<String> base, String... more) {
        Set<String> all = new java.util.HashSet<>(base);
        all.addAll(List.of(more));
        return Set.copyOf(all);
    }

    public MicetroCommands(AuthService auth, ServerService servers, ScopeService scopes, ScopeWrites writes, ScopeOptionWrites options,
            AddressRecords records,
            ChangeLog changes, Extras extras) {
        this.auth = auth;
        this.servers = servers;
        this.scopes = scopes;
        this.writes = writes;
        this.options = options;
        this.records = records;
        this.changes = changes;
        this.extras = extras;
    }

    public void registerAll(RpcDispatcher rpc) {
        rpc.registerPublic("Login", Set.of("loginName", "password", "server"), this::login);
        rpc.register("Logout", Set.of(), this::logout);

        rpc.register("GetDHCPServers", LIST, c -> list("dhcpServers", servers.list(c.listQuery()), ApiObjects::toApi));
        rpc.register("GetDHCPServer", Set.of("dhcpServerRef"), c -> single("dhcpServer", toApi(servers.get("dhcpServerRef", c.params().requiredString("dhcpServerRef")))));
        rpc.register("AddDHCPServer", Set.of("dhcpServer", "saveComment"), c -> ref(servers.add(c.actor(), c.saveComment(), "dhcpServer",
                ApiObjects.serverFromApi(c.params().object("dhcpServer"))).ref()));
        rpc.register("ModifyDHCPServer", Set.of("dhcpServerRef", "properties", "saveComment"), c -> {
            Params p = c.params();
            servers.modifyKeaHooksLocation(c.actor(), c.saveComment(), "dhcpServerRef", p.requiredString("dhcpServerRef"),
                    "properties.keaHooksLocation", ApiObjects.serverHooksFromApi(p.object("properties")));
            return empty();
        });
        rpc.register("RemoveDHCPServer", Set.of("dhcpServerRef", "saveComment"), c -> {
            servers.remove(c.actor(), c.saveComment(), "dhcpServerRef", c.params().requiredString("dhcpServerRef"));
            return empty();
        });

        rpc.register("GetRanges", LIST, c -> list("ranges", scopes.ranges(c.listQuery()), r -> toApi(r, scopes.scopesOf(r))));
        rpc.register("GetRange", Set.of("rangeRef"), c -> {
            Range range = scopes.range("rangeRef", c.params().requiredString("rangeRef"));
            return single("range", toApi(range, scopes.scopesOf(range)));
        });
        rpc.register("GetNextFreeAddress", Set.of("rangeRef", "excludeDHCP", "startAddress", "temporaryClaimTime", "ping"), c -> {
            Params p = c.params();
            Long claim = p.integer("temporaryClaimTime");
            if (claim != null && claim != 0) {
                throw UserError.invalid("temporaryClaimTime", "Tandem has no address claims; give 0 or leave it out");
            }
            p.bool("ping");   // checked, not acted on: Tandem asks the DHCP servers for leases instead of pinging
            Boolean exclude = p.bool("excludeDHCP");
            ObjectNode n = ApiObjects.JSON.createObjectNode();
            records.nextFree("rangeRef", p.requiredString("rangeRef"), "startAddress", p.string("startAddress"), exclude != null && exclude)
                    .ifPresentOrElse(a -> n.put("address", a.toString()), () -> n.putNull("address"));
            return n;
        });
        rpc.register("GetIPAMRecord", Set.of("addrRef"), c -> {
            String addr = c.params().requiredString("addrRef");
            // Micetro's addrRef is "IPAMRecords/<address>" or the address itself.
            int slash = addr.lastIndexOf('/');
            return single("ipamRecord", toApi(records.record("addrRef", slash >= 0 ? addr.substring(slash + 1) : addr)));
        });
        rpc.register("AddRange", Set.of("range", "saveComment"), c -> ref(scopes.addRange(c.actor(), c.saveComment(), "range",
                ApiObjects.rangeFromApi(c.params().object("range"))).ref()));
        rpc.register("RemoveRange", Set.of("rangeRef", "saveComment"), c -> {
            scopes.removeRange(c.actor(), c.saveComment(), "rangeRef", c.params().requiredString("rangeRef"));
            return empty();
        });

        rpc.register("GetDHCPScopes", listWith("dhcpServerRef"), c -> list("dhcpScopes", scopes.scopes(onServer(c)), this::scopeToApi));
        rpc.register("GetDHCPScope", Set.of("dhcpScopeRef"), c -> single("dhcpScope", scopeToApi(scopes.scope("dhcpScopeRef", c.params().requiredString("dhcpScopeRef")))));
        rpc.register("AddDHCPScope", Set.of("dhcpScope", "dhcpAddressPools", "range", "dhcpFailoverRelationshipName", "saveComment", "dryRun"), c -> {
            boolean dryRun = dryRun(c);
            extras.beforeScopeAdded(c, dryRun);
            List<String[]> pools = new ArrayList<>();
            List<Params> given = c.params().objects("dhcpAddressPools");
            for (Params pool : given == null ? List.<Params>of() : given) {
                pools.add(ApiObjects.blockFromApi(pool));
            }
            ScopeWrites.Outcome<DhcpScope> done;
            if (c.params().has("range")) {
                Params range = c.params().object("range");
                // A Tandem extension: the range made in the same write as the scope, so a refused scope leaves no range
                // behind (which the next sync would take for an overlap and skip the real subnet).
                Params scope = c.params().object("dhcpScope");
                if (scope.present("rangeRef")) {
                    throw UserError.invalid("dhcpScope.rangeRef", "give either dhcpScope.rangeRef or range, not both");
                }
                scope.allowOnly(Set.of("name", "dhcpServerRef"));
                done = writes.addScopeInNewRange(c.actor(), c.saveComment(), "range", ApiObjects.rangeFromApi(range), "dhcpScope",
                        scope.requiredString("dhcpServerRef"), scope.string("name"), pools, "dhcpAddressPools", dryRun);
            } else {
                done = writes.addScope(c.actor(), c.saveComment(), "dhcpScope",
                        ApiObjects.scopeFromApi(c.params().object("dhcpScope")), pools, "dhcpAddressPools", dryRun);
            }
            if (dryRun) {
                done = extras.scopeAddedDryRun(c, done);
            }
            ChangeResult failover = dryRun ? null : extras.scopeAdded(c, done.result());
            ObjectNode n = answer(done, done.result() == null ? null : done.result().ref());
            if (failover != null) {
                // The scope's own write, then the failover change on both servers: every diff the command made.
                FailoverObjects.addDiffs((ArrayNode) n.get("changes"), failover);
            }
            return n;
        });
        rpc.register("ModifyDHCPScope", Set.of("dhcpScopeRef", "properties", "saveComment", "dryRun"), c -> {
            Params p = c.params();
            return answer(writes.modifyScope(c.actor(), c.saveComment(), "dhcpScopeRef", p.requiredString("dhcpScopeRef"), "properties",
                    ApiObjects.scopeChangesFromApi(p.object("properties")), dryRun(c)), null);
        });
        rpc.register("RemoveDHCPScope", Set.of("dhcpScopeRef", "saveComment", "dryRun"), c -> answer(writes.removeScope(c.actor(), c.saveComment(), "dhcpScopeRef",
                c.params().requiredString("dhcpScopeRef"), dryRun(c)), null));
        // Read from and written to the scope's servers; Micetro's includeInherited is refused, Tandem has only the scope's own.
        rpc.register("GetDHCPScopeOptions", Set.of("dhcpScopeRef"),
                c -> ApiObjects.optionsToApi(options.options("dhcpScopeRef", c.params().requiredString("dhcpScopeRef"))));
        rpc.register("SetDHCPScopeOptions", Set.of("dhcpScopeRef", "dhcpOptions", "saveComment", "dryRun"), c -> {
            Params p = c.params();
            return answer(options.setOptions(c.actor(), c.saveComment(), "dhcpScopeRef", p.requiredString("dhcpScopeRef"),
                    ApiObjects.optionsFromApi(p, "dhcpOptions"), dryRun(c)), null);
        });

        registerBlocks(rpc, AddressBlock.Kind.POOL, "DHCPAddressPool", "dhcpAddressPool");
        registerBlocks(rpc, AddressBlock.Kind.EXCLUSION, "DHCPExclusion", "dhcpExclusion");

        rpc.register("GetDHCPReservations", listWith("owner", "dhcpScopeRef"), c -> list("dhcpReservations",
                scopes.reservations(scopeParam(c.params()), scopeRef(c.params()), c.listQuery()), ApiObjects::toApi));
        rpc.register("GetDHCPReservation", Set.of("dhcpReservationRef"), c -> single("dhcpReservation",
                toApi(scopes.reservation("dhcpReservationRef", c.params().requiredString("dhcpReservationRef")))));
        rpc.register("AddDHCPReservation", Set.of("owner", "dhcpScopeRef", "dhcpReservation", "saveComment", "dryRun"), c -> {
            Params p = c.params();
            String scopeParam = scopeParam(p);
            ScopeWrites.Outcome<Reservation> done = writes.addReservation(c.actor(), c.saveComment(), scopeParam, p.requiredString(scopeParam),
                    "dhcpReservation", ApiObjects.reservationFromApi(p.object("dhcpReservation")), dryRun(c));
            ObjectNode n = answer(done, done.result() == null ? null : done.result().ref());
            if (done.existed()) {
                n.put("existed", true);
            }
            return n;
        });
        rpc.register("ModifyDHCPReservation", Set.of("dhcpReservationRef", "ref", "objType", "properties", "deleteUnspecified", "saveComment",
                "dryRun"), c -> {
            Params p = c.params();
            String refParam = p.has("dhcpReservationRef") ? "dhcpReservationRef" : "ref";
            Boolean deleteUnspecified = p.bool("deleteUnspecified");
            return answer(writes.modifyReservation(c.actor(), c.saveComment(), refParam, p.requiredString(refParam), "properties",
                    ApiObjects.reservationChangesFromApi(p.properties("properties"), deleteUnspecified != null && deleteUnspecified), dryRun(c)), null);
        });
        rpc.register("RemoveDHCPReservation", Set.of("dhcpReservationRef", "saveComment", "dryRun"), c -> answer(writes.removeReservation(c.actor(), c.saveComment(), "dhcpReservationRef",
                c.params().requiredString("dhcpReservationRef"), dryRun(c)), null));

        rpc.register("GetChangeHistory", LIST, c -> list("changes", changes.history(c.listQuery()), ApiObjects::toApi));

        rpc.register("GetUsers", LIST, c -> list("users", auth.users(c.listQuery()), ApiObjects::toApi));
        rpc.register("AddUser", Set.of("user", "saveComment"), c -> {
            ApiObjects.NewUser u = ApiObjects.userFromApi(c.params().object("user"));
            return ref(auth.addUser(c.actor(), c.saveComment(), "user", u.name(), u.password(), u.role(), u.details()).ref());
        });
        rpc.register("GetRoles", LIST, c -> {
            c.listQuery();
            return ApiObjects.roles();
        });
        rpc.register("GetGroups", LIST, c -> {
            c.listQuery();
            return ApiObjects.groups();
        });
        for (String command : List.of("GetPropertyDefinitions", "AddPropertyDefinition", "ModifyPropertyDefinition", "RemovePropertyDefinition")) {
            // Whatever is asked, the answer is "not supported".
            rpc.register(command, Set.of("propertyDefinition", "propertyDefinitions", "ref", "objType", "saveComment", "filter", "offset",
                    "limit", "sortBy", "sortOrder", "name"), c -> {
                throw UserError.invalid("propertyDefinitions", org.tandem.http.rest.RestApi.PROPERTY_DEFINITIONS_UNSUPPORTED);
            });
        }
        // Any signed-in user, read-only ones too, may change its own password (RpcDispatcher.openToReadOnly).
        rpc.register("ChangePassword", Set.of("oldPassword", "newPassword"), c -> {
            auth.changePassword(c.actor(), c.params().requiredString("oldPassword"), c.params().requiredString("newPassword"),
                    c.sessionToken(), c.sourceAddress());
            return empty();
        });
        rpc.register("ModifyUser", Set.of("userRef", "user", "properties", "ref", "objType", "deleteUnspecified", "saveComment"), c -> {
            Params p = c.params();
            String userRef = p.requiredString("userRef");
            String field = p.has("properties") ? "properties" : "user";
            Params given = p.has("properties") ? p.properties("properties") : p.object("user");
            ApiObjects.UserChanges u = ApiObjects.userChangesFromApi(given, auth.user("userRef", userRef).name());
            return ref(auth.modifyUser(c.actor(), c.saveComment(), field, userRef, u.password(), u.role(), u.details()).ref());
        });
        rpc.register("RemoveUser", Set.of("userRef", "saveComment"), c -> {
            auth.removeUser(c.actor(), c.saveComment(), "userRef", c.params().requiredString("userRef"));
            return empty();
        });
    }

    private void registerBlocks(RpcDispatcher rpc, AddressBlock.Kind kind, String name, String key) {
        String ref = key + "Ref";
        // Exclusions are Tandem's own and never reach a server, so their writes have no dry run.
        Set<String> write = kind == AddressBlock.Kind.POOL ? Set.of("saveComment", "dryRun") : Set.of("saveComment");
        rpc.register("Get" + name + "s", listWith("dhcpScopeRef"), c -> list(kind.resource,
                scopes.blocks(kind, "dhcpScopeRef", c.params().string("dhcpScopeRef"), c.listQuery()), b -> blockToApi(b, kind)));
        rpc.register("Get" + name, Set.of(ref), c -> single(key, blockToApi(scopes.block(kind, key + "Ref", c.params().requiredString(key + "Ref")), kind)));
        rpc.register("Add" + name, with(write, key, "dhcpScopeRef"), c -> {
            String[] fromTo = ApiObjects.blockFromApi(c.params().object(key));
            if (kind == AddressBlock.Kind.POOL) {
                ScopeWrites.Outcome<AddressBlock> done = writes.addPool(c.actor(), c.saveComment(), "dhcpScopeRef",
                        c.params().requiredString("dhcpScopeRef"), key, fromTo[0], fromTo[1], dryRun(c));
                return answer(done, done.result() == null ? null : done.result().ref(kind));
            }
            // Exclusions are Tandem's own: neither dhcpd.conf nor Kea has them.
            return ref(scopes.addBlock(c.actor(), c.saveComment(), kind, "dhcpScopeRef", c.params().requiredString("dhcpScopeRef"),
                    key, fromTo[0], fromTo[1]).ref(kind));
        });
        rpc.register("Remove" + name, with(write, ref), c -> {
            if (kind == AddressBlock.Kind.POOL) {
                return answer(writes.removePool(c.actor(), c.saveComment(), key + "Ref", c.params().requiredString(key + "Ref"), dryRun(c)), null);
            }
            scopes.removeBlock(c.actor(), c.saveComment(), kind, key + "Ref", c.params().requiredString(key + "Ref"));
            return empty();
        });
    }

    /** GetDHCPScopes' {@code dhcpServerRef}: only that server's scopes (an unknown server is an error naming the parameter). */
    private ListQuery onServer(RpcCall c) {
        ListQuery q = c.listQuery();
        String serverRef = c.params().string("dhcpServerRef");
        if (serverRef == null) {
            return q;
        }
        String own = "dhcpServerRef=" + servers.get("dhcpServerRef", serverRef).ref();
        return new ListQuery(q.filter() == null ? own : own + " AND " + q.filter(), q.offset(), q.limit(), q.sortBy(), q.descending());
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

    /** A write's answer: the new object's ref (absent on a dry run and for removals), and what reached the servers. */
    private static ObjectNode answer(ScopeWrites.Outcome<?> done, String ref) {
        ObjectNode n = ApiObjects.JSON.createObjectNode();
        if (ref != null) {
            n.put("ref", ref);
        }
        return FailoverObjects.putChange(n, done.change());
    }

    private static boolean dryRun(RpcCall c) {
        Boolean b = c.params().bool("dryRun");
        return b != null && b;
    }

    private static ObjectNode empty() {
        return ApiObjects.JSON.createObjectNode();
    }
}
