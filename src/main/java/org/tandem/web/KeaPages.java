package org.tandem.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.tandem.auth.Actor;
import org.tandem.central.Central;
import org.tandem.change.ChangeEngine;
import org.tandem.change.ChangeListener;
import org.tandem.change.ChangePlan;
import org.tandem.change.ChangeResult;
import org.tandem.change.SecretMask;
import org.tandem.change.ServerChange;
import org.tandem.common.Text;
import org.tandem.common.UserError;
import org.tandem.http.Json;
import org.tandem.failover.ServerTargets;
import org.tandem.kea.KeaEngine;
import org.tandem.kea.client.KeaClient;
import org.tandem.kea.config.KeaConfig;
import org.tandem.kea.config.KeaConfigDocument;
import org.tandem.kea.config.KeaHaConfig;
import org.tandem.kea.ha.InMemoryKeaHaStateLog;
import org.tandem.kea.ha.KeaHaService;
import org.tandem.kea.ha.KeaHaStatus;
import org.tandem.kea.ha.KeaHaStatusPuller;
import org.tandem.servers.DhcpServer;
import org.tandem.servers.ServerType;
import org.tandem.web.View.ServerDiff;

/**
 * Kea: Edit configuration (the server's in-memory config as JSON, checked by Tandem's rules and Kea's config-test,
 * previewed as a diff, refused if the server changed since the editor was opened) and the HA panel of a pair.
 */
final class KeaPages {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private final Central central;
    private final KeaEngine kea;
    private final Pages pages;
    private final InMemoryKeaHaStateLog haLog = new InMemoryKeaHaStateLog();
    /** One puller per pair, so state changes (and so the last failover) are seen between visits of the panel. */
    private final Map<String, KeaHaStatusPuller> pullers = new ConcurrentHashMap<>();

    KeaPages(Central central, KeaEngine kea, Pages pages) {
        this.central = central;
        this.kea = kea;
        this.pages = pages;
    }

    void install(RoutesConfig r) {
        r.get("/ui/kea/{id}/config", this::editor);
        r.post("/ui/kea/{id}/config", this::submit);
        r.get("/ui/kea/{id}/ha", ctx -> ha(ctx, null, null));
        r.post("/ui/kea/{id}/ha", this::haAction);
    }

    private DhcpServer server(Context ctx) {
        DhcpServer s = central.servers().get("server", DhcpServer.RESOURCE + "/" + Pages.id(ctx, "id"));
        if (s.type() != ServerType.Kea) {
            throw UserError.invalid("server", s.name() + " is not a Kea server");
        }
        return s;
    }

    private View.ServerRow row(DhcpServer s) {
        return new View.ServerRow(s.id(), s.name(), "Kea", s.address(), s.port(), s.state() == null ? "unknown" : s.state(), 0);
    }

    // ---------------------------------------------------------------- edit configuration

    private void editor(Context ctx) {
        DhcpServer s = server(ctx);
        KeaClient client = ServerTargets.keaClient(s);
        View.KeaConfigEditor e;
        try {
            KeaConfig live = kea.sync(client);
            // Masked for everyone: the HA peers' basic-auth-password opens the Control Agents to whoever reads it.
            e = new View.KeaConfigEditor(row(s), SecretMask.mask(live.toPrettyString()), live.hash(), null, null, List.of(), null);
        } catch (UserError err) {
            e = new View.KeaConfigEditor(row(s), "", "", "Cannot read the configuration of " + s.name() + ": " + err.getMessage(),
                    null, List.of(), null);
        }
        pages.views.render(ctx, "keaConfig", "page", pages.page(ctx, "Edit configuration · " + s.name(), "admin"), "e", e);
    }

