package org.tandem.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.tandem.central.Central;
import org.tandem.common.UserError;
import org.tandem.failover.FailoverCheck;
import org.tandem.failover.FailoverRelationship;
import org.tandem.failover.LiveStates;
import org.tandem.servers.DhcpServer;
import org.tandem.servers.ServerType;
import org.tandem.store.ListQuery;
import org.tandem.web.View.Field;
import org.tandem.web.View.Option;

/**
 * Admin › Service management: the DHCP servers grouped as ISC DHCP and Kea, and each server's failover management
 * window (seed 001): its relationships with their state, Add Relationship with a Summary tab, Edit, and Remove. The
 * window opens from a server's row {@code …} menu or, with the server selected, from the page's Action menu.
 */
final class ServicePages {

    private final Central central;
    private final FailoverRpc failover;
    private final LiveStates liveStates;
    private final Pages pages;

    ServicePages(Central central, FailoverRpc failover, LiveStates liveStates, Pages pages) {
        this.central = central;
        this.failover = failover;
        this.liveStates = liveStates;
        this.pages = pages;
    }

    void install(RoutesConfig r) {
        r.get("/ui/admin/services", this::services);
        // Before {id}/failover, which "action/failover" would match too.
        r.get("/ui/admin/services/action/{what}", this::action);
        r.get("/ui/admin/services/{id}/failover", this::window);
        r.get("/ui/admin/services/{id}/failover/new", ctx -> relationship(ctx, null));
        r.post("/ui/admin/services/{id}/failover/new", ctx -> relationship(ctx, null));
        r.get("/ui/admin/services/{id}/failover/{rel}/edit", ctx -> relationship(ctx, Pages.id(ctx, "rel")));
        r.post("/ui/admin/services/{id}/failover/{rel}/edit", ctx -> relationship(ctx, Pages.id(ctx, "rel")));
        r.get("/ui/admin/services/{id}/failover/{rel}/remove", this::remove);
        r.get("/ui/admin/services/{id}/failover/{rel}/check", this::check);
        r.post("/ui/admin/services/{id}/failover/{rel}/check", this::check);
        r.post("/ui/admin/services/{id}/failover/{rel}/remove", this::remove);
        r.get("/ui/admin/services/{id}/failover/{rel}/migrate", this::migrate);
        r.post("/ui/admin/services/{id}/failover/{rel}/migrate", this::migrate);
    }

    private Map<Long, DhcpServer> servers() {
        return central.servers().list(ListQuery.all()).items().stream().collect(Collectors.toMap(DhcpServer::id, Function.identity()));
    }

    private View.ServerRow row(DhcpServer s) {
        return new View.ServerRow(s.id(), s.name(), s.type() == ServerType.ISC ? "ISC DHCP" : "Kea", s.address(), s.port(),
                s.state() == null ? "unknown" : s.state(), central.failoverRelationships().list(s.id()).size());
    }

    private void services(Context ctx) {
        List<DhcpServer> all = central.servers().list(ListQuery.all()).items();
        List<View.ServerGroup> groups = List.of(
                new View.ServerGroup("ISC DHCP", all.stream().filter(s -> s.type() == ServerType.ISC).map(this::row).toList()),
                new View.ServerGroup("Kea", all.stream().filter(s -> s.type() == ServerType.Kea).map(this::row).toList()));
        pages.views.render(ctx, "services", "page", pages.page(ctx, "Service management", "admin"), "groups", groups);
    }

    /** Where each Action menu entry leads for a server, and whether it is for Kea servers only. */
    private record Action(String label, String path, boolean keaOnly) {}

    private static final Map<String, Action> ACTIONS = Map.of(
            "failover", new Action("Failover management", "failover", false),
            "config", new Action("Edit configuration", "config", true),
            "ha", new Action("High Availability", "ha", true));

