package org.tandem.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.tandem.auth.Actor;
import org.tandem.central.Central;
import org.tandem.common.UserError;
import org.tandem.failover.FailoverRelationship;
import org.tandem.failover.LiveStates;
import org.tandem.net.Ipv4Range;
import org.tandem.failover.ScopeWrites;
import org.tandem.scope.AddressBlock;
import org.tandem.scope.DhcpScope;
import org.tandem.scope.Range;
import org.tandem.scope.Reservation;
import org.tandem.scope.ScopeService;
import org.tandem.servers.DhcpServer;
import org.tandem.store.ListQuery;
import org.tandem.web.View.Field;
import org.tandem.web.View.Option;
import org.tandem.web.View.ScopeRow;

/**
 * IPAM: the DHCP scopes grid (one row per subnet, with its instances on one or two servers), scope detail with its
 * address pools and reservations, and the failover actions of seed 000 (add to failover, remove from failover, manage scope instances).
 */
final class ScopePages {

    private static final int PAGE_SIZE = 25;

    private final Central central;
    private final FailoverRpc failover;
    private final LiveStates liveStates;
    private final Pages pages;

    ScopePages(Central central, FailoverRpc failover, LiveStates liveStates, Pages pages) {
        this.central = central;
        this.failover = failover;
        this.liveStates = liveStates;
        this.pages = pages;
    }

    void install(RoutesConfig r) {
        r.get("/ui/scopes", this::grid);
        r.get("/ui/scopes/new", this::create);
        r.post("/ui/scopes/new", this::create);
        r.get("/ui/scopes/action/{what}", this::action);
        // A scope's page is /ui/scopes/ + its ref as the API writes it ("dhcpScopes/12"); its dialogs are under it.
        String at = "/ui/scopes/" + DhcpScope.RESOURCE + "/{scope}";
        r.get(at, this::detail);
        r.get(at + "/add-failover", ctx -> addToFailover(ctx, subnet(ctx)));
        r.post(at + "/add-failover", ctx -> addToFailover(ctx, subnet(ctx)));
        r.get(at + "/remove-failover", ctx -> removeFromFailover(ctx, subnet(ctx)));
        r.post(at + "/remove-failover", ctx -> removeFromFailover(ctx, subnet(ctx)));
        r.get(at + "/instances", ctx -> instances(ctx, subnet(ctx)));
        r.post(at + "/instances", ctx -> instances(ctx, subnet(ctx)));
        r.get(at + "/pools/new", ctx -> addPool(ctx, subnet(ctx)));
        r.post(at + "/pools/new", ctx -> addPool(ctx, subnet(ctx)));
        r.get(at + "/pools/{pool}", ctx -> editPool(ctx, subnet(ctx), Pages.id(ctx, "pool")));
        r.post(at + "/pools/{pool}", ctx -> editPool(ctx, subnet(ctx), Pages.id(ctx, "pool")));
        r.get(at + "/reservations/new", ctx -> addReservation(ctx, subnet(ctx)));
        r.post(at + "/reservations/new", ctx -> addReservation(ctx, subnet(ctx)));
        r.get(at + "/reservations/{res}/remove", ctx -> removeReservation(ctx, subnet(ctx), Pages.id(ctx, "res")));
        r.post(at + "/reservations/{res}/remove", ctx -> removeReservation(ctx, subnet(ctx), Pages.id(ctx, "res")));
        // Before scope refs a scope's page was /ui/scopes/{range id}; links and bookmarks to those still arrive.
        r.get("/ui/scopes/{id}", this::oldDetail);
    }

    // ---------------------------------------------------------------- the grid

    /** One subnet and everything the grid shows about it. */
    private record Subnet(Range range, List<DhcpScope> instances, FailoverRelationship relationship) {
        /** The ref the UI addresses the subnet by: its first scope instance's, the one its pools are read from. */
        String ref() {
            return instances.get(0).ref();
        }

        /** The subnet's page; its dialogs post under it. */
        String path() {
            return "/ui/scopes/" + ref();
        }
    }

