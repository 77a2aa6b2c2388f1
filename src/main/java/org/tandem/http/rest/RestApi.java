package org.tandem.http.rest;

import static org.tandem.http.ApiObjects.list;
import static org.tandem.http.ApiObjects.ref;
import static org.tandem.http.ApiObjects.single;
import static org.tandem.http.ApiObjects.toApi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tandem.auth.Actor;
import org.tandem.auth.AuthService;
import org.tandem.changelog.ChangeLog;
import org.tandem.common.Text;
import org.tandem.common.UserError;
import org.tandem.failover.AddressRecords;
import org.tandem.failover.ScopeOptionWrites;
import org.tandem.failover.ScopeWrites;
import org.tandem.http.ApiObjects;
import org.tandem.http.FailoverObjects;
import org.tandem.http.ErrorCodes;
import org.tandem.http.Json;
import org.tandem.http.Params;
import org.tandem.http.Requests;
import org.tandem.scope.AddressBlock;
import org.tandem.scope.DhcpScope;
import org.tandem.scope.Range;
import org.tandem.scope.Reservation;
import org.tandem.scope.ScopeService;
import org.tandem.servers.ServerService;

/**
 * Micetro's REST API at {@code /mmws/api/v2/} (and, through {@link MicetroPaths}, at the unversioned
 * {@code /mmws/api/} with resource names in any case): {@code {"result":{...}}} answers, 201 with the new ref
 * on create, 204 on change and delete, {@code {"error":{code,message}}} otherwise. Arguments come from the
 * query string or the JSON body on every method, as Micetro takes them. Each resource's routes are declared
 * in one method. Path refs are ids or names without '/'.
 */
public final class RestApi {

    public static final String BASE = "/mmws/api/v2";
    private static final Logger log = LoggerFactory.getLogger(RestApi.class);

    private final AuthService auth;
    private final ServerService servers;
    private final ScopeService scopes;
    private final ScopeWrites writes;
    private final ScopeOptionWrites options;
    private final AddressRecords records;
    private final ChangeLog changes;
    private final long maxBodyBytes;

    public RestApi(AuthService auth, ServerService servers, ScopeService scopes, ScopeWrites writes, ScopeOptionWrites options,
            AddressRecords records, ChangeLog changes,
            long maxBodyBytes) {
        this.auth = auth;
        this.servers = servers;
        this.scopes = scopes;
        this.writes = writes;
        this.options = options;
        this.records = records;
        this.changes = changes;
        this.maxBodyBytes = maxBodyBytes;
    }

    public void install(RoutesConfig r) {
        // First: "/{resource}/propertyDefinitions" must win over "/{resource}/{ref}".
        propertyDefinitions(r);
        sessions(r);
        dhcpServers(r);
        ranges(r);
        dhcpScopes(r);
        blocks(r, AddressBlock.Kind.POOL, "dhcpAddressPool");
        blocks(r, AddressBlock.Kind.EXCLUSION, "dhcpExclusion");
        dhcpReservations(r);
        ipamRecords(r);
        changeHistory(r);
        users(r);
        rolesAndGroups(r);
        r.exception(UserError.class, (e, ctx) -> error(ctx, ErrorCodes.of(e.kind()).httpStatus(), ErrorCodes.of(e.kind()).code(), e.getMessage()));
        r.exception(Requests.BodyTooLarge.class, (e, ctx) -> error(ctx, 413, ErrorCodes.BODY_TOO_LARGE, e.getMessage()));
        r.exception(JsonProcessingException.class, (e, ctx) -> error(ctx, 400, ErrorCodes.PARSE_ERROR,
                "Parse error: the body is not valid JSON (" + Text.jsonProblem(e) + ")"));
    }

    private void sessions(RoutesConfig r) {
        r.post(BASE + "/micetro/sessions", ctx -> {
            Params p = body(ctx).allowOnly(Set.of("loginName", "password", "server"));
            String session = auth.login(p.requiredString("loginName"), p.requiredString("password"), ctx.ip());
            created(ctx, ApiObjects.JSON.createObjectNode().put("session", session));
        });
    }

