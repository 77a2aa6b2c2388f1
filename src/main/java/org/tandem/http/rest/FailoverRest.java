package org.tandem.http.rest;

import java.io.IOException;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.tandem.auth.Actor;
import org.tandem.auth.AuthService;
import org.tandem.common.UserError;
import org.tandem.failover.FailoverCheck;
import org.tandem.failover.FailoverRelationship;
import org.tandem.failover.FailoverService;
import org.tandem.failover.LiveStates;
import org.tandem.http.ApiObjects;
import org.tandem.http.FailoverObjects;
import org.tandem.http.MigrationObjects;
import org.tandem.migrate.KeaMigration;
import org.tandem.http.Json;
import org.tandem.http.Params;
import org.tandem.http.Requests;
import org.tandem.scope.DhcpScope;
import org.tandem.servers.DhcpServer;

/**
 * The failover commands under REST v2, with the JSON-RPC commands' parameter names:
 * <pre>
 * GET    /dhcpServers/{server}/failoverRelationships                       list
 * POST   /dhcpServers/{server}/failoverRelationships                       add    {dhcpFailoverRelationship, saveComment, dryRun}
 * GET    /dhcpServers/{server}/failoverRelationships/{name}                get
 * PUT    /dhcpServers/{server}/failoverRelationships/{name}                modify {dhcpFailoverRelationship, saveComment, dryRun}
 * DELETE /dhcpServers/{server}/failoverRelationships/{name}                remove {dhcpFailoverRelationshipDeconfigureAction, saveComment, dryRun}
 * POST   /dhcpServers/{server}/failoverRelationships/{name}/dhcpScopes     add scopes    {dhcpScopeRefs, saveComment, dryRun}
 * DELETE /dhcpServers/{server}/failoverRelationships/{name}/dhcpScopes     remove scopes {dhcpScopeRefs, dhcpFailoverRelationshipDeconfigureAction, ...}
 * GET    /dhcpScopes/{scope}/instances                                     scope instances
 * POST   /dhcpScopes/{scope}/instances                                     add instance  {dhcpServerRef, saveComment, dryRun}
 * DELETE /dhcpScopes/{scope}/instance                                      remove this instance {saveComment, dryRun}
 * GET    /failoverCheck?dhcpServerRef=&amp;dhcpFailoverRelationshipName=           the consistency check's findings
 * POST   /dhcpServers/{server}/failoverRelationships/{name}/migrateToKea   {keaServerRefs, acceptUnexpressedLines, saveComment, dryRun}
 * POST   /dhcpServers/{server}/replicateFailover                           repair the secondary {dhcpFailoverRelationshipName, dhcpScopeRef, ...}
 * </pre>
 */
public final class FailoverRest {

    private static final String SERVER_PATH = RestApi.BASE + "/dhcpServers/{server}/failoverRelationships";

    private final AuthService auth;
    private final FailoverService failover;
    private final FailoverCheck check;
    private final KeaMigration migration;
    private final LiveStates live;
    private final long maxBodyBytes;

    public FailoverRest(AuthService auth, FailoverService failover, FailoverCheck check, LiveStates live, KeaMigration migration,
            long maxBodyBytes) {
        this.auth = auth;
        this.migration = migration;
        this.failover = failover;
        this.check = check;
        this.live = live;
        this.maxBodyBytes = maxBodyBytes;
    }