    /**
     * The Action menu acts on the selected server as its row menu does (seed 001: select the server, then Action ›
     * Failover management); with none selected, or a Kea action on an ISC server, it says so instead of guessing.
     */
    private void action(Context ctx) {
        Action a = ACTIONS.get(ctx.pathParam("what"));
        if (a == null) {
            ctx.status(404).result("");
            return;
        }
        String sel = ctx.queryParam("sel");
        DhcpServer s = sel == null || !sel.matches("\\d{1,18}") ? null : servers().get(Long.parseLong(sel));
        if (s == null) {
            pages.message(ctx, "Select a server", "Select a server in the list first (the round button at the start of its row),"
                    + " then choose the action again.");
            return;
        }
        if (a.keaOnly() && s.type() != ServerType.Kea) {
            pages.message(ctx, a.label(), a.label() + " is for Kea servers; " + s.name() + " is an ISC DHCP server. Its failover"
                    + " relationships are under Action › Failover management.");
            return;
        }
        String to = a.keaOnly() ? "/ui/kea/" + s.id() + "/" + a.path() : "/ui/admin/services/" + s.id() + "/" + a.path();
        if (ctx.header("HX-Request") != null) {
            // htmx asked for a dialog; a whole page is the answer here, so the browser goes there.
            ctx.header("HX-Redirect", to);
            ctx.html("");
        } else {
            ctx.redirect(to);
        }
    }

    private DhcpServer server(Context ctx) {
        return central.servers().get("server", DhcpServer.RESOURCE + "/" + Pages.id(ctx, "id"));
    }

    private void window(Context ctx) {
        DhcpServer s = server(ctx);
        Map<Long, DhcpServer> servers = servers();
        List<View.RelationshipRow> rows = central.failoverRelationships().list(s.id()).stream().map(f -> new View.RelationshipRow(
                f.id(), f.name(), name(servers, f.primaryServerId()), name(servers, f.secondaryServerId()), f.failoverMode().name(),
                f.state().name(), liveStates.get(s.id(), f.name()).map(p -> p.localState() + (p.reachable() ? "" : " (unreachable)")).orElse("—"),
                f.scopeIds().size(), settings(f))).toList();
        pages.views.render(ctx, "failover", "page", pages.page(ctx, "Failover management · " + s.name(), "admin"),
                "w", new View.FailoverWindow(row(s), rows, failover.installed() ? null
                        : "The failover service is not installed on this Central, so relationships can be viewed but not changed."));
    }

    private static String settings(FailoverRelationship f) {
        if (f.heartbeatDelay() != null) {
            // Kea: read from the HA block, where every delay is in milliseconds.
            return "heartbeat " + f.heartbeatDelay() + " ms, max response delay " + f.maxResponseDelay() + " ms";
        }
        return (f.failoverMode() == FailoverRelationship.Mode.LoadBalance ? "primary's share " + f.percentage() + " %, " : "")
                + "port " + f.port() + ", mclt " + f.mclt() + " s, max response delay " + f.maxResponseDelay() + " s";
    }

    private static String name(Map<Long, DhcpServer> servers, long id) {
        DhcpServer s = servers.get(id);
        return s == null ? "server " + id : s.name();
    }

    private static final List<Option> MODES = List.of(new Option("LoadBalance", "Load balancing"), new Option("HotStandby", "Hot standby"),
            new Option("PassiveBackup", "Passive backup (Kea only)"));
    /** dhcpd failover balances or stands by; it has no passive backup. */
    private static final List<Option> ISC_MODES = MODES.subList(0, 2);