    private void dhcpServers(RoutesConfig r) {
        String path = BASE + "/dhcpServers";
        r.get(path, ctx -> ok(ctx, list("dhcpServers", servers.list(query(ctx, actor(ctx))), ApiObjects::toApi)));
        r.post(path, ctx -> {
            Actor a = actor(ctx);
            Params p = body(ctx).allowOnly(Set.of("dhcpServer", "saveComment"));
            created(ctx, ref(servers.add(a, p.string("saveComment"), "dhcpServer", ApiObjects.serverFromApi(p.object("dhcpServer"))).ref()));
        });
        r.get(path + "/{ref}", ctx -> {
            noArguments(ctx, actor(ctx));
            ok(ctx, single("dhcpServer", toApi(servers.get("ref", ctx.pathParam("ref")))));
        });
        r.put(path + "/{ref}", ctx -> {
            Actor a = actor(ctx);
            Params p = body(ctx).allowOnly(Set.of("ref", "objType", "saveComment", "deleteUnspecified", "properties"));
            servers.modifyKeaHooksLocation(a, p.string("saveComment"), "ref", ctx.pathParam("ref"), "properties.keaHooksLocation",
                    ApiObjects.serverHooksFromApi(p.object("properties")));
            ctx.status(204);
        });
        r.delete(path + "/{ref}", ctx -> {
            Actor a = actor(ctx);
            servers.remove(a, deleteComment(body(ctx)), "ref", ctx.pathParam("ref"));
            ctx.status(204);
        });
    }

    private void ranges(RoutesConfig r) {
        String path = BASE + "/ranges";
        r.get(path, ctx -> ok(ctx, list("ranges", scopes.ranges(query(ctx, actor(ctx))), x -> toApi(x, scopes.scopesOf(x)))));
        r.post(path, ctx -> {
            Actor a = actor(ctx);
            Params p = body(ctx).allowOnly(Set.of("range", "saveComment"));
            created(ctx, ref(scopes.addRange(a, p.string("saveComment"), "range", ApiObjects.rangeFromApi(p.object("range"))).ref()));
        });
        r.get(path + "/{ref}", ctx -> {
            noArguments(ctx, actor(ctx));
            Range range = scopes.range("ref", ctx.pathParam("ref"));
            ok(ctx, single("range", toApi(range, scopes.scopesOf(range))));
        });
        // Micetro's NextFreeAddress. Its Ansible lookup sends the arguments in the query string and again in a GET body,
        // so here (unlike elsewhere) both are read, the query string winning.
        r.get(path + "/{ref}/nextFreeAddress", ctx -> {
            actor(ctx);
            Set<String> known = Set.of("excludeDHCP", "startAddress", "temporaryClaimTime", "ping");
            Params q = Params.ofQuery(ctx.queryParamMap()).allowOnly(known);
            Params b = Requests.objectBody(ctx, maxBodyBytes).allowOnly(known);
            NextFree args = NextFree.of(q, b);
            java.util.Optional<org.tandem.net.Ipv4Address> free = records.nextFree("ref", ctx.pathParam("ref"), "startAddress",
                    args.startAddress(), args.excludeDhcp());
            if (free.isEmpty()) {
                ctx.status(204);   // Micetro answers an empty result when the range is full
                return;
            }
            ok(ctx, ApiObjects.JSON.createObjectNode().put("address", free.get().toString()));
        });
        r.delete(path + "/{ref}", ctx -> {
            Actor a = actor(ctx);
            scopes.removeRange(a, deleteComment(body(ctx)), "ref", ctx.pathParam("ref"));
            ctx.status(204);
        });
    }