    private List<Subnet> subnets() {
        Map<Long, FailoverRelationship> byScope = new LinkedHashMap<>();
        for (FailoverRelationship f : central.failoverRelationships().list(null)) {
            f.scopeIds().forEach(id -> byScope.put(id, f));
        }
        Map<Long, List<DhcpScope>> byRange = central.scopes().scopes(ListQuery.all()).items().stream()
                .collect(Collectors.groupingBy(DhcpScope::rangeId, LinkedHashMap::new, Collectors.toList()));
        List<Subnet> out = new ArrayList<>();
        for (Map.Entry<Long, List<DhcpScope>> e : byRange.entrySet()) {
            Range range = central.scopes().range("range", Range.RESOURCE + "/" + e.getKey());
            FailoverRelationship rel = e.getValue().stream().map(s -> byScope.get(s.id())).filter(x -> x != null).findFirst().orElse(null);
            out.add(new Subnet(range, e.getValue(), rel));
        }
        return out;
    }

    private Map<Long, DhcpServer> servers() {
        return central.servers().list(ListQuery.all()).items().stream().collect(Collectors.toMap(DhcpServer::id, Function.identity()));
    }

    private ScopeRow row(Subnet s, Map<Long, DhcpServer> servers) {
        List<String> names = s.instances().stream().map(i -> servers.get(i.serverId()).name()).toList();
        FailoverRelationship f = s.relationship();
        String authority = f == null ? String.join(", ", names)
                : name(servers, f.primaryServerId()) + " ⇄ " + name(servers, f.secondaryServerId());
        String live = null;
        if (f != null) {
            live = liveStates.get(f.primaryServerId(), f.name())
                    .map(p -> p.localState() + (p.partnerState() == null ? "" : " / partner " + p.partnerState())
                            + (p.reachable() ? "" : " (unreachable)"))
                    .orElse(null);
        }
        DhcpScope first = s.instances().get(0);
        return new ScopeRow(s.ref(), first.name(), cidr(first.addresses()), names, authority, f != null,
                f == null ? "" : f.name(), f == null ? null : f.state().name(), live, first.enabled());
    }

    private static String name(Map<Long, DhcpServer> servers, long id) {
        DhcpServer s = servers.get(id);
        return s == null ? "server " + id : s.name();
    }

    static String cidr(Ipv4Range r) {
        int prefix = r.prefixLength();
        return prefix >= 0 ? r.first() + "/" + prefix : r.first() + "-" + r.last();
    }

    private void grid(Context ctx) {
        String filter = Optional.ofNullable(ctx.queryParam("filter")).orElse("").strip();
        String sort = Optional.ofNullable(ctx.queryParam("sort")).filter(s -> List.of("name", "subnet", "servers", "authority",
                "relationship").contains(s)).orElse("authority");
        boolean desc = "true".equals(ctx.queryParam("desc"));
        int page = parsePage(ctx.queryParam("page"));
        Map<Long, DhcpServer> servers = servers();
        String needle = filter.toLowerCase(Locale.ROOT);
        List<ScopeRow> rows = subnets().stream().map(s -> row(s, servers))
                .filter(r -> needle.isEmpty() || (r.name() + " " + r.subnet() + " " + String.join(" ", r.servers()) + " "
                        + r.authority() + " " + r.relationship()).toLowerCase(Locale.ROOT).contains(needle))
                .sorted(comparator(sort, desc)).toList();
        int pageCount = Math.max(1, (rows.size() + PAGE_SIZE - 1) / PAGE_SIZE);
        page = Math.min(page, pageCount);
        List<ScopeRow> shown = rows.subList((page - 1) * PAGE_SIZE, Math.min(rows.size(), page * PAGE_SIZE));
        View.ScopeGrid grid = new View.ScopeGrid(shown, filter, sort, desc, page, pageCount, rows.size(), PAGE_SIZE);
        pages.views.render(ctx, "scopes", "page", pages.page(ctx, "DHCP scopes", "ipam"), "grid", grid);
    }