    /**
     * step=preview: the change engine's dry run (Tandem's rules, the conflict check, Kea's config-test) and the diff;
     * step=apply: the same change through the change engine, as every other write: the server's lock, the journal,
     * the fresh read just before the write, the HA scope hand-over that keeps the pair serving, verification, and the
     * change history. Errors stay next to the editor.
     */
    private void submit(Context ctx) {
        DhcpServer s = server(ctx);
        KeaClient client = ServerTargets.keaClient(s);
        String text = Optional.ofNullable(ctx.formParam("config")).orElse("");
        String baseHash = Optional.ofNullable(ctx.formParam("baseHash")).orElse("");
        boolean apply = "apply".equals(ctx.formParam("step"));
        View.KeaConfigEditor e;
        try {
            Actor actor = Pages.actor(ctx);
            // The editor is for users who may write: even a preview runs config-test on the server.
            if (!actor.mayWrite()) {
                throw new UserError(UserError.Kind.PERMISSION_DENIED, null, "User \"" + actor.userName() + "\" is read-only and may not make changes");
            }
            ServerChange change = change(client, s, text, baseHash);
            ChangePlan plan = new ChangePlan(List.of(change), actor.userName(), ctx.formParam("saveComment"));
            ChangeEngine engine = central.failover().engine();
            if (change.unchanged()) {
                e = new View.KeaConfigEditor(row(s), text, baseHash, "Nothing to apply: the edited configuration equals the running one.",
                        null, List.of(), null);
            } else if (!apply) {
                List<ServerDiff> diffs = engine.dryRun(plan, ChangeListener.LOG).diffs().stream()
                        .map(d -> new ServerDiff(d.server(), d.unifiedDiff())).toList();
                e = new View.KeaConfigEditor(row(s), text, baseHash, null, null, diffs,
                        "Kea's config-test accepted this configuration. Review the change, then apply it.");
            } else {
                ChangeResult result = engine.apply(plan, ChangeListener.LOG);
                KeaConfig now = kea.lastSynced(client);
                e = new View.KeaConfigEditor(row(s), SecretMask.mask(now.toPrettyString()), now.hash(), null, null, List.of(),
                        "Applied to " + s.name() + " (change #" + result.changeId() + "): config-test, then config-set and config-write;"
                        + " " + s.name() + " runs the new configuration.");
            }
        } catch (ConfigError err) {
            e = new View.KeaConfigEditor(row(s), text, baseHash, err.getMessage(), err.line, List.of(), null);
        } catch (UserError err) {
            e = new View.KeaConfigEditor(row(s), text, baseHash, err.getMessage(), null, List.of(), null);
        }
        pages.views.render(ctx, "keaConfigForm", "e", e, "csrf", pages.session.csrf(ctx));
    }

    /** A problem in the JSON the user typed, with the line it is on when known. */
    private static final class ConfigError extends RuntimeException {
        final String line;

        ConfigError(String message, String line) {
            super(message);
            this.line = line;
        }
    }