    private void dhcpScopes(RoutesConfig r) {
        String path = BASE + "/dhcpScopes";
        r.get(path, ctx -> ok(ctx, list("dhcpScopes", scopes.scopes(query(ctx, actor(ctx))), ApiObjects::toApi)));
        r.post(path, ctx -> {
            Actor a = actor(ctx);
            Params body = changeBody(ctx).allowOnly(Set.of("dhcpScope", "dhcpAddressPools", "saveComment"));
            List<String[]> pools = new ArrayList<>();
            List<Params> given = body.objects("dhcpAddressPools");
            for (Params pool : given == null ? List.<Params>of() : given) {
                pools.add(ApiObjects.blockFromApi(pool));
            }
            ScopeWrites.Outcome<DhcpScope> done = writes.addScope(a, body.string("saveComment"), "dhcpScope",
                    ApiObjects.scopeFromApi(body.object("dhcpScope")), pools, "dhcpAddressPools", dryRun(ctx));
            written(ctx, done, done.result() == null ? null : done.result().ref());
        });
        r.get(path + "/{ref}", ctx -> {
            noArguments(ctx, actor(ctx));
            ok(ctx, single("dhcpScope", toApi(scopes.scope("ref", ctx.pathParam("ref")))));
        });
        r.put(path + "/{ref}", ctx -> {
            Actor a = actor(ctx);
            // Micetro's update body; ref and objType are redundant with the path, deleteUnspecified is
            // meaningless for a scope's three editable properties, so they are accepted and ignored.
            Params p = changeBody(ctx).allowOnly(Set.of("ref", "objType", "saveComment", "deleteUnspecified", "properties"));
            written(ctx, writes.modifyScope(a, p.string("saveComment"), "ref", ctx.pathParam("ref"), "properties",
                    ApiObjects.scopeChangesFromApi(p.object("properties")), dryRun(ctx)), null);
        });
        r.delete(path + "/{ref}", ctx -> {
            Actor a = actor(ctx);
            written(ctx, writes.removeScope(a, deleteComment(changeBody(ctx)), "ref", ctx.pathParam("ref"), dryRun(ctx)), null);
        });
        // The scope's DHCP options, as its server has them (Micetro: GET|PUT DHCPScopes/N/Options).
        r.get(path + "/{ref}/options", ctx -> {
            actor(ctx);
            ok(ctx, ApiObjects.optionsToApi(options.options("ref", ctx.pathParam("ref"))));
        });
        r.put(path + "/{ref}/options", ctx -> {
            Actor a = actor(ctx);
            Params p = changeBody(ctx).allowOnly(Set.of("ref", "objType", "saveComment", "dhcpOptions"));
            written(ctx, options.setOptions(a, p.string("saveComment"), "ref", ctx.pathParam("ref"), ApiObjects.optionsFromApi(p, "dhcpOptions"),
                    dryRun(ctx)), null);
        });
    }

    private void blocks(RoutesConfig r, AddressBlock.Kind kind, String key) {
        String path = BASE + "/" + kind.resource;
        r.get(path, ctx -> ok(ctx, list(kind.resource, scopes.blocks(kind, null, null, query(ctx, actor(ctx))), b -> toApi(b, kind))));
        r.get(BASE + "/dhcpScopes/{scope}/" + kind.resource, ctx -> ok(ctx, list(kind.resource,
                scopes.blocks(kind, "scope", ctx.pathParam("scope"), query(ctx, actor(ctx))), b -> toApi(b, kind))));
        r.post(BASE + "/dhcpScopes/{scope}/" + kind.resource, ctx -> {
            Actor a = actor(ctx);
            Params p = (kind == AddressBlock.Kind.POOL ? changeBody(ctx) : body(ctx)).allowOnly(Set.of(key, "saveComment"));
            String[] fromTo = ApiObjects.blockFromApi(p.object(key));
            if (kind == AddressBlock.Kind.POOL) {
                ScopeWrites.Outcome<AddressBlock> done = writes.addPool(a, p.string("saveComment"), "scope", ctx.pathParam("scope"), key,
                        fromTo[0], fromTo[1], dryRun(ctx));
                written(ctx, done, done.result() == null ? null : done.result().ref(kind));
                return;
            }
            // Exclusions are Tandem's own: neither dhcpd.conf nor Kea has them.
            created(ctx, ref(scopes.addBlock(a, p.string("saveComment"), kind, "scope", ctx.pathParam("scope"), key, fromTo[0], fromTo[1]).ref(kind)));
        });
        r.get(path + "/{ref}", ctx -> {
            noArguments(ctx, actor(ctx));
            ok(ctx, single(key, toApi(scopes.block(kind, "ref", ctx.pathParam("ref")), kind)));
        });
        r.delete(path + "/{ref}", ctx -> {
            Actor a = actor(ctx);
            if (kind == AddressBlock.Kind.POOL) {
                written(ctx, writes.removePool(a, deleteComment(changeBody(ctx)), "ref", ctx.pathParam("ref"), dryRun(ctx)), null);
                return;
            }
            scopes.removeBlock(a, deleteComment(body(ctx)), kind, "ref", ctx.pathParam("ref"));
            ctx.status(204);
        });
    }