    private static int parsePage(String s) {
        try {
            return s == null ? 1 : Math.max(1, Integer.parseInt(s));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** Failover scopes group together under their relationship when sorting by authority (the default). */
    private static Comparator<ScopeRow> comparator(String sort, boolean desc) {
        Comparator<ScopeRow> c = switch (sort) {
            case "name" -> Comparator.comparing(ScopeRow::name, ScopePages::natural);
            case "subnet" -> Comparator.comparingLong(r -> ipValue(r.subnet().split("[/-]")[0]));
            case "servers" -> Comparator.comparing(r -> String.join(",", r.servers()), String.CASE_INSENSITIVE_ORDER);
            case "relationship" -> Comparator.comparing(ScopeRow::relationship, String.CASE_INSENSITIVE_ORDER);
            default -> Comparator.comparing((ScopeRow r) -> !r.failover()).thenComparing(ScopeRow::authority, String.CASE_INSENSITIVE_ORDER);
        };
        c = c.thenComparing(ScopeRow::name, ScopePages::natural);
        return desc ? c.reversed() : c;
    }

    /** Names compare as people read them: "net-2" before "net-10". */
    static int natural(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char x = a.charAt(i);
            char y = b.charAt(j);
            if (Character.isDigit(x) && Character.isDigit(y)) {
                int si = i;
                int sj = j;
                while (i < a.length() && Character.isDigit(a.charAt(i))) {
                    i++;
                }
                while (j < b.length() && Character.isDigit(b.charAt(j))) {
                    j++;
                }
                String na = a.substring(si, i).replaceFirst("^0+(?=.)", "");
                String nb = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
                int c = na.length() != nb.length() ? Integer.compare(na.length(), nb.length()) : na.compareTo(nb);
                if (c != 0) {
                    return c;
                }
            } else {
                int c = Character.compare(Character.toLowerCase(x), Character.toLowerCase(y));
                if (c != 0) {
                    return c;
                }
                i++;
                j++;
            }
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private static long ipValue(String dotted) {
        long v = 0;
        for (String part : dotted.split("\\.")) {
            v = v * 256 + Long.parseLong(part);
        }
        return v;
    }

    // ---------------------------------------------------------------- detail and pools

    /** The subnet with a scope instance of this id (any of its instances: each one's ref leads to the subnet). */
    private Optional<Subnet> subnetOfScope(long scopeId) {
        return subnets().stream().filter(s -> s.instances().stream().anyMatch(i -> i.id() == scopeId)).findFirst();
    }

    private Subnet subnet(Context ctx) {
        return subnetOfScope(Pages.id(ctx, "scope"))
                .orElseThrow(() -> UserError.notFound("DHCP scope", DhcpScope.RESOURCE + "/" + ctx.pathParam("scope")));
    }

    /** An old numeric link (a range id) goes to the scope's page; anything else, or a range gone since, to the grid. */
    private void oldDetail(Context ctx) {
        String id = ctx.pathParam("id");
        Optional<Subnet> s = id.matches("\\d{1,18}")
                ? subnets().stream().filter(x -> x.range().id() == Long.parseLong(id)).findFirst() : Optional.empty();
        ctx.redirect(s.map(Subnet::path).orElse("/ui/scopes"));
    }

    private void detail(Context ctx) {
        Optional<Subnet> found = subnetOfScope(Pages.id(ctx, "scope"));
        if (found.isEmpty()) {
            ctx.redirect("/ui/scopes");
            return;
        }
        Subnet s = found.get();
        Map<Long, DhcpServer> servers = servers();
        FailoverRelationship f = s.relationship();
        String foServers = f == null ? "" : name(servers, f.primaryServerId()) + " (primary), " + name(servers, f.secondaryServerId())
                + " (secondary)";
        DhcpScope first = s.instances().get(0);
        List<View.PoolRow> pools = central.scopes().blocks(AddressBlock.Kind.POOL, "scope", first.ref(), ListQuery.all()).items()
                .stream().map(b -> new View.PoolRow(b.id(), b.addresses().first() + "-" + b.addresses().last(),
                        f == null ? "" : f.name(), foServers)).toList();
        List<View.ReservationRow> reservations = central.scopes().reservations("scope", first.ref(), ListQuery.all()).items().stream()
                .map(r -> new View.ReservationRow(r.id(), r.name(), r.address().toString(), r.clientIdentifier())).toList();
        pages.views.render(ctx, "scope", "page", pages.page(ctx, "Scope " + first.name(), "ipam"),
                "detail", new View.ScopeDetail(row(s, servers), pools, reservations));
    }

    /** The Summary of a ScopeWrites dry run: each server's diff, and what the run has to tell (e.g. a server changed by hand). */
    private static Pages.Preview preview(ScopeWrites.Outcome<?> dry, String note) {
        List<String> notes = new java.util.ArrayList<>();
        if (note != null) {
            notes.add(note);
        }
        if (dry.change() != null) {
            notes.addAll(dry.change().notes());
        }
        return new Pages.Preview(dry.change() == null ? List.of() : dry.change().diffs().stream()
                .map(d -> new View.ServerDiff(d.server(), d.unifiedDiff())).toList(), notes.isEmpty() ? null : String.join(" ", notes));
    }

    private void addPool(Context ctx, Subnet s) {
        FailoverRelationship f = s.relationship();
        String fo = f == null ? "None" : f.name() + " (" + name(servers(), f.primaryServerId()) + " ⇄ " + name(servers(), f.secondaryServerId()) + ")";
        pages.dialog(ctx, new Pages.DialogSpec("Add address pool to " + s.instances().get(0).name(), s.path() + "/pools/new",
                "Add pool", v -> List.of(
                        Field.text("from", "First address", v.getOrDefault("from", "")),
                        Field.text("to", "Last address", v.getOrDefault("to", "")),
                        Field.readonly("failover", "Failover relationship", fo))),
                (actor, v) -> {
                    Ipv4Range.parse("from", Pages.required(v, "from", "First address"), "to", Pages.required(v, "to", "Last address"));
                    ScopeWrites.Outcome<AddressBlock> dry = central.failover().scopeWrites().addPool(actor, null, "scope",
                            s.instances().get(0).ref(), "pool", v.get("from"), v.get("to"), true);
                    return preview(dry, "The pool is written to the configuration of every server of the scope, checked by each server first.");
                },
                (actor, v, comment) -> {
                    central.failover().scopeWrites().addPool(actor, comment, "scope", s.instances().get(0).ref(), "pool", v.get("from"),
                            v.get("to"), false);
                    return s.path();
                });
    }

    /**
     * Edit pool: the old range leaves the servers and the new one is written, as two changes; a refused new range
     * puts the old one back.
     */
    private void editPool(Context ctx, Subnet s, long poolId) {
        AddressBlock pool = central.scopes().block(AddressBlock.Kind.POOL, "pool", AddressBlock.Kind.POOL.resource + "/" + poolId);
        if (s.instances().stream().noneMatch(i -> i.id() == pool.scopeId())) {
            throw UserError.notFound("Pool", String.valueOf(poolId));
        }
        FailoverRelationship f = s.relationship();
        String fo = f == null ? "None" : f.name() + " (" + name(servers(), f.primaryServerId()) + " ⇄ " + name(servers(), f.secondaryServerId()) + ")";
        pages.dialog(ctx, new Pages.DialogSpec("Edit address pool " + pool.addresses().first() + "-" + pool.addresses().last(),
                s.path() + "/pools/" + poolId, "Save", v -> List.of(
                        Field.text("from", "First address", v.getOrDefault("from", pool.addresses().first().toString())),
                        Field.text("to", "Last address", v.getOrDefault("to", pool.addresses().last().toString())),
                        Field.readonly("failover", "Failover relationship", fo))),
                (actor, v) -> {
                    Ipv4Range.parse("from", Pages.required(v, "from", "First address"), "to", Pages.required(v, "to", "Last address"));
                    return new Pages.Preview(List.of(), "The old pool leaves, then the new one is written, on every server of the scope"
                            + " (two configuration changes; the diffs are in the change history).");
                },
                (actor, v, comment) -> {
                    ScopeWrites writes = central.failover().scopeWrites();
                    writes.removePool(actor, comment, "pool", pool.ref(AddressBlock.Kind.POOL), false);
                    try {
                        writes.addPool(actor, comment, "scope", s.instances().get(0).ref(), "pool", v.get("from"), v.get("to"), false);
                    } catch (RuntimeException e) {
                        // The new range was refused: the old pool goes back, so the scope keeps serving what it served.
                        writes.addPool(actor, "undo: " + e.getMessage(), "scope", s.instances().get(0).ref(), "pool",
                                pool.addresses().first().toString(), pool.addresses().last().toString(), false);
                        throw e;
                    }
                    return s.path();
                });
    }

    // ---------------------------------------------------------------- reservations

    /** The form's fields are named as the API's reservation fields, so the store's errors land next to them. */
    private static ScopeService.NewReservation newReservation(Map<String, String> v) {
        return new ScopeService.NewReservation(Pages.required(v, "name", "Name"), Pages.required(v, "clientIdentifier", "MAC address"),
                null, List.of(Pages.required(v, "addresses", "IP address")), null);
    }

    private void addReservation(Context ctx, Subnet s) {
        String scopeRef = s.instances().get(0).ref();
        pages.dialog(ctx, new Pages.DialogSpec("Add reservation to " + s.instances().get(0).name(), s.path() + "/reservations/new",
                "Add reservation", v -> List.of(
                        Field.text("name", "Name", v.getOrDefault("name", "")),
                        Field.text("addresses", "IP address", v.getOrDefault("addresses", ""))
                                .withHelp("Inside " + cidr(s.instances().get(0).addresses())),
                        Field.text("clientIdentifier", "MAC address", v.getOrDefault("clientIdentifier", ""))
                                .withHelp("Like 00:11:22:33:44:55"))),
                (actor, v) -> preview(central.failover().scopeWrites().addReservation(actor, null, "scope", scopeRef, "reservation",
                        newReservation(v), true), "The reservation is written to the configuration of every server of the scope,"
                        + " checked by each server first."),
                (actor, v, comment) -> {
                    central.failover().scopeWrites().addReservation(actor, comment, "scope", scopeRef, "reservation", newReservation(v), false);
                    return s.path();
                });
    }

    private void removeReservation(Context ctx, Subnet s, long reservationId) {
        Reservation r = central.scopes().reservation("reservation", Reservation.RESOURCE + "/" + reservationId);
        if (s.instances().stream().noneMatch(i -> i.id() == r.scopeId())) {
            throw UserError.notFound("DHCP reservation", r.ref());
        }
        pages.dialog(ctx, new Pages.DialogSpec("Remove reservation " + r.name(), s.path() + "/reservations/" + reservationId
                + "/remove", "Remove reservation", v -> List.of(
                        Field.readonly("name", "Name", r.name()),
                        Field.readonly("addresses", "IP address", r.address().toString()),
                        Field.readonly("clientIdentifier", "MAC address", r.clientIdentifier()))),
                (actor, v) -> preview(central.failover().scopeWrites().removeReservation(actor, null, "reservation", r.ref(), true),
                        "The reservation leaves the configuration of every server of the scope."),
                (actor, v, comment) -> {
                    central.failover().scopeWrites().removeReservation(actor, comment, "reservation", r.ref(), false);
                    return s.path();
                });
    }

    // ---------------------------------------------------------------- create scope

    private void create(Context ctx) {
        Map<Long, DhcpServer> servers = servers();
        List<FailoverRelationship> rels = central.failoverRelationships().list(null);
        pages.dialog(ctx, new Pages.DialogSpec("Create scope", "/ui/scopes/new", "Create", v -> {
            List<Option> serverOptions = servers.values().stream().map(x -> new Option(x.ref(), x.name() + " (" + x.type() + ")")).toList();
            List<Option> relOptions = new ArrayList<>();
            relOptions.add(new Option("", "None"));
            rels.forEach(f -> relOptions.add(new Option(f.name(), f.name() + " (" + name(servers, f.primaryServerId()) + " ⇄ "
                    + name(servers, f.secondaryServerId()) + ")")));
            return List.of(
                    Field.text("name", "Name", v.getOrDefault("name", "")),
                    Field.text("subnet", "Subnet (CIDR)", v.getOrDefault("subnet", "")),
                    Field.select("server", "Server", v.getOrDefault("server", serverOptions.isEmpty() ? "" : serverOptions.get(0).value()), serverOptions),
                    Field.text("poolFrom", "First pool address (optional)", v.getOrDefault("poolFrom", "")),
                    Field.text("poolTo", "Last pool address (optional)", v.getOrDefault("poolTo", "")),
                    Field.select("relationship", "Failover relationship", v.getOrDefault("relationship", ""), relOptions)
                            .withHelp("The scope needs a pool to join a failover relationship."));
        }), (actor, v) -> {
            Ipv4Range subnet = Ipv4Range.parseCidr("subnet", Pages.required(v, "subnet", "Subnet"));
            Pages.required(v, "server", "Server");
            boolean pool = !v.getOrDefault("poolFrom", "").isBlank() || !v.getOrDefault("poolTo", "").isBlank();
            if (pool && !subnet.contains(Ipv4Range.parse("poolFrom", v.get("poolFrom"), "poolTo", v.get("poolTo")))) {
                throw UserError.invalid("poolFrom", "The pool must lie inside " + v.get("subnet"));
            }
            if (!v.getOrDefault("relationship", "").isEmpty() && !pool) {
                throw UserError.invalid("poolFrom", "Give the scope a pool: a scope joins a failover relationship only with at least one pool");
            }
            FailoverRelationship chosen = v.getOrDefault("relationship", "").isEmpty() ? null : relationship(v);
            ScopeWrites.Outcome<DhcpScope> dry = newScope(actor, null, v, true);
            String note;
            if (chosen == null) {
                note = "The subnet (with its pool) is written to the server's configuration, checked by the server first.";
            } else if (dry.change() != null && dry.change().diffs().size() > 1) {
                // A Kea HA server: the subnet goes to both peers, so the scope is in their relationship as it is made.
                note = "The subnet (with its pool) is written to both servers of failover relationship " + chosen.name()
                        + ", checked by each server first.";
            } else {
                note = "The subnet (with its pool) is written to the server's configuration, checked by the server first; then the scope"
                        + " is added to failover relationship " + chosen.name() + ", which writes the failover settings to"
                        + " both servers. That second step has no diff here, because it needs the scope to exist; its diffs will be"
                        + " in the change history. If it fails, the new scope is removed again.";
            }
            return preview(dry, note);
        }, (actor, v, comment) -> {
            String name = v.getOrDefault("relationship", "");
            FailoverRelationship chosen = name.isEmpty() ? null : relationship(v);
            DhcpScope scope = newScope(actor, comment, v, false).result();
            boolean joined = central.failover().service().relationshipOf(scope).map(FailoverRelationship::name).filter(name::equals).isPresent();
            if (chosen != null && !joined) {
                try {
                    failover.call(actor, "AddDHCPScopesToDHCPFailoverRelationship", addParams(chosen, scope), false, comment);
                } catch (RuntimeException e) {
                    // All of it or nothing, as AddDHCPScope with a relationship: the new scope and its range go again.
                    central.failover().scopeWrites().removeScope(actor, "undo: " + e.getMessage(), "scope", scope.ref(), false);
                    central.scopes().removeRange(actor, "undo: " + e.getMessage(), "range", scope.rangeRef());
                    throw e;
                }
            }
            return "/ui/scopes";
        });
    }

    /** The create-scope dialog's subnet and pool as one write (a dry run for the Summary). */
    private ScopeWrites.Outcome<DhcpScope> newScope(Actor actor, String comment, Map<String, String> v, boolean dryRun) {
        List<String[]> pools = v.getOrDefault("poolFrom", "").isBlank() ? List.of()
                : List.<String[]>of(new String[] {v.get("poolFrom"), v.get("poolTo")});
        return central.failover().scopeWrites().addScopeInNewRange(actor, comment, "range",
                new ScopeService.NewRange(Pages.required(v, "name", "Name"), v.get("subnet"), null, null, null), "scope",
                Pages.required(v, "server", "Server"), v.get("name"), pools, "pool", dryRun);
    }

    /** The chosen relationship, refused unless the chosen server is one of its two. */
    private FailoverRelationship relationship(Map<String, String> v) {
        FailoverRelationship r = central.failoverRelationships().findByName(v.get("relationship"))
                .orElseThrow(() -> UserError.invalid("relationship", "No failover relationship \"" + v.get("relationship") + "\""));
        DhcpServer server = central.servers().get("server", Pages.required(v, "server", "Server"));
        if (r.primaryServerId() != server.id() && r.secondaryServerId() != server.id()) {
            Map<Long, DhcpServer> servers = servers();
            throw UserError.invalid("relationship", "Failover relationship " + r.name() + " is between " + name(servers, r.primaryServerId())
                    + " and " + name(servers, r.secondaryServerId()) + ", not " + server.name() + "; choose one of its servers or another"
                    + " relationship");
        }
        return r;
    }

    // ---------------------------------------------------------------- failover actions

    /** The Action menu acts on the selected row; with none selected it says so instead of guessing. */
    private void action(Context ctx) {
        String sel = ctx.queryParam("sel");
        String what = ctx.pathParam("what");
        String prefix = DhcpScope.RESOURCE + "/";
        if (sel == null || !sel.startsWith(prefix) || !sel.substring(prefix.length()).matches("\\d{1,18}")) {
            pages.message(ctx, "Select a scope", "Select a scope in the grid first (the round button at the start of its row),"
                    + " then choose the action again.");
            return;
        }
        Optional<Subnet> s = subnetOfScope(Long.parseLong(sel.substring(prefix.length())));
        if (s.isEmpty()) {
            pages.message(ctx, "Scope not found", "The selected scope is no longer there (removed since the grid was shown)."
                    + " Reload the page and select it again.");
            return;
        }
        switch (what) {
            case "add-failover" -> addToFailover(ctx, s.get());
            case "remove-failover" -> removeFromFailover(ctx, s.get());
            case "instances" -> instances(ctx, s.get());
            default -> ctx.status(404).result("");
        }
    }

    private ObjectNode addParams(FailoverRelationship f, DhcpScope scope) {
        ObjectNode p = FailoverRpc.params();
        p.put("dhcpServerRef", "dhcpServers/" + f.primaryServerId());
        p.put("dhcpFailoverRelationshipName", f.name());
        p.putArray("dhcpScopeRefs").add(scope.ref());
        return p;
    }

    private void addToFailover(Context ctx, Subnet s) {
        Map<Long, DhcpServer> servers = servers();
        List<Long> on = s.instances().stream().map(DhcpScope::serverId).toList();
        List<FailoverRelationship> rels = central.failoverRelationships().list(null).stream()
                .filter(f -> on.contains(f.primaryServerId()) || on.contains(f.secondaryServerId())).toList();
        String title = "Add scope " + s.instances().get(0).name() + " to failover";
        if (s.relationship() != null) {
            pages.message(ctx, title, "This scope is already in failover relationship " + s.relationship().name()
                    + "; a scope can be in one relationship only. Remove it from that relationship first.");
            return;
        }
        pages.dialog(ctx, new Pages.DialogSpec(title, s.path() + "/add-failover", "Confirm", v -> {
            List<Option> options = new ArrayList<>();
            options.add(new Option("", "Choose a relationship…"));
            rels.forEach(f -> options.add(new Option(f.name(), f.name() + " (" + name(servers, f.primaryServerId()) + " ⇄ "
                    + name(servers, f.secondaryServerId()) + ", " + f.state() + ")")));
            return List.of(Field.select("dhcpFailoverRelationshipName", "Failover relationship", v.getOrDefault("dhcpFailoverRelationshipName", ""), options));
        }), (actor, v) -> {
            FailoverRelationship f = chosen(v, rels, servers, on);
            return new Pages.Preview(failover.call(actor, "AddDHCPScopesToDHCPFailoverRelationship", addParams(f, instanceFor(s, f)), true, null).diffs(),
                    f.state() == FailoverRelationship.State.Empty ? "The relationship is Empty: this creates its failover peer on both servers." : null);
        }, (actor, v, comment) -> {
            FailoverRelationship f = chosen(v, rels, servers, on);
            failover.call(actor, "AddDHCPScopesToDHCPFailoverRelationship", addParams(f, instanceFor(s, f)), false, comment);
            return "/ui/scopes";
        });
    }

    private static FailoverRelationship chosen(Map<String, String> v, List<FailoverRelationship> rels, Map<Long, DhcpServer> servers, List<Long> on) {
        String name = v.getOrDefault("dhcpFailoverRelationshipName", "");
        if (rels.isEmpty()) {
            throw UserError.invalid("dhcpFailoverRelationshipName", "Server " + on.stream().map(id -> name(servers, id))
                    .collect(Collectors.joining(", ")) + " has no failover relationship; add one under Admin › Service management first");
        }
        return rels.stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> UserError.invalid("dhcpFailoverRelationshipName", "Choose a failover relationship"));
    }

    /** The scope instance on the relationship's primary server (or the one instance there is). */
    private static DhcpScope instanceFor(Subnet s, FailoverRelationship f) {
        return s.instances().stream().filter(i -> i.serverId() == f.primaryServerId()).findFirst()
                .orElse(s.instances().stream().filter(i -> i.serverId() == f.secondaryServerId()).findFirst().orElse(s.instances().get(0)));
    }

    private ObjectNode removeParams(FailoverRelationship f, Subnet s, String action) {
        ObjectNode p = FailoverRpc.params();
        p.put("dhcpServerRef", "dhcpServers/" + f.primaryServerId());
        p.put("dhcpFailoverRelationshipName", f.name());
        p.putArray("dhcpScopeRefs").add(instanceFor(s, f).ref());
        p.put("dhcpFailoverRelationshipDeconfigureAction", action);
        return p;
    }

    private static final List<Option> DECONFIGURE = List.of(
            new Option("Delete", "Delete the secondary scope"),
            new Option("Disable", "Disable the secondary scope (keep it, serving no clients)"));

    private void removeFromFailover(Context ctx, Subnet s) {
        FailoverRelationship f = s.relationship();
        String title = "Remove scope " + s.instances().get(0).name() + " from failover";
        if (f == null) {
            pages.message(ctx, title, "This scope is in no failover relationship, so there is nothing to remove.");
            return;
        }
        pages.dialog(ctx, new Pages.DialogSpec(title, s.path() + "/remove-failover", "Remove from failover",
                v -> List.of(Field.readonly("relationship", "Failover relationship", f.name()),
                        Field.radio("dhcpFailoverRelationshipDeconfigureAction", "The secondary scope",
                                v.getOrDefault("dhcpFailoverRelationshipDeconfigureAction", "Delete"), DECONFIGURE))),
                (actor, v) -> new Pages.Preview(failover.call(actor, "RemoveDHCPScopesFromDHCPFailoverRelationship",
                        removeParams(f, s, deconfigure(v)), true, null).diffs(), null),
                (actor, v, comment) -> {
                    failover.call(actor, "RemoveDHCPScopesFromDHCPFailoverRelationship", removeParams(f, s, deconfigure(v)), false, comment);
                    return "/ui/scopes";
                });
    }

    private static String deconfigure(Map<String, String> v) {
        String a = v.getOrDefault("dhcpFailoverRelationshipDeconfigureAction", "");
        if (!a.equals("Delete") && !a.equals("Disable")) {
            throw UserError.invalid("dhcpFailoverRelationshipDeconfigureAction", "Choose whether to delete or disable the secondary scope");
        }
        return a;
    }

    /**
     * Manage scope instances: one choice per server; Save removes the chosen instances with the failover service's
     * RemoveDHCPScopeInstance (removing an instance of a failover scope takes the scope out of its relationship).
     */
    private void instances(Context ctx, Subnet s) {
        Map<Long, DhcpServer> servers = servers();
        FailoverRelationship f = s.relationship();
        List<Option> keepOrRemove = List.of(new Option("keep", "Keep"), new Option("remove", "Remove scope instance"));
        pages.dialog(ctx, new Pages.DialogSpec("Scope instances of " + s.instances().get(0).name(), s.path() + "/instances",
                "Save", v -> s.instances().stream().map(i -> Field.radio("instance" + i.id(), "On " + name(servers, i.serverId())
                        + (f == null ? "" : i.serverId() == f.primaryServerId() ? " (failover primary)" : " (failover secondary)"),
                        v.getOrDefault("instance" + i.id(), "keep"), keepOrRemove)).toList()),
                (actor, v) -> {
                    List<View.ServerDiff> diffs = new ArrayList<>();
                    List<DhcpScope> removed = removedInstances(s, v);
                    for (DhcpScope i : removed) {
                        diffs.addAll(failover.call(actor, "RemoveDHCPScopeInstance", instanceParams(i), true, null).diffs());
                    }
                    return new Pages.Preview(diffs, removed.isEmpty() ? "Nothing to save: every instance is kept."
                            : f == null ? null : "Removing an instance takes the scope out of failover relationship " + f.name() + ".");
                },
                (actor, v, comment) -> {
                    for (DhcpScope i : removedInstances(s, v)) {
                        failover.call(actor, "RemoveDHCPScopeInstance", instanceParams(i), false, comment);
                    }
                    return "/ui/scopes";
                });
    }

    private static ObjectNode instanceParams(DhcpScope instance) {
        ObjectNode p = FailoverRpc.params();
        p.put("dhcpScopeRef", instance.ref());
        return p;
    }

    private static List<DhcpScope> removedInstances(Subnet s, Map<String, String> v) {
        List<DhcpScope> removed = s.instances().stream().filter(i -> "remove".equals(v.get("instance" + i.id()))).toList();
        if (!removed.isEmpty() && removed.size() == s.instances().size()) {
            throw UserError.invalid("instance" + removed.get(0).id(), "Keep at least one instance; to delete the scope itself, remove it from IPAM");
        }
        return removed;
    }

}