    /**
     * Add Relationship (existing null) or Edit: the seed's fields, the failover mode with the primary's percentage for
     * ISC load balancing (the API's {@code percentage}), and the HA mode and delays for Kea.
     */
    private void relationship(Context ctx, Long existingId) {
        DhcpServer s = server(ctx);
        boolean kea = s.type() == ServerType.Kea;
        FailoverRelationship existing = existingId == null ? null : central.failoverRelationships().findById(existingId)
                .orElseThrow(() -> UserError.notFound("Failover relationship", String.valueOf(existingId)));
        List<DhcpServer> partners = central.servers().list(ListQuery.all()).items().stream()
                .filter(p -> p.type() == s.type() && p.id() != s.id()).toList();
        Map<Long, DhcpServer> servers = servers();
        String base = "/ui/admin/services/" + s.id() + "/failover/";
        String title = existing == null ? "Add Relationship on " + s.name() : "Edit relationship " + existing.name();
        pages.dialog(ctx, new Pages.DialogSpec(title, existing == null ? base + "new" : base + existing.id() + "/edit",
                existing == null ? "Add" : "Save", v -> {
            List<Field> f = new ArrayList<>();
            if (existing == null) {
                f.add(Field.text("name", "Failover name", v.getOrDefault("name", "")));
                List<Option> partnerOptions = new ArrayList<>();
                partnerOptions.add(new Option("", partners.isEmpty() ? "No other " + s.type() + " server is registered" : "Choose…"));
                partners.forEach(p -> partnerOptions.add(new Option(p.name(), p.name())));
                f.add(Field.select("partner", "Partner server", v.getOrDefault("partner", ""), partnerOptions));
            } else {
                f.add(Field.readonly("name", "Failover name", existing.name()));
                f.add(Field.readonly("partner", "Servers", name(servers, existing.primaryServerId()) + " (primary) ⇄ "
                        + name(servers, existing.secondaryServerId()) + " (secondary)"));
            }
            f.add(Field.select("failoverMode", kea ? "HA mode" : "Failover mode", v.getOrDefault("failoverMode",
                    existing == null ? (kea ? "HotStandby" : "LoadBalance") : existing.failoverMode().name()), kea ? MODES : ISC_MODES));
            if (!kea) {
                // Hot standby is split 255 on the primary whatever the percentage, so the field only shows for load balancing.
                f.add(Field.number("percentage", "Percentage", v.getOrDefault("percentage",
                        existing == null ? "50" : String.valueOf(existing.percentage())),
                        "The share of clients the primary serves, 0 to 100; 50 splits them evenly").onlyWhen("failoverMode", "LoadBalance"));
                f.add(Field.number("port", "Port", v.getOrDefault("port", existing == null ? "647" : String.valueOf(existing.port())),
                        "Where this server listens for its failover peer"));
                f.add(Field.number("mclt", "Maximum client lead time (s)", v.getOrDefault("mclt",
                        existing == null ? "3600" : String.valueOf(existing.mclt())), "Set on the primary only"));
            }
            f.add(Field.number("maxResponseDelay", kea ? "Max response delay (ms)" : "Max response delay (s)", v.getOrDefault("maxResponseDelay",
                    existing == null ? (kea ? "60000" : "60") : String.valueOf(existing.maxResponseDelay())), null));
            if (!kea) {
                f.add(Field.number("loadBalanceMaxSeconds", "Load balance max seconds", v.getOrDefault("loadBalanceMaxSeconds",
                        existing == null ? "3" : String.valueOf(existing.loadBalanceMaxSeconds())), "ISC recommends 3 or 5"));
                f.add(Field.number("maxUnackedUpdates", "Max unacked updates", v.getOrDefault("maxUnackedUpdates",
                        existing == null ? "10" : String.valueOf(existing.maxUnackedUpdates())), "ISC recommends 10"));
            }
            if (!kea && existing == null) {
                f.add(Field.text("primaryAddress", "This server's failover address", v.getOrDefault("primaryAddress", ""))
                        .withHelp("Where its peer reaches it; empty: " + s.address()));
                f.add(Field.text("secondaryAddress", "Partner's failover address", v.getOrDefault("secondaryAddress", ""))
                        .withHelp("Empty: the partner server's address"));
            }
            if (kea) {
                f.add(Field.number("heartbeatDelay", "Heartbeat delay (ms)", v.getOrDefault("heartbeatDelay",
                        existing == null || existing.heartbeatDelay() == null ? "10000" : String.valueOf(existing.heartbeatDelay())), null));
                f.add(Field.number("maxAckDelay", "Max ack delay (ms)", v.getOrDefault("maxAckDelay",
                        existing == null || existing.maxAckDelay() == null ? "10000" : String.valueOf(existing.maxAckDelay())), null));
                f.add(Field.number("maxUnackedClients", "Max unacked clients", v.getOrDefault("maxUnackedClients",
                        existing == null || existing.maxUnackedClients() == null ? "5" : String.valueOf(existing.maxUnackedClients())), null));
            }
            return f;
        }), (actor, v) -> new Pages.Preview(failover.call(actor, existing == null ? "AddDHCPFailoverRelationship" : "ModifyDHCPFailoverRelationship",
                relationshipParams(s, existing, v, kea), true, null).diffs(),
                existing == null ? "A new relationship is Empty: nothing is written to the servers until its first scope is added." : null),
                (actor, v, comment) -> {
                    failover.call(actor, existing == null ? "AddDHCPFailoverRelationship" : "ModifyDHCPFailoverRelationship",
                            relationshipParams(s, existing, v, kea), false, comment);
                    return "/ui/admin/services/" + s.id() + "/failover";
                });
    }