    public void install(RoutesConfig r) {
        r.get(SERVER_PATH, ctx -> {
            actor(ctx);
            DhcpServer viewer = failover.serverByRef(ctx.pathParam("server"));
            List<FailoverRelationship> all = failover.list(viewer.ref());
            ObjectNode n = ApiObjects.JSON.createObjectNode();
            ArrayNode items = n.putArray("dhcpFailoverRelationships");
            all.forEach(rel -> items.add(FailoverObjects.toApi(rel, failover, live, viewer)));
            n.put("totalResults", all.size());
            ok(ctx, 200, n);
        });
        r.post(SERVER_PATH, ctx -> {
            Actor a = actor(ctx);
            Params p = body(ctx).allowOnly(Set.of("dhcpFailoverRelationship", "saveComment", "dryRun"));
            ok(ctx, 201, FailoverObjects.toApi(failover.add(a, FailoverObjects.specFromApi(p.object("dhcpFailoverRelationship")),
                    p.string("saveComment"), dryRun(p))));
        });
        r.get(SERVER_PATH + "/{name}", ctx -> {
            actor(ctx);
            DhcpServer viewer = failover.serverByRef(ctx.pathParam("server"));
            ok(ctx, 200, ApiObjects.single("dhcpFailoverRelationship",
                    FailoverObjects.toApi(failover.get(viewer.ref(), ctx.pathParam("name")), failover, live, viewer)));
        });
        r.put(SERVER_PATH + "/{name}", ctx -> {
            Actor a = actor(ctx);
            Params p = body(ctx).allowOnly(Set.of("dhcpFailoverRelationship", "saveComment", "dryRun"));
            FailoverRelationship existing = failover.get(ctx.pathParam("server"), ctx.pathParam("name"));
            FailoverService.Spec in = FailoverObjects.specFromApi(p.object("dhcpFailoverRelationship"));
            if (in.name() != null && !in.name().equals(existing.name())) {
                throw UserError.invalid("dhcpFailoverRelationship.name", "a relationship cannot be renamed; remove it and add a new one");
            }
            FailoverService.Spec named = new FailoverService.Spec(existing.name(), in.primaryServer(), in.secondaryServer(), in.failoverMode(),
                    in.percentage(), in.mclt(), in.port(), in.peerPort(), in.loadBalanceMaxSeconds(), in.maxResponseDelay(),
                    in.maxUnackedUpdates(), in.heartbeatDelay(), in.maxAckDelay(), in.maxUnackedClients(), in.autoFailover(),
                    in.primaryAddress(), in.secondaryAddress());
            ok(ctx, 200, FailoverObjects.toApi(failover.modify(a, named, p.string("saveComment"), dryRun(p))));
        });
        r.delete(SERVER_PATH + "/{name}", ctx -> {
            Actor a = actor(ctx);
            Params p = body(ctx).allowOnly(Set.of("dhcpFailoverRelationshipDeconfigureAction", "saveComment", "dryRun"));
            ok(ctx, 200, FailoverObjects.toApi(failover.remove(a, ctx.pathParam("server"), ctx.pathParam("name"), action(p),
                    p.string("saveComment"), dryRun(p))));
        });
        r.post(SERVER_PATH + "/{name}/dhcpScopes", ctx -> {
            Actor a = actor(ctx);
            Params p = body(ctx).allowOnly(Set.of("dhcpScopeRefs", "saveComment", "dryRun"));
            ok(ctx, 200, FailoverObjects.toApi(failover.addScopes(a, ctx.pathParam("server"), ctx.pathParam("name"),
                    p.strings("dhcpScopeRefs"), p.string("saveComment"), dryRun(p))));
        });
        r.delete(SERVER_PATH + "/{name}/dhcpScopes", ctx -> {
            Actor a = actor(ctx);
            Params p = body(ctx).allowOnly(Set.of("dhcpScopeRefs", "dhcpFailoverRelationshipDeconfigureAction", "saveComment", "dryRun"));
            ok(ctx, 200, FailoverObjects.toApi(failover.removeScopes(a, ctx.pathParam("server"), ctx.pathParam("name"),
                    p.strings("dhcpScopeRefs"), action(p), p.string("saveComment"), dryRun(p))));
        });
        r.post(SERVER_PATH + "/{name}/migrateToKea", ctx -> {
            Actor a = actor(ctx);
            Params p = body(ctx).allowOnly(MigrationObjects.PARAMETERS);
            FailoverRelationship existing = failover.get(ctx.pathParam("server"), ctx.pathParam("name"));
            ok(ctx, 200, MigrationObjects.toApi(migration.migrate(a, MigrationObjects.request(existing.name(), p))));
        });
        r.get(RestApi.BASE + "/failoverCheck", ctx -> {
            actor(ctx);
            ok(ctx, 200, FailoverObjects.toApi(check.check(ctx.queryParam("dhcpServerRef"), ctx.queryParam("dhcpFailoverRelationshipName"))));
        });
        r.post(RestApi.BASE + "/dhcpServers/{server}/replicateFailover", ctx -> {
            Actor a = actor(ctx);
            Params p = body(ctx).allowOnly(Set.of("dhcpFailoverRelationshipName", "dhcpScopeRef", "saveComment", "dryRun"));
            ok(ctx, 200, FailoverObjects.toApi(failover.replicate(a, ctx.pathParam("server"), p.string("dhcpFailoverRelationshipName"),
                    p.string("dhcpScopeRef"), p.string("saveComment"), dryRun(p))));
        });
        r.get(RestApi.BASE + "/dhcpScopes/{scope}/instances", ctx -> {
            actor(ctx);
            List<DhcpScope> all = failover.instances(ctx.pathParam("scope"));
            ObjectNode n = ApiObjects.JSON.createObjectNode();
            ArrayNode items = n.putArray("dhcpScopes");
            for (DhcpScope s : all) {
                ObjectNode item = ApiObjects.toApi(s);
                FailoverObjects.decorate(item, s, failover);
                items.add(item);
            }
            n.put("totalResults", all.size());
            ok(ctx, 200, n);
        });
        r.post(RestApi.BASE + "/dhcpScopes/{scope}/instances", ctx -> {
            Actor a = actor(ctx);
            Params p = body(ctx).allowOnly(Set.of("dhcpServerRef", "saveComment", "dryRun"));
            ok(ctx, 201, FailoverObjects.toApi(failover.addInstance(a, ctx.pathParam("scope"), p.requiredString("dhcpServerRef"),
                    p.string("saveComment"), dryRun(p))));
        });
        r.delete(RestApi.BASE + "/dhcpScopes/{scope}/instance", ctx -> {
            Actor a = actor(ctx);
            Params p = body(ctx).allowOnly(Set.of("saveComment", "dryRun"));
            ok(ctx, 200, FailoverObjects.toApi(failover.removeInstance(a, ctx.pathParam("scope"), p.string("saveComment"), dryRun(p))));
        });
    }

    private Actor actor(Context ctx) {
        return Requests.caller(ctx, auth, null);
    }

    private Params body(Context ctx) throws Requests.BodyTooLarge, IOException {
        return Requests.objectBody(ctx, maxBodyBytes);
    }

    private static FailoverService.DeconfigureAction action(Params p) {
        return FailoverService.DeconfigureAction.parse("dhcpFailoverRelationshipDeconfigureAction",
                p.string("dhcpFailoverRelationshipDeconfigureAction"));
    }

    private static boolean dryRun(Params p) {
        Boolean b = p.bool("dryRun");
        return b != null && b;
    }

    private static void ok(Context ctx, int status, JsonNode result) {
        ctx.status(status).contentType("application/json").result(Json.write(ApiObjects.single("result", result)));
    }
}
