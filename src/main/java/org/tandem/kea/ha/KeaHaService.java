package org.tandem.kea.ha;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.tandem.auth.Actor;
import org.tandem.changelog.ChangeLog;
import org.tandem.common.UserError;
import org.tandem.kea.client.KeaClient;
import org.tandem.kea.config.KeaConfig;
import org.tandem.kea.config.KeaHaConfig;
import org.tandem.servers.DhcpServer;
import org.tandem.servers.ServerService;
import org.tandem.servers.ServerType;

/**
 * The HA actions an administrator takes on one Kea server (lease sync, served scopes, maintenance start and cancel,
 * continue): checked against the server's own HA configuration, sent to the server, and recorded in the change history.
 * The JSON-RPC commands, the REST routes (and so the CLI) and the web HA panel all go through here.
 */
public final class KeaHaService {

    /** The change history's object type for an HA action; its ref is the server's. */
    public static final String OBJ_TYPE = "KeaHAAction";
    /** Kea 2.2 takes max-period as uint32 seconds; a day is already far past any sensible sync. */
    public static final long MAX_PERIOD_LIMIT = 86_400;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    /** One action and the Kea command it sends. */
    public enum Action {
        SYNC("ha-sync"), SCOPES("ha-scopes"), MAINTENANCE_START("ha-maintenance-start"), MAINTENANCE_CANCEL("ha-maintenance-cancel"),
        CONTINUE("ha-continue");

        private final String kea;

        Action(String kea) {
            this.kea = kea;
        }

        public String kea() {
            return kea;
        }
    }

    /**
     * What an action did: the server it was sent to, the command and its arguments, Kea's answer text, and the server's
     * local HA state just before (as status-get showed it; {@code unavailable} when it did not answer).
     */
    public record Outcome(DhcpServer server, Action action, Map<String, Object> arguments, String answer, String stateBefore) {}

    private final ServerService servers;
    private final Function<DhcpServer, KeaClient> clients;
    private final Function<KeaClient, KeaConfig> configs;
    private final KeaHaActions actions;
    private final ChangeLog changeLog;

    /**
     * @param clients reaches a Kea server's Control Agent with its stored credentials
     * @param configs the server's configuration to check names against (a recent read is fine: HA peer names change
     *                only with a relationship change, which goes through Tandem)
     */
    public KeaHaService(ServerService servers, Function<DhcpServer, KeaClient> clients, Function<KeaClient, KeaConfig> configs,
            KeaHaActions actions, ChangeLog changeLog) {
        this.servers = Objects.requireNonNull(servers);
        this.clients = Objects.requireNonNull(clients);
        this.configs = Objects.requireNonNull(configs);
        this.actions = Objects.requireNonNull(actions);
        this.changeLog = Objects.requireNonNull(changeLog);
    }

    /** The registered server {@code ref} (ref or name) under parameter {@code field}; a clear error unless it is a Kea server. */
    public DhcpServer keaServer(String field, String ref) {
        if (ref == null || ref.isBlank()) {
            throw UserError.invalid(field, "is required (a DHCP server ref like dhcpServers/3, or its name)");
        }
        DhcpServer server = servers.get(field, ref);
        if (server.type() != ServerType.Kea) {
            throw UserError.invalid(field, "\"" + server.name() + "\" is an ISC DHCP server; HA actions (ha-sync, ha-scopes, maintenance,"
                    + " ha-continue) are for Kea servers in a High Availability relationship");
        }
        return server;
    }

