package org.tandem.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.tandem.auth.Actor;
import org.tandem.central.Central;
import org.tandem.common.UserError;

/** The signed-in user's own account: changing its password (any role; the current password is required). */
final class AccountPages {

    private final Central central;
    private final Pages pages;

    AccountPages(Central central, Pages pages) {
        this.central = central;
        this.pages = pages;
    }

    void install(RoutesConfig r) {
        r.get("/ui/account/password", ctx -> render(ctx, null, null));
        r.post("/ui/account/password", this::change);
    }

    private void change(Context ctx) {
        Actor actor = Pages.actor(ctx);
        String old = orEmpty(ctx.formParam("oldPassword"));
        String fresh = orEmpty(ctx.formParam("newPassword"));
        if (!fresh.equals(orEmpty(ctx.formParam("repeatPassword")))) {
            ctx.status(400);
            render(ctx, "New password again: does not match the new password.", null);
            return;
        }
        try {
            // Keeps this browser's session, ends the others (a stolen session stops working).
            central.auth().changePassword(actor, old, fresh, ctx.cookie(WebSession.COOKIE), ctx.ip());
        } catch (UserError e) {
            ctx.status(400);
            render(ctx, label(e.getMessage()), null);
            return;
        }
        render(ctx, null, "Your password was changed; your other sessions have ended.");
    }

    /** The service names fields as the API does; the page names them as its labels do. */
    private static String label(String message) {
        return message.replaceFirst("^oldPassword: ", "Current password: ").replaceFirst("^newPassword: ", "New password: ");
    }

    private void render(Context ctx, String error, String done) {
        pages.views.render(ctx, "password", "page", pages.page(ctx, "Change password", "account"), "error", error, "done", done);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
