package org.tandem.web;

import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tandem.auth.Actor;
import org.tandem.common.UserError;
import org.tandem.web.View.Dialog;
import org.tandem.web.View.Field;
import org.tandem.web.View.ServerDiff;

/**
 * What every page class shares: the page header values, and the two-step dialog (fields, then a Summary with each
 * server's diff from a dry run, then the real write) with errors shown next to the field that caused them.
 */
final class Pages {

    private static final Logger log = LoggerFactory.getLogger(Pages.class);
    /** Form values that are not the user's input and are never carried into the Summary step. */
    private static final Set<String> NOT_VALUES = Set.of(WebSession.CSRF_FIELD, "step", "saveComment");

    /** The dry run of a dialog: the servers' diffs, and a note when something is worth saying first. */
    record Preview(List<ServerDiff> diffs, String note) {}

    @FunctionalInterface
    interface Previewer {
        Preview run(Actor actor, Map<String, String> values);
    }

    /** Performs the write and returns where to go afterwards. */
    @FunctionalInterface
    interface Applier {
        String run(Actor actor, Map<String, String> values, String saveComment);
    }

    /** A dialog's fixed parts: title, where it posts, the final button, and its fields for the current values. */
    record DialogSpec(String title, String action, String submitLabel, Function<Map<String, String>, List<Field>> fields) {}

    final WebSession session;
    final Views views;

    Pages(WebSession session, Views views) {
        this.session = session;
        this.views = views;
    }

    static Actor actor(Context ctx) {
        return ctx.attribute("actor");
    }

    View.Page page(Context ctx, String title, String section) {
        Actor a = actor(ctx);
        return new View.Page(title, a.userName(), a.role().name(), session.csrf(ctx), section);
    }

    static Map<String, String> values(Context ctx) {
        Map<String, String> v = new LinkedHashMap<>();
        ctx.queryParamMap().forEach((k, list) -> v.put(k, list.isEmpty() ? "" : list.get(0)));
        if (!"GET".equals(ctx.method().name())) {
            ctx.formParamMap().forEach((k, list) -> v.put(k, list.isEmpty() ? "" : list.get(0)));
        }
        return v;
    }

    /**
     * Handles one request of a two-step dialog (GET or step=edit: the fields; preview: Summary; apply: the write).
     * Only a POST may preview or apply: a GET needs no CSRF token (an {@code <img>} on any same-site page sends one
     * with the session cookie), so a GET always just shows the fields, whatever its query string says.
     */
    void dialog(Context ctx, DialogSpec spec, Previewer previewer, Applier applier) {
        Map<String, String> values = values(ctx);
        String step = "POST".equals(ctx.method().name()) ? values.getOrDefault("step", "edit") : "edit";
        Map<String, String> carried = new LinkedHashMap<>(values);
        NOT_VALUES.forEach(carried::remove);
        Actor actor = actor(ctx);
        try {
            switch (step) {
                case "preview" -> {
                    Preview p = previewer.run(actor, carried);
                    show(ctx, new Dialog(spec.title(), spec.action(), spec.submitLabel(), spec.fields().apply(carried), null, true,
                            p.diffs(), withComment(carried, values), p.note()));
                }
                case "apply" -> {
                    String to = applier.run(actor, carried, values.get("saveComment"));
                    ctx.header("HX-Redirect", to);
                    ctx.html("");
                }
                default -> show(ctx, new Dialog(spec.title(), spec.action(), spec.submitLabel(), spec.fields().apply(carried), null,
                        false, List.of(), carried, null));
            }
        } catch (UserError e) {
            show(ctx, withError(spec, carried, e));
        }
    }

    private static Map<String, String> withComment(Map<String, String> carried, Map<String, String> all) {
        Map<String, String> m = new LinkedHashMap<>(carried);
        if (all.get("saveComment") != null) {
            m.put("saveComment", all.get("saveComment"));
        }
        return m;
    }

    /** Puts the error next to the field it names (the last part of an API field path), else at the top of the dialog. */
    static Dialog withError(DialogSpec spec, Map<String, String> values, UserError e) {
        List<Field> fields = new ArrayList<>(spec.fields().apply(values));
        String where = e.field() == null ? null : e.field().substring(e.field().lastIndexOf('.') + 1);
        boolean placed = false;
        for (int i = 0; i < fields.size() && where != null; i++) {
            if (fields.get(i).name().equals(where)) {
                // The API's field path ("reservation.addresses: ...") means nothing beside the field; its label does,
                // unless the problem already starts with it (the web's own checks: "Percentage must be from 0 to 100").
                String label = fields.get(i).label();
                String stem = label.replaceFirst(" \\([^)]*\\)$", "");
                String message = e.getMessage();
                if (message.startsWith(e.field() + ": ")) {
                    String problem = message.substring(e.field().length() + 2);
                    message = problem.startsWith(stem + " ") ? problem : label + ": " + problem;
                }
                fields.set(i, fields.get(i).withError(message));
                placed = true;
                break;
            }
        }
        log.debug("dialog {} refused: {}", spec.title(), e.getMessage());
        return new Dialog(spec.title(), spec.action(), spec.submitLabel(), fields, placed ? null : e.getMessage(), false, List.of(),
                values, null);
    }

    void show(Context ctx, Dialog d) {
        views.render(ctx, "dialog", "d", d, "csrf", session.csrf(ctx));
    }

    /** A dialog that only says something (for an action that cannot start, such as no scope selected). */
    void message(Context ctx, String title, String text) {
        show(ctx, new Dialog(title, "", "", List.of(), text, false, List.of(), Map.of(), null));
    }

    static String required(Map<String, String> v, String name, String label) {
        String s = v.get(name);
        if (s == null || s.isBlank()) {
            throw UserError.invalid(name, label + " is required");
        }
        return s.strip();
    }

    static int number(Map<String, String> v, String name, String label, int min, int max) {
        String s = required(v, name, label);
        try {
            int n = Integer.parseInt(s);
            if (n < min || n > max) {
                throw UserError.invalid(name, label + " must be from " + min + " to " + max + ", not " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw UserError.invalid(name, label + " must be a whole number, not \"" + s + "\"");
        }
    }

    static long id(Context ctx, String param) {
        try {
            return Long.parseLong(ctx.pathParam(param));
        } catch (NumberFormatException e) {
            throw UserError.notFound("Object", ctx.pathParam(param));
        }
    }
}