    private void dhcpReservations(RoutesConfig r) {
        String path = BASE + "/dhcpReservations";
        r.get(path, ctx -> ok(ctx, list("dhcpReservations", scopes.reservations(null, null, query(ctx, actor(ctx))), ApiObjects::toApi)));
        r.get(BASE + "/dhcpScopes/{scope}/dhcpReservations", ctx -> ok(ctx, list("dhcpReservations",
                scopes.reservations("scope", ctx.pathParam("scope"), query(ctx, actor(ctx))), ApiObjects::toApi)));
        r.post(BASE + "/dhcpScopes/{scope}/dhcpReservations", ctx -> {
            Actor a = actor(ctx);
            Params p = changeBody(ctx).allowOnly(Set.of("dhcpReservation", "saveComment"));
            ScopeWrites.Outcome<Reservation> done = writes.addReservation(a, p.string("saveComment"), "scope", ctx.pathParam("scope"),
                    "dhcpReservation", ApiObjects.reservationFromApi(p.object("dhcpReservation")), dryRun(ctx));
            if (done.existed()) {
                // The same reservation is there already (on a failover pair the first create made it on both instances).
                ok(ctx, FailoverObjects.putChange(ref(done.result().ref()).put("existed", true), null));
                return;
            }
            written(ctx, done, done.result() == null ? null : done.result().ref());
        });
        r.get(path + "/{ref}", ctx -> {
            noArguments(ctx, actor(ctx));
            ok(ctx, single("dhcpReservation", toApi(scopes.reservation("ref", ctx.pathParam("ref")))));
        });
        r.put(path + "/{ref}", ctx -> {
            Actor a = actor(ctx);
            // Micetro's update body; ref and objType are redundant with the path.
            Params p = changeBody(ctx).allowOnly(Set.of("ref", "objType", "saveComment", "deleteUnspecified", "properties"));
            Boolean deleteUnspecified = p.bool("deleteUnspecified");
            written(ctx, writes.modifyReservation(a, p.string("saveComment"), "ref", ctx.pathParam("ref"), "properties",
                    ApiObjects.reservationChangesFromApi(p.properties("properties"), deleteUnspecified != null && deleteUnspecified), dryRun(ctx)), null);
        });
        r.delete(path + "/{ref}", ctx -> {
            Actor a = actor(ctx);
            written(ctx, writes.removeReservation(a, deleteComment(changeBody(ctx)), "ref", ctx.pathParam("ref"), dryRun(ctx)), null);
        });
    }

    private void ipamRecords(RoutesConfig r) {
        // Micetro's ref of an address record is IPAMRecords/<address>.
        r.get(BASE + "/ipamRecords/{ref}", ctx -> {
            noArguments(ctx, actor(ctx));
            ok(ctx, single("ipamRecord", toApi(records.record("address", ctx.pathParam("ref")))));
        });
    }

    /** Tandem's two roles and its (no) groups, read-only. */
    private void rolesAndGroups(RoutesConfig r) {
        r.get(BASE + "/roles", ctx -> {
            query(ctx, actor(ctx));
            ok(ctx, ApiObjects.roles());
        });
        r.get(BASE + "/roles/{ref}", ctx -> {
            noArguments(ctx, actor(ctx));
            ok(ctx, single("role", toApi(ApiObjects.role("ref", ctx.pathParam("ref")))));
        });
        r.get(BASE + "/groups", ctx -> {
            query(ctx, actor(ctx));
            ok(ctx, ApiObjects.groups());
        });
    }

    /** Micetro's custom property definitions: Tandem has no custom properties, and says so instead of "no resource". */
    private void propertyDefinitions(RoutesConfig r) {
        for (String path : List.of(BASE + "/propertyDefinitions", BASE + "/{resource}/propertyDefinitions",
                BASE + "/propertyDefinitions/{ref}", BASE + "/{resource}/propertyDefinitions/{ref}")) {
            io.javalin.http.Handler refuse = ctx -> {
                actor(ctx);
                throw UserError.invalid("propertyDefinitions", PROPERTY_DEFINITIONS_UNSUPPORTED);
            };
            r.get(path, refuse);
            r.post(path, refuse);
            r.put(path, refuse);
            r.delete(path, refuse);
        }
    }

    /** Why property definitions are refused, for REST and JSON-RPC alike. */
    public static final String PROPERTY_DEFINITIONS_UNSUPPORTED = "not supported: Tandem has no custom properties, so it has no property"
            + " definitions to list, add, change or remove";

