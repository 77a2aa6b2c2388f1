package org.tandem.http.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.Set;
import org.tandem.auth.Actor;
import org.tandem.auth.AuthService;
import org.tandem.http.ApiObjects;
import org.tandem.http.Json;
import org.tandem.http.KeaHaObjects;
import org.tandem.http.Params;
import org.tandem.http.Requests;
import org.tandem.kea.ha.KeaHaService;
import org.tandem.servers.DhcpServer;

/**
 * The Kea HA actions under REST v2, with the JSON-RPC commands' parameter names; each answers 200
 * {@code {result: {dhcpServerRef, server, command, arguments, answer, haStateBefore}}}:
 * <pre>
 * POST /dhcpServers/{server}/ha/sync                 {peerName?, maxPeriod?, saveComment?}   SyncKeaHALeases
 * POST /dhcpServers/{server}/ha/scopes               {scopes, saveComment?}                  SetKeaHAScopes
 * POST /dhcpServers/{server}/ha/maintenance/start    {saveComment?}                          StartKeaHAMaintenance
 * POST /dhcpServers/{server}/ha/maintenance/cancel   {saveComment?}                          CancelKeaHAMaintenance
 * POST /dhcpServers/{server}/ha/continue             {saveComment?}                          ContinueKeaHA
 * </pre>
 */
public final class KeaHaRest {

    private static final String PATH = RestApi.BASE + "/dhcpServers/{server}/ha";

    private final AuthService auth;
    private final KeaHaService ha;
    private final long maxBodyBytes;

    public KeaHaRest(AuthService auth, KeaHaService ha, long maxBodyBytes) {
        this.auth = auth;
        this.ha = ha;
        this.maxBodyBytes = maxBodyBytes;
    }

    public void install(RoutesConfig r) {
        r.post(PATH + "/sync", ctx -> {
            Actor a = actor(ctx);
            Params p = body(ctx).allowOnly(Set.of("peerName", "maxPeriod", "saveComment"));
            DhcpServer s = server(ctx);
            ok(ctx, KeaHaObjects.toApi(ha.sync(a, s, p.string("peerName"), p.integer("maxPeriod"), p.string("saveComment"))));
        });
        r.post(PATH + "/scopes", ctx -> {
            Actor a = actor(ctx);
            Params p = body(ctx).allowOnly(Set.of("scopes", "saveComment"));
            DhcpServer s = server(ctx);
            ok(ctx, KeaHaObjects.toApi(ha.scopes(a, s, p.strings("scopes"), p.string("saveComment"))));
        });
        r.post(PATH + "/maintenance/start", ctx -> {
            Actor a = actor(ctx);
            Params p = body(ctx).allowOnly(Set.of("saveComment"));
            ok(ctx, KeaHaObjects.toApi(ha.maintenanceStart(a, server(ctx), p.string("saveComment"))));
        });
        r.post(PATH + "/maintenance/cancel", ctx -> {
            Actor a = actor(ctx);
            Params p = body(ctx).allowOnly(Set.of("saveComment"));
            ok(ctx, KeaHaObjects.toApi(ha.maintenanceCancel(a, server(ctx), p.string("saveComment"))));
        });
        r.post(PATH + "/continue", ctx -> {
            Actor a = actor(ctx);
            Params p = body(ctx).allowOnly(Set.of("saveComment"));
            ok(ctx, KeaHaObjects.toApi(ha.continueStateMachine(a, server(ctx), p.string("saveComment"))));
        });
    }

    private Actor actor(Context ctx) {
        return Requests.caller(ctx, auth, null);
    }

    private DhcpServer server(Context ctx) {
        return ha.keaServer("server", ctx.pathParam("server"));
    }

    /** An empty body is fine here: every field of these actions is optional but {@code scopes}. */
    private Params body(Context ctx) throws Requests.BodyTooLarge, IOException {
        return Requests.objectBody(ctx, maxBodyBytes);
    }

    private static void ok(Context ctx, JsonNode result) {
        ctx.status(200).contentType("application/json").result(Json.write(ApiObjects.single("result", result)));
    }
}