    private ObjectNode relationshipParams(DhcpServer s, FailoverRelationship existing, Map<String, String> v, boolean kea) {
        ObjectNode p = FailoverRpc.params();
        ObjectNode r = p.putObject("dhcpFailoverRelationship");
        if (existing == null) {
            r.put("name", Pages.required(v, "name", "Failover name"));
            r.put("primaryServer", s.name());
            r.put("secondaryServer", Pages.required(v, "partner", "Partner server"));
        } else {
            r.put("name", existing.name());
            Map<Long, DhcpServer> servers = servers();
            r.put("primaryServer", name(servers, existing.primaryServerId()));
            r.put("secondaryServer", name(servers, existing.secondaryServerId()));
        }
        String mode = v.getOrDefault("failoverMode", "LoadBalance");
        r.put("failoverMode", mode);
        for (String address : List.of("primaryAddress", "secondaryAddress")) {
            if (!kea && existing == null && !v.getOrDefault(address, "").isBlank()) {
                r.put(address, v.get(address).strip());
            }
        }
        if (!kea) {
            if ("LoadBalance".equals(mode)) {
                r.put("percentage", Pages.number(v, "percentage", "Percentage", 0, 100));
            }
            r.put("port", Pages.number(v, "port", "Port", 1, 65535));
            r.put("mclt", Pages.number(v, "mclt", "Maximum client lead time", 1, 86_400 * 30));
            r.put("maxResponseDelay", Pages.number(v, "maxResponseDelay", "Max response delay", 1, 3600));
            r.put("loadBalanceMaxSeconds", Pages.number(v, "loadBalanceMaxSeconds", "Load balance max seconds", 0, 3600));
            r.put("maxUnackedUpdates", Pages.number(v, "maxUnackedUpdates", "Max unacked updates", 1, 65535));
        } else {
            r.put("maxResponseDelay", Pages.number(v, "maxResponseDelay", "Max response delay", 1, 65535));
            r.put("heartbeatDelay", Pages.number(v, "heartbeatDelay", "Heartbeat delay", 1, 65535));
            r.put("maxAckDelay", Pages.number(v, "maxAckDelay", "Max ack delay", 1, 65535));
            r.put("maxUnackedClients", Pages.number(v, "maxUnackedClients", "Max unacked clients", 0, 65535));
        }
        return p;
    }