    /** NextFreeAddress's arguments, from the query string or the body (the query string wins). */
    record NextFree(boolean excludeDhcp, String startAddress) {
        static NextFree of(Params query, Params body) {
            Boolean exclude = flag(query, "excludeDHCP");
            exclude = exclude != null ? exclude : flag(body, "excludeDHCP");
            flag(query, "ping");
            flag(body, "ping");   // checked, not acted on: Tandem asks the DHCP servers for leases instead of pinging
            for (Params p : List.of(query, body)) {
                Long claim = p.integer("temporaryClaimTime");
                if (claim != null && claim != 0) {
                    throw UserError.invalid(p.path("temporaryClaimTime"), "Tandem has no address claims; give 0 or leave it out");
                }
            }
            String start = query.string("startAddress") != null ? query.string("startAddress") : body.string("startAddress");
            return new NextFree(exclude != null && exclude, start);
        }

        /** true/false, or Micetro's 1/0. */
        private static Boolean flag(Params p, String name) {
            if (!p.has(name)) {
                return null;
            }
            try {
                return p.bool(name);
            } catch (UserError notTrueOrFalse) {
                Long n = p.integer(name);
                if (n != null && (n == 0 || n == 1)) {
                    return n == 1;
                }
                throw UserError.invalid(p.path(name), "must be true or false (or 1 or 0)");
            }
        }
    }

    private void changeHistory(RoutesConfig r) {
        r.get(BASE + "/changeHistory", ctx -> ok(ctx, list("changes", changes.history(query(ctx, actor(ctx))), ApiObjects::toApi)));
    }

    private void users(RoutesConfig r) {
        String path = BASE + "/users";
        r.get(path, ctx -> ok(ctx, list("users", auth.users(query(ctx, actor(ctx))), ApiObjects::toApi)));
        r.post(path, ctx -> {
            Actor a = actor(ctx);
            Params p = body(ctx).allowOnly(Set.of("user", "saveComment"));
            ApiObjects.NewUser u = ApiObjects.userFromApi(p.object("user"));
            created(ctx, ref(auth.addUser(a, p.string("saveComment"), "user", u.name(), u.password(), u.role(), u.details()).ref()));
        });
        r.get(path + "/{ref}", ctx -> {
            noArguments(ctx, actor(ctx));
            ok(ctx, single("user", toApi(auth.user("ref", ctx.pathParam("ref")))));
        });
        r.put(path + "/{ref}", ctx -> {
            Actor a = actor(ctx);
            // Tandem's {"user": {...}} or Micetro's {"ref", "objType", "saveComment", "deleteUnspecified", "properties"}.
            Params p = body(ctx).allowOnly(Set.of("user", "saveComment", "ref", "objType", "deleteUnspecified", "properties"));
            String field = p.has("properties") ? "properties" : "user";
            Params changes = p.has("properties") ? p.properties("properties") : p.object("user");
            ApiObjects.UserChanges u = ApiObjects.userChangesFromApi(changes, auth.user("ref", ctx.pathParam("ref")).name());
            auth.modifyUser(a, p.string("saveComment"), field, ctx.pathParam("ref"), u.password(), u.role(), u.details());
            ctx.status(204);
        });
        // Micetro's role membership: PUT users/{ref}/roles/{role} gives the user that role. A Tandem user holds exactly one, so
        // DELETE of a role it does not hold (the one PUT just replaced) succeeds and changes nothing.
        r.put(path + "/{ref}/roles/{name}", ctx -> {
            Actor a = actor(ctx);
            Params p = body(ctx).allowOnly(Set.of("saveComment"));
            org.tandem.auth.Role role = ApiObjects.role("name", ctx.pathParam("name"));
            if (auth.user("ref", ctx.pathParam("ref")).role() != role) {
                auth.modifyUser(a, p.string("saveComment"), "user", ctx.pathParam("ref"), null, role.name());
            }
            ctx.status(204);
        });
        r.delete(path + "/{ref}/roles/{name}", ctx -> {
            actor(ctx);
            deleteComment(body(ctx));
            org.tandem.auth.Role role = ApiObjects.role("name", ctx.pathParam("name"));
            org.tandem.auth.User user = auth.user("ref", ctx.pathParam("ref"));
            if (user.role() == role) {
                throw UserError.conflict("User \"" + user.name() + "\" holds exactly one role, " + role + "; give it the other role"
                        + " (PUT " + path + "/" + user.id() + "/roles/{role}) instead of taking this one away");
            }
            ctx.status(204);
        });
        // One's own password, read-only users too (Requests.ownPasswordChange); the old one is required.
        r.put(path + "/{ref}/password", ctx -> {
            Actor a = actor(ctx);
            // Compared with the caller's own name and id, so another user's existence is not revealed.
            org.tandem.auth.User own = auth.user("ref", a.userName());
            String ref = ctx.pathParam("ref");
            if (!ref.equals(own.name()) && !ref.equals(String.valueOf(own.id()))) {
                throw new UserError(UserError.Kind.PERMISSION_DENIED, "ref",
                        "A user may change only its own password here; administrators set others' with PUT " + path + "/{ref}");
            }
            Params p = body(ctx).allowOnly(Set.of("oldPassword", "newPassword"));
            String header = ctx.header("Authorization");
            String session = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : null;
            auth.changePassword(a, p.requiredString("oldPassword"), p.requiredString("newPassword"), session, ctx.ip());
            ctx.status(204);
        });
        r.delete(path + "/{ref}", ctx -> {
            Actor a = actor(ctx);
            auth.removeUser(a, deleteComment(body(ctx)), "ref", ctx.pathParam("ref"));
            ctx.status(204);
        });
    }