    /**
     * {@code ha-sync} on {@code server}: it fetches the leases of HA peer {@code peerName} (null: its partner, when the
     * configuration names exactly one) and blocks until done. {@code maxPeriodSeconds} (optional) bounds how long the
     * peer's DHCP service stays disabled meanwhile.
     */
    public Outcome sync(Actor actor, DhcpServer server, String peerName, Long maxPeriodSeconds, String saveComment) {
        checkCaller(actor, saveComment);
        if (maxPeriodSeconds != null && (maxPeriodSeconds < 1 || maxPeriodSeconds > MAX_PERIOD_LIMIT)) {
            throw UserError.invalid("maxPeriod", "must be from 1 to " + MAX_PERIOD_LIMIT + " seconds, not " + maxPeriodSeconds);
        }
        if (peerName != null && !NAME.matcher(peerName).matches()) {
            throw UserError.invalid("peerName", "\"" + peerName + "\" is not a HA server name (1-64 letters, digits, '_', '.', '-')");
        }
        KeaClient client = clients.apply(server);
        KeaHaConfig ha = haConfig(server, client);
        String peer = peerName == null ? partner(server, ha) : checkPeer(server, ha, peerName);
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("server-name", peer);
        if (maxPeriodSeconds != null) {
            args.put("max-period", maxPeriodSeconds);
        }
        return run(actor, saveComment, server, client, Action.SYNC, args,
                () -> actions.sync(client, peer, maxPeriodSeconds == null ? null : maxPeriodSeconds.intValue()));
    }

    /**
     * {@code ha-scopes} on {@code server}: the HA scopes it serves from now on (an empty list: none). Scope names are the
     * names of the peers that own a scope: primary and secondary in load-balancing, the primary otherwise.
     */
    public Outcome scopes(Actor actor, DhcpServer server, List<String> scopes, String saveComment) {
        checkCaller(actor, saveComment);
        if (scopes == null) {
            throw UserError.invalid("scopes", "is required: the HA scope names to serve, e.g. [\"server1\"] ([] serves none)");
        }
        LinkedHashSet<String> wanted = new LinkedHashSet<>();
        for (String s : scopes) {
            if (s == null || !NAME.matcher(s).matches()) {
                throw UserError.invalid("scopes", "\"" + s + "\" is not a server name; give the names of the HA scopes to serve"
                        + " (letters, digits, '_', '.', '-'), or none to serve none");
            }
            if (s.startsWith("HA_")) {
                throw UserError.invalid("scopes", "\"" + s + "\" is a client class; HA scopes are server names like \"" + s.substring(3) + "\"");
            }
            wanted.add(s);
        }
        KeaClient client = clients.apply(server);
        KeaHaConfig ha = haConfig(server, client);
        List<String> known = scopeNames(ha);
        for (String s : wanted) {
            if (!known.contains(s)) {
                throw UserError.invalid("scopes", "\"" + s + "\" is not a HA scope of " + server.name() + "'s relationship ("
                        + ha.mode().kea() + "); its scopes are " + String.join(", ", known));
            }
        }
        List<String> list = List.copyOf(wanted);
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("scopes", list);
        return run(actor, saveComment, server, client, Action.SCOPES, args, () -> actions.scopes(client, list));
    }

    /** {@code ha-maintenance-start} on the server that takes over: its partner goes to in-maintenance and may then be stopped. */
    public Outcome maintenanceStart(Actor actor, DhcpServer server, String saveComment) {
        return simple(actor, server, saveComment, Action.MAINTENANCE_START, actions::maintenanceStart);
    }

    /** {@code ha-maintenance-cancel} on the server in partner-in-maintenance: both go back to the states they left. */
    public Outcome maintenanceCancel(Actor actor, DhcpServer server, String saveComment) {
        return simple(actor, server, saveComment, Action.MAINTENANCE_CANCEL, actions::maintenanceCancel);
    }

    /** {@code ha-continue}: resumes a state machine paused by its {@code state-machine} pause settings. */
    public Outcome continueStateMachine(Actor actor, DhcpServer server, String saveComment) {
        return simple(actor, server, saveComment, Action.CONTINUE, actions::continueStateMachine);
    }

    private Outcome simple(Actor actor, DhcpServer server, String saveComment, Action action, Function<KeaClient, String> send) {
        checkCaller(actor, saveComment);
        KeaClient client = clients.apply(server);
        haConfig(server, client);
        return run(actor, saveComment, server, client, action, Map.of(), () -> send.apply(client));
    }