    private void remove(Context ctx) {
        DhcpServer s = server(ctx);
        FailoverRelationship f = central.failoverRelationships().findById(Pages.id(ctx, "rel"))
                .orElseThrow(() -> UserError.notFound("Failover relationship", ctx.pathParam("rel")));
        // None first and preselected: the least destructive choice; deleting or disabling the secondary's scopes is chosen on purpose.
        List<Option> actions = List.of(new Option("None", "Leave the secondary scopes as they are"),
                new Option("Delete", "Delete the secondary scopes"), new Option("Disable", "Disable the secondary scopes"));
        pages.dialog(ctx, new Pages.DialogSpec("Remove relationship " + f.name(), "/ui/admin/services/" + s.id() + "/failover/" + f.id() + "/remove",
                "Remove", v -> List.of(Field.readonly("relationship", "Relationship", f.name()),
                        Field.radio("deconfigureAction", "Secondary scopes", v.getOrDefault("deconfigureAction", "None"), actions))),
                (actor, v) -> new Pages.Preview(failover.call(actor, "RemoveDHCPFailoverRelationships", removeParams(s, f, v), true, null).diffs(), null),
                (actor, v, comment) -> {
                    failover.call(actor, "RemoveDHCPFailoverRelationships", removeParams(s, f, v), false, comment);
                    return "/ui/admin/services/" + s.id() + "/failover";
                });
    }

    /**
     * Migrate to Kea: two registered Kea servers and the dhcpd.conf lines accepted to be left behind. The preview is
     * MigrateDHCPFailoverRelationshipToKea's dry run: each Kea server's diff, and in the note the cut-over steps, the
     * leases to carry and every statement Kea cannot express, marked accepted or not. Applying refuses until each is.
     */
    private void migrate(Context ctx) {
        DhcpServer s = server(ctx);
        FailoverRelationship f = central.failoverRelationships().findById(Pages.id(ctx, "rel"))
                .orElseThrow(() -> UserError.notFound("Failover relationship", ctx.pathParam("rel")));
        List<Option> keaServers = new ArrayList<>();
        keaServers.add(new Option("", "Choose a Kea server"));
        servers().values().stream().filter(x -> x.type() == ServerType.Kea).sorted(java.util.Comparator.comparing(DhcpServer::name))
                .forEach(x -> keaServers.add(new Option(x.ref(), x.name())));
        Map<Long, DhcpServer> all = servers();
        pages.dialog(ctx, new Pages.DialogSpec("Migrate " + f.name() + " to Kea", "/ui/admin/services/" + s.id() + "/failover/" + f.id() + "/migrate",
                "Migrate", v -> List.of(Field.readonly("relationship", "Relationship", f.name()),
                        Field.select("keaFirst", "Kea server replacing " + name(all, f.primaryServerId()), v.getOrDefault("keaFirst", ""), keaServers),
                        Field.select("keaSecond", "Kea server replacing " + name(all, f.secondaryServerId()), v.getOrDefault("keaSecond", ""), keaServers),
                        Field.text("acceptLines", "Accepted dhcpd.conf lines", v.getOrDefault("acceptLines", ""))
                                .withHelp("Lines the preview lists as unexpressed, comma-separated, to migrate without them"))),
                (actor, v) -> {
                    FailoverRpc.Answer a = failover.call(actor, "MigrateDHCPFailoverRelationshipToKea", migrateParams(f, v), true, null);
                    return new Pages.Preview(a.diffs(), migrationNote(a.result()));
                },
                (actor, v, comment) -> {
                    failover.call(actor, "MigrateDHCPFailoverRelationshipToKea", migrateParams(f, v), false, comment);
                    return "/ui/admin/services/" + s.id() + "/failover";
                });
    }

