package org.tandem.web;

import io.javalin.config.JavalinConfig;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tandem.auth.Actor;
import org.tandem.central.Central;
import org.tandem.common.UserError;
import org.tandem.failover.LiveStates;

/**
 * The web application: server-rendered JTE pages with htmx, on Central's port. Every post carries the session's
 * CSRF token; every write goes through a Summary step that shows each server's config diff before it is applied.
 */
public final class WebUi implements Central.Extension {

    private static final Logger log = LoggerFactory.getLogger(WebUi.class);
    private static final Map<String, String> STATIC = Map.of(
            "htmx.min.js", "text/javascript", "app.js", "text/javascript", "app.css", "text/css");


    @Override
    public void install(Central central, JavalinConfig config) {
        WebSession session = new WebSession(central.auth(), WebKeys.get(central.database().jdbi(), WebKeys.CSRF));
        Views views = new Views();
        Pages pages = new Pages(session, views);
        FailoverRpc failover = new FailoverRpc(central.rpc());
        LiveStates liveStates = central.liveStates();
        RoutesConfig r = config.routes;
        r.get("/", ctx -> ctx.redirect("/ui/scopes"));
        r.get("/ui", ctx -> ctx.redirect("/ui/scopes"));
        r.get("/ui/static/{file}", WebUi::staticFile);
        login(r, central, session, views);
        guard(r, session);
        new ScopePages(central, failover, liveStates, pages).install(r);
        new ServicePages(central, failover, liveStates, pages).install(r);
        // Central's one Kea engine, so the configuration editor's writes and reads refresh what the change planners reuse.
        new KeaPages(central, central.failover().kea(), pages).install(r);
        new HistoryPages(central, pages).install(r);
        new AccountPages(central, pages).install(r);
    }

    private static void login(RoutesConfig r, Central central, WebSession session, Views views) {
        r.get("/login", ctx -> views.render(ctx, "login", "csrf", session.loginToken(ctx), "error", null, "user", ""));
        r.post("/login", ctx -> {
            String user = ctx.formParam("user") == null ? "" : ctx.formParam("user");
            if (!session.loginTokenValid(ctx)) {
                ctx.status(403);
                views.render(ctx, "login", "csrf", session.loginToken(ctx), "error",
                        "The sign-in form expired or came from another site; please sign in again.", "user", user);
                return;
            }
            try {
                // The caller's address, so the form shares the API's per-address throttle (issue 17, finding 3).
                String token = central.auth().login(user, ctx.formParam("password") == null ? "" : ctx.formParam("password"), ctx.ip());
                session.signIn(ctx, token);
                ctx.redirect("/ui/scopes");
            } catch (UserError e) {
                // A sign-in writes a session row: on a full or read-only disk it is refused with the database's words.
                ctx.status(e.kind() == UserError.Kind.STORAGE ? 503 : 401);
                views.render(ctx, "login", "csrf", session.loginToken(ctx), "error", e.getMessage(), "user", user);
            }
        });
        // Sign out ends the session whatever the form's token says: a stale token (a form from before a restart) must
        // not leave the user signed in believing they are out, and ending a session is no write worth forging.
        r.post("/logout", ctx -> {
            session.signOut(ctx);
            ctx.redirect("/login");
        });
    }

    /** Every /ui page needs a session; every /ui post also needs the CSRF token. */
    private static void guard(RoutesConfig r, WebSession session) {
        Handler check = ctx -> {
            if (ctx.path().startsWith("/ui/static/")) {
                return;
            }
            Actor actor = session.actor(ctx);
            if (actor == null) {
                if (ctx.header("HX-Request") != null) {
                    ctx.header("HX-Redirect", "/login");
                    ctx.skipRemainingHandlers().status(401);
                } else {
                    ctx.redirect("/login");
                    ctx.skipRemainingHandlers();
                }
                return;
            }
            // Anything but a GET needs the token (HEAD and OPTIONS too: nothing here needs them without it).
            if (!"GET".equals(ctx.method().name()) && !session.csrfValid(ctx)) {
                ctx.skipRemainingHandlers().status(403).html("<p class=\"error\" role=\"alert\">This form is out of date"
                        + " (its security token does not match your session). Reload the page and try again.</p>");
                return;
            }
            ctx.attribute("actor", actor);
        };
        r.before("/ui/*", check);
    }

    private static void staticFile(Context ctx) throws IOException {
        String file = ctx.pathParam("file");
        String type = STATIC.get(file);
        if (type == null) {
            ctx.status(404).result("");
            return;
        }
        try (InputStream in = WebUi.class.getResourceAsStream("/web/" + file)) {
            if (in == null) {
                log.error("static file {} is missing from the build", file);
                ctx.status(404).result("");
                return;
            }
            ctx.contentType(type).header("Cache-Control", "max-age=3600").result(in.readAllBytes());
        }
    }
}