    // ---- helpers

    private Actor actor(Context ctx) {
        return Requests.caller(ctx, auth, null);
    }

    private static final String ARGUMENTS = RestApi.class.getName() + ".arguments";
    private static final Set<String> LIST = Set.of("filter", "offset", "limit", "sortBy", "sortOrder");

    /** The request's arguments from the query string and the JSON body, read once per request. */
    private Params arguments(Context ctx) throws Requests.BodyTooLarge, IOException {
        Params cached = ctx.attribute(ARGUMENTS);
        if (cached == null) {
            cached = Requests.arguments(ctx, maxBodyBytes);
            ctx.attribute(ARGUMENTS, cached);
        }
        return cached;
    }

    /** List parameters (Micetro's filter, offset, limit, sortBy, sortOrder) from either place; the caller is checked first. */
    private org.tandem.store.ListQuery query(Context ctx, Actor checked) throws Requests.BodyTooLarge, IOException {
        return arguments(ctx).allowOnly(LIST).listQuery();
    }

    /** A read of one object takes no arguments; anything given is refused naming it rather than ignored. */
    private void noArguments(Context ctx, Actor checked) throws Requests.BodyTooLarge, IOException {
        arguments(ctx).allowOnly(Set.of());
    }

    /** A write's arguments; {@code dryRun} among them is refused as unknown, since this write has none. */
    private Params body(Context ctx) throws Requests.BodyTooLarge, IOException {
        return arguments(ctx);
    }

    /** The arguments of a write that reaches the servers and so takes {@code dryRun} (read by {@link #dryRun}), without it. */
    private Params changeBody(Context ctx) throws Requests.BodyTooLarge, IOException {
        return arguments(ctx).without("dryRun");
    }

    /** DELETE takes Micetro's optional {saveComment, forceRemoval, objType}, in the body or the query string. */
    private static String deleteComment(Params args) {
        return args.allowOnly(Set.of("saveComment", "forceRemoval", "objType")).string("saveComment");
    }

    /** {@code dryRun=true} (query string or body): every check and each server's diff, nothing changed. */
    private boolean dryRun(Context ctx) throws Requests.BodyTooLarge, IOException {
        Boolean b = arguments(ctx).bool("dryRun");
        return b != null && b;
    }

    /**
     * A scope write's answer: on a dry run 200 with each server's diff; else 201 with the new ref and the
     * diffs, or 204 for modifications and removals (Micetro's shapes).
     */
    private static void written(Context ctx, ScopeWrites.Outcome<?> done, String newRef) {
        if (done.change() != null && done.change().dryRun()) {
            ok(ctx, FailoverObjects.putChange(ApiObjects.JSON.createObjectNode(), done.change()));
        } else if (newRef != null) {
            created(ctx, FailoverObjects.putChange(ref(newRef), done.change()));
        } else {
            ctx.status(204);
        }
    }

    private static void ok(Context ctx, JsonNode result) {
        ctx.status(200).contentType("application/json").result(Json.write(ApiObjects.single("result", result)));
    }

    private static void created(Context ctx, JsonNode result) {
        ctx.status(201).contentType("application/json").result(Json.write(ApiObjects.single("result", result)));
    }

    /** Writes Micetro's error shape; also used for unknown routes and our own bugs. */
    public static void error(Context ctx, int status, int code, String message) {
        ObjectNode body = ApiObjects.JSON.createObjectNode();
        body.putObject("error").put("code", code).put("message", message);
        ctx.status(status).contentType("application/json").result(Json.write(body));
    }

    static void logBug(Exception e, Context ctx) {
        log.error("{} {} failed", ctx.method(), ctx.path(), e);
    }
}