    private static ObjectNode migrateParams(FailoverRelationship f, Map<String, String> v) {
        ObjectNode p = FailoverRpc.params().put("dhcpFailoverRelationshipName", f.name());
        for (String field : List.of("keaFirst", "keaSecond")) {
            if (v.getOrDefault(field, "").isBlank()) {
                throw UserError.invalid(field, "Choose the Kea server");
            }
        }
        p.putArray("keaServerRefs").add(v.get("keaFirst")).add(v.get("keaSecond"));
        var lines = p.putArray("acceptUnexpressedLines");
        for (String line : v.getOrDefault("acceptLines", "").split("[,\\s]+")) {
            if (line.isEmpty()) {
                continue;
            }
            if (!line.matches("[0-9]{1,7}")) {
                throw UserError.invalid("acceptLines", "\"" + line + "\" is not a line number");
            }
            lines.add(Integer.parseInt(line));
        }
        return p;
    }

    /** The dry run's steps, leases and unexpressed statements, as the preview's note. */
    private static String migrationNote(com.fasterxml.jackson.databind.JsonNode r) {
        StringBuilder b = new StringBuilder("Steps: ");
        int i = 1;
        for (var step : r.path("plannedSteps")) {
            b.append(i++).append(". ").append(step.asText()).append(" ");
        }
        b.append("Leases to carry: ").append(r.path("leases").path("carried").asInt()).append(", skipped: ")
                .append(r.path("leases").path("skipped").size()).append(".");
        for (var u : r.path("unexpressed")) {
            b.append(" Line ").append(u.path("line").asInt()).append(u.path("accepted").asBoolean() ? " (accepted): " : " (NOT accepted): ")
                    .append(u.path("statement").asText()).append(" (").append(u.path("reason").asText()).append(").");
        }
        return b.toString();
    }

    /**
     * Check and replicate: the consistency check's findings for the relationship (read fresh from both peers), and
     * ReplicateDHCPFailover from the primary with its Summary (the secondary's diff) before anything is written.
     */
    private void check(Context ctx) {
        DhcpServer s = server(ctx);
        FailoverRelationship f = central.failoverRelationships().findById(Pages.id(ctx, "rel"))
                .orElseThrow(() -> UserError.notFound("Failover relationship", ctx.pathParam("rel")));
        ObjectNode params = FailoverRpc.params().put("dhcpServerRef", s.ref()).put("dhcpFailoverRelationshipName", f.name());
        pages.dialog(ctx, new Pages.DialogSpec("Check " + f.name(), "/ui/admin/services/" + s.id() + "/failover/" + f.id() + "/check",
                "Replicate from primary", v -> {
                    List<Field> out = new ArrayList<>();
                    List<FailoverCheck.Finding> findings = central.failover().check().check(f);
                    if (findings.isEmpty()) {
                        out.add(Field.readonly("finding", "Differences", "None: Central's record and both peers agree"));
                    }
                    for (int i = 0; i < findings.size(); i++) {
                        FailoverCheck.Finding x = findings.get(i);
                        out.add(Field.readonly("finding" + i, x.kind() + (x.subnet() == null ? "" : " · " + x.subnet()), x.message()));
                    }
                    return out;
                }),
                (actor, v) -> new Pages.Preview(failover.call(actor, "ReplicateDHCPFailover", params.deepCopy(), true, null).diffs(),
                        "Only the secondary is written: its copies of the scopes and its peer block become what the primary has."),
                (actor, v, comment) -> {
                    failover.call(actor, "ReplicateDHCPFailover", params.deepCopy(), false, comment);
                    return "/ui/admin/services/" + s.id() + "/failover";
                });
    }

    private static ObjectNode removeParams(DhcpServer s, FailoverRelationship f, Map<String, String> v) {
        String action = v.getOrDefault("deconfigureAction", "");
        if (!List.of("Delete", "Disable", "None").contains(action)) {
            throw UserError.invalid("deconfigureAction", "Choose what happens to the secondary scopes");
        }
        ObjectNode p = FailoverRpc.params();
        p.putArray("dhcpRefAndFailoverRelationshipNames").addObject().put("dhcpServerRef", s.ref()).put("dhcpFailoverRelationshipName", f.name());
        p.put("dhcpFailoverRelationshipDeconfigureAction", action);
        return p;
    }
}
