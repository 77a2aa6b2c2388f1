package org.tandem.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.tandem.central.Central;
import org.tandem.change.SecretMask;
import org.tandem.change.ServerDiff;
import org.tandem.changelog.ChangeEntry;
import org.tandem.http.Json;
import org.tandem.store.ListQuery;
import org.tandem.store.Page;

/** Change history: who changed what and when, with the comment and the diff (of the servers' config, or of the object). */
final class HistoryPages {

    private static final int PAGE_SIZE = 50;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private final Central central;
    private final Pages pages;

    HistoryPages(Central central, Pages pages) {
        this.central = central;
        this.pages = pages;
    }

    void install(RoutesConfig r) {
        r.get("/ui/history", this::history);
    }

    private void history(Context ctx) {
        int page = 1;
        try {
            page = Math.max(1, Integer.parseInt(ctx.queryParamAsClass("page", String.class).getOrDefault("1")));
        } catch (NumberFormatException e) {
            page = 1;
        }
        Page<ChangeEntry> entries = central.changeLog().history(new ListQuery(null, (long) (page - 1) * PAGE_SIZE, PAGE_SIZE, null, true));
        List<View.ChangeRow> rows = entries.items().stream().map(HistoryPages::row).toList();
        int pagesCount = (int) Math.max(1, (entries.totalResults() + PAGE_SIZE - 1) / PAGE_SIZE);
        pages.views.render(ctx, "history", "page", pages.page(ctx, "Change history", "history"),
                "h", new View.History(rows, page, pagesCount, ""));
    }

    private static View.ChangeRow row(ChangeEntry e) {
        String object = e.objectRef();
        String diff;
        JsonNode after = read(e.afterJson());
        JsonNode before = read(e.beforeJson());
        String name = object;
        JsonNode named = after != null ? after : before;
        if (named != null && named.hasNonNull("server")) {
            name = named.get("server").asText();
        } else if (named != null && named.hasNonNull("name")) {
            name = named.get("name").asText() + " (" + object + ")";
        }
        if (after != null && after.hasNonNull("diff")) {
            // Entries recorded before the mask covered basic-auth-password may hold it: masked again on the way out.
            diff = SecretMask.mask(after.get("diff").asText());
        } else {
            diff = ServerDiff.between(e.objectType(), pretty(before), pretty(after)).unifiedDiff();
        }
        return new View.ChangeRow(e.id(), TIME.format(Instant.ofEpochMilli(e.atMillis())), e.userName(), e.action().name(),
                e.objectType(), name, e.saveComment(), new View.ServerDiff(name, diff));
    }

    private static JsonNode read(String json) {
        if (json == null) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            return null;
        }
    }

    private static String pretty(JsonNode n) {
        if (n == null) {
            return "";
        }
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(n);
        } catch (IOException e) {
            return n.toString();
        }
    }
}