    /** The edited text as a change of the server's configuration, refused if the server changed since the editor opened. */
    private ServerChange change(KeaClient client, DhcpServer s, String text, String baseHash) {
        if (text.isBlank()) {
            throw new ConfigError("The configuration is empty; it must be a JSON object with a \"Dhcp4\" member.", null);
        }
        JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException ex) {
            long line = ex.getLocation() == null ? -1 : ex.getLocation().getLineNr();
            throw new ConfigError("This is not valid JSON" + (line > 0 ? " (line " + line + ")" : "") + ": " + Text.jsonProblem(ex),
                    line > 0 ? String.valueOf(line) : null);
        }
        if (tree == null || !tree.isObject() || !tree.has("Dhcp4") || !tree.get("Dhcp4").isObject()) {
            throw new ConfigError("The configuration must be a JSON object with a \"Dhcp4\" object in it, as Kea's config-get shows it.", null);
        }
        KeaConfig live = kea.sync(client);
        if (!live.hash().equals(baseHash)) {
            throw UserError.conflict("The configuration of " + s.name() + " changed since you opened the editor (another user, or"
                    + " a config-reload on the server). Your edit was not applied. Copy your change, reload this page to see"
                    + " the current configuration, and make the change again.");
        }
        // The editor showed the secrets masked: put the server's real values back where the mask was left.
        try {
            SecretMask.restore(tree, Json.MAPPER.readTree(live.toPrettyString()));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("Kea's own configuration is not JSON", ex);
        }
        KeaConfigDocument doc;
        try {
            doc = KeaConfig.fromJson(Json.MAPPER.writeValueAsBytes(tree), Instant.now()).edit();
        } catch (IllegalArgumentException | JsonProcessingException ex) {
            throw new ConfigError("Kea would not read this configuration: " + ex.getMessage(), null);
        }
        // The engine's own checks refuse the write if the server changes after this read: a whole-config edit is never
        // re-applied over someone else's change.
        return new ServerChange(s.name(), live.toPrettyString(), doc.toPrettyString());
    }

    // ---------------------------------------------------------------- HA panel

    private record Pair(DhcpServer self, DhcpServer partner, KeaHaConfig ha) {}

    private Pair pair(DhcpServer s) {
        KeaClient client = ServerTargets.keaClient(s);
        KeaHaConfig ha = kea.sync(client).ha().orElseThrow(() -> UserError.invalid("server",
                s.name() + " has no High Availability relationship in its configuration"));
        return new Pair(s, central.failover().service().keaPartner(ha).orElse(null), ha);
    }

    private void ha(Context ctx, String message, String error) {
        DhcpServer s = server(ctx);
        View.HaPanel panel;
        try {
            Pair pair = pair(s);
            List<DhcpServer> peers = pair.partner() == null ? List.of(s) : List.of(s, pair.partner());
            List<KeaClient> clients = peers.stream().map(ServerTargets::keaClient).toList();
            String key = peers.stream().map(DhcpServer::name).sorted().reduce("", (a, b) -> a + "|" + b);
            pullers.computeIfAbsent(key, k -> new KeaHaStatusPuller(clients, haLog, central.clock())).run();
            List<View.HaPeer> rows = new ArrayList<>();
            for (DhcpServer p : peers) {
                KeaHaStatus st = haLog.latest(p.name()).orElse(KeaHaStatus.unavailable(p.name()));
                KeaHaStatus.Remote remote = st.remote();
                rows.add(new View.HaPeer(p.name(), st.mode(), st.localRole(), st.localState(), st.localScopes(),
                        remote == null ? "—" : remote.lastState(),
                        remote == null ? "—" : remote.inTouch() ? "yes (" + remote.ageSeconds() + " s ago)" : "no",
                        haLog.lastFailover(p.name()).map(TIME::format).orElse("none seen"),
                        "unavailable".equals(st.localState()) ? "Did not answer status-get; check that its Control Agent runs." : null));
            }
            panel = new View.HaPanel(row(s), pair.partner() == null ? null : pair.partner().name(), rows, message, error);
        } catch (UserError e) {
            panel = new View.HaPanel(row(s), null, List.of(), message, e.getMessage());
        }
        String template = ctx.header("HX-Request") != null ? "haPanelBody" : "haPanel";
        pages.views.render(ctx, template, "page", pages.page(ctx, "High Availability · " + s.name(), "admin"), "p", panel);
    }

    /**
     * The panel's buttons go through the same {@link KeaHaService} as the JSON-RPC commands and REST routes: the same
     * checks, the same change history entry. Only choosing the peer (this server or its partner) is the page's own.
     */
    private void haAction(Context ctx) {
        DhcpServer s = server(ctx);
        String action = Optional.ofNullable(ctx.formParam("action")).orElse("");
        String target = Optional.ofNullable(ctx.formParam("peer")).orElse("");
        String comment = Optional.ofNullable(ctx.formParam("saveComment")).filter(c -> !c.isBlank()).orElse(null);
        Actor actor = Pages.actor(ctx);
        KeaHaService ha = central.keaHa();
        String message = null;
        String error = null;
        try {
            if (!actor.mayWrite()) {
                throw new UserError(UserError.Kind.PERMISSION_DENIED, null, "User \"" + actor.userName() + "\" is read-only and may not act on HA");
            }
            Pair pair = pair(s);
            DhcpServer peer = target.equals(s.name()) ? s : pair.partner() != null && target.equals(pair.partner().name()) ? pair.partner() : null;
            if (peer == null) {
                throw UserError.invalid("peer", "Choose one of the pair's servers");
            }
            KeaHaService.Outcome done = switch (action) {
                case "sync" -> ha.sync(actor, peer, null, null, comment);
                case "scopes" -> ha.scopes(actor, peer, scopes(ctx.formParam("scopes")), comment);
                case "maintenance-start" -> ha.maintenanceStart(actor, peer, comment);
                case "maintenance-cancel" -> ha.maintenanceCancel(actor, peer, comment);
                case "continue" -> ha.continueStateMachine(actor, peer, comment);
                default -> throw UserError.invalid("action", "Unknown HA action \"" + action + "\"");
            };
            message = peer.name() + ": " + done.answer();
        } catch (UserError e) {
            error = e.getMessage();
        }
        ha(ctx, message, error);
    }

    /** The scopes field as typed: names separated by commas or spaces; the service checks each name. */
    private static List<String> scopes(String text) {
        if (text == null) {
            return List.of();
        }
        return Arrays.stream(text.split("[,\\s]+")).filter(x -> !x.isEmpty()).toList();
    }
}