    /**
     * Sends the command, then records it. The record is written after Kea answered, not in one transaction around the
     * call: ha-sync can take minutes, and the change log's write lock would hold every other write in Central that long.
     * A refused or failed command records nothing, like every other write.
     */
    private Outcome run(Actor actor, String saveComment, DhcpServer server, KeaClient client, Action action, Map<String, Object> args,
            java.util.function.Supplier<String> send) {
        String before = stateOf(client);
        String answer = send.get();
        Outcome outcome = new Outcome(server, action, args, answer == null ? "" : answer, before);
        changeLog.write(actor, saveComment, log -> {
            Map<String, Object> was = new LinkedHashMap<>();
            was.put("server", server.name());
            was.put("haState", before);
            Map<String, Object> after = new LinkedHashMap<>();
            after.put("server", server.name());
            after.put("command", action.kea());
            if (!args.isEmpty()) {
                after.put("arguments", args);
            }
            after.put("answer", outcome.answer());
            log.modified(OBJ_TYPE, server.ref(), was, after);
            return null;
        });
        return outcome;
    }

    private String stateOf(KeaClient client) {
        try {
            return actions.status(client).localState();
        } catch (UserError e) {
            return "unavailable";
        }
    }

    /** Checked before anything is sent, so a command Kea ran is never left out of the history for a reason known up front. */
    private static void checkCaller(Actor actor, String saveComment) {
        if (!actor.mayWrite()) {
            throw new UserError(UserError.Kind.PERMISSION_DENIED, null,
                    "User \"" + actor.userName() + "\" is read-only and may not act on Kea High Availability");
        }
        if (saveComment != null && saveComment.length() > ChangeLog.MAX_COMMENT) {
            throw UserError.invalid("saveComment", "is longer than " + ChangeLog.MAX_COMMENT + " characters");
        }
    }

    private KeaHaConfig haConfig(DhcpServer server, KeaClient client) {
        return configs.apply(client).ha().orElseThrow(() -> UserError.invalid("dhcpServerRef", "Kea server \"" + server.name()
                + "\" has no High Availability relationship in its configuration (no libdhcp_ha.so); add it to one first"));
    }

    /** The peer to sync from when none is named: the partner, or for a backup server the primary. */
    private static String partner(DhcpServer server, KeaHaConfig ha) {
        String me = ha.thisServerName();
        KeaHaConfig.Role myRole = ha.peer(me).map(KeaHaConfig.Peer::role).orElse(null);
        List<String> candidates = new ArrayList<>();
        for (KeaHaConfig.Peer p : ha.peers()) {
            if (p.name().equals(me)) {
                continue;
            }
            boolean fits = myRole == KeaHaConfig.Role.BACKUP ? p.role() == KeaHaConfig.Role.PRIMARY : p.role() != KeaHaConfig.Role.BACKUP;
            if (fits) {
                candidates.add(p.name());
            }
        }
        if (candidates.size() != 1) {
            throw UserError.invalid("peerName", "is required for " + server.name() + ": name the HA peer to fetch leases from, one of "
                    + String.join(", ", others(ha)));
        }
        return candidates.get(0);
    }

    private static String checkPeer(DhcpServer server, KeaHaConfig ha, String peerName) {
        if (peerName.equals(ha.thisServerName())) {
            throw UserError.invalid("peerName", "\"" + peerName + "\" is " + server.name() + " itself in its HA configuration; name the peer"
                    + " to fetch leases from: " + String.join(", ", others(ha)));
        }
        if (ha.peer(peerName).isEmpty()) {
            throw UserError.invalid("peerName", "\"" + peerName + "\" is not a peer in " + server.name() + "'s HA configuration; its peers are "
                    + String.join(", ", others(ha)));
        }
        return peerName;
    }

    private static List<String> others(KeaHaConfig ha) {
        return ha.peers().stream().map(KeaHaConfig.Peer::name).filter(n -> !n.equals(ha.thisServerName())).toList();
    }

    /** Kea's HA scopes are named after the peers that own one: primary and secondary in load-balancing, else the primary. */
    static List<String> scopeNames(KeaHaConfig ha) {
        return ha.peers().stream()
                .filter(p -> p.role() == KeaHaConfig.Role.PRIMARY
                        || (ha.mode() == KeaHaConfig.Mode.LOAD_BALANCING && p.role() == KeaHaConfig.Role.SECONDARY))
                .map(KeaHaConfig.Peer::name).toList();
    }
}
