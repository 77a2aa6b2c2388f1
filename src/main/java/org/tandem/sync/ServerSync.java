package org.tandem.sync;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tandem.agent.AgentApi;
import org.tandem.change.ServerLocks;
import org.tandem.common.UserError;
import org.tandem.dhcpd.conf.DhcpdConf;
import org.tandem.dhcpd.conf.DhcpdConfModel;
import org.tandem.dhcpd.conf.DhcpdConfParseException;
import org.tandem.failover.FailoverReader;
import org.tandem.failover.FailoverRelationship;
import org.tandem.failover.ServerTargets;
import org.tandem.kea.KeaEngine;
import org.tandem.kea.client.KeaClient;
import org.tandem.kea.config.KeaConfig;
import org.tandem.servers.DhcpServer;
import org.tandem.servers.ServerRepository;
import org.tandem.servers.ServerType;
import org.tandem.store.ListQuery;

/**
 * Imports servers' configurations into the store: one server (on registration, or when a user asks) or all
 * of them (the periodic full sync), then looks for failover relationships among the servers of that type.
 * Records each server's state ({@code OK}, {@code Unreachable}, {@code Invalid config}, {@code Error}).
 * Imports on this node run one at a time, because an import checks the store and then writes to it.
 */
public final class ServerSync {

    /** The outcome of syncing one server, as the API reports it. */
    public record Outcome(String server, String state, int created, int removed, List<String> warnings,
                          List<String> relationships) {}

    public static final String OK = "OK";
    public static final String UNREACHABLE = "Unreachable";
    public static final String INVALID_CONFIG = "Invalid config";
    public static final String ERROR = "Error";

    private static final Logger log = LoggerFactory.getLogger(ServerSync.class);

    private final ServerRepository servers;
    private final StoreImport store;
    private final RelationshipImport relationships;
    private final KeaEngine kea;
    /** The dhcpd models last read, by server id: relationship detection needs both peers' blocks. */
    private final Map<Long, DhcpdConfModel> dhcpdModels = new ConcurrentHashMap<>();

    /** How long a sync waits for a change to the server to finish (a change's steps are bounded by ServerStepTimeout). */
    static final Duration LOCK_WAIT = Duration.ofSeconds(60);
    private static final Duration LOCK_POLL = Duration.ofMillis(100);

    private final JobLock locks;

    public ServerSync(ServerRepository servers, StoreImport store, RelationshipImport relationships, KeaEngine kea, JobLock locks) {
        this.locks = locks;
        this.servers = servers;
        this.store = store;
        this.relationships = relationships;
        this.kea = kea;
    }

    /** Every registered server of one type. */
    public List<DhcpServer> serversOf(ServerType type) {
        return servers.list(new ListQuery("type=" + type.name(), 0, ListQuery.MAX_LIMIT, null, false)).items();
    }

    /**
     * Reads one server's config into the store, then its partners' (the servers it is in a relationship with, or whose
     * last read declares a peer it declares), and judges the relationships among those just read; errors are recorded
     * and rethrown.
     */
    public synchronized Outcome sync(DhcpServer server) {
        StoreImport.Result result = pull(server, false);
        return outcome(server, result, detect(server.type(), withPartners(server)));
    }

    /** For a Kea server: {@code config-reload} (the server re-reads its file after an edit by hand, seed 004), then sync. */
    public synchronized Outcome reload(DhcpServer server) {
        if (server.type() != ServerType.Kea) {
            throw UserError.invalid("dhcpServerRef", "DHCP server \"" + server.name() + "\" is an ISC server; config-reload is a Kea command"
                    + " (an ISC server's agent reads dhcpd.conf at every sync)");
        }
        StoreImport.Result result = pull(server, true);
        return outcome(server, result, detect(server.type(), withPartners(server)));
    }

    /** How a job runs one server's part (BackgroundJob.perServer: failures logged, the others go on). */
    @FunctionalInterface
    interface PerServer {
        void run(String server, Runnable work);
    }

    /** The full sync of every server of one type, each failure recorded without stopping the others. */
    synchronized void syncAll(ServerType type, PerServer perServer) {
        List<DhcpServer> read = new ArrayList<>();
        for (DhcpServer server : serversOf(type)) {
            perServer.run(server.name(), () -> {
                pull(server, false);
                read.add(server);
            });
        }
        detect(type, read);
    }

    /**
     * {@code server} and its partners that could be read now: a relationship is judged on two configurations of this
     * moment, never on one of them and a partner's older read.
     */
    private List<DhcpServer> withPartners(DhcpServer server) {
        List<DhcpServer> read = new ArrayList<>(List.of(server));
        // Read once, not once per other server: the stored relationships with their scope lists.
        Set<Long> stored = new HashSet<>();
        for (FailoverRelationship r : relationships.stored()) {
            if (r.primaryServerId() == server.id()) {
                stored.add(r.secondaryServerId());
            } else if (r.secondaryServerId() == server.id()) {
                stored.add(r.primaryServerId());
            }
        }
        for (DhcpServer other : serversOf(server.type())) {
            if (other.id() == server.id()) {
                continue;
            }
            try {
                if (!stored.contains(other.id()) && !declaresPartner(server, other)) {
                    continue;
                }
                pull(other, false);
                read.add(other);
            } catch (RuntimeException e) {
                log.info("DHCP server {} not read for relationship detection: {}", other.name(), e.getMessage());
            }
        }
        return read;
    }

    /** Whether the two servers' last reads could declare a relationship between them that the store does not have yet. */
    private boolean declaresPartner(DhcpServer a, DhcpServer b) {
        if (a.type() == ServerType.ISC) {
            DhcpdConfModel ma = dhcpdModels.get(a.id());
            DhcpdConfModel mb = dhcpdModels.get(b.id());
            return ma != null && mb != null && ma.failoverPeers().stream().anyMatch(p -> mb.failoverPeer(p.name()).isPresent());
        }
        // Kea: any other server with HA may be the partner of a block just written by hand; Kea pairs are few.
        return keaView(a).ha().isPresent() && keaView(b).ha().isPresent();
    }

    private List<FailoverRelationship> detect(ServerType type, List<DhcpServer> read) {
        if (type == ServerType.ISC) {
            Map<DhcpServer, DhcpdConfModel> models = new LinkedHashMap<>();
            read.forEach(s -> models.put(s, dhcpdModels.get(s.id())));
            return relationships.fromDhcpd(models);
        }
        Map<DhcpServer, FailoverReader.KeaView> views = new LinkedHashMap<>();
        read.forEach(s -> views.put(s, keaView(s)));
        return relationships.fromKea(views);
    }

    /** A Kea server's last read, as relationship detection needs it. */
    private FailoverReader.KeaView keaView(DhcpServer server) {
        return FailoverReader.KeaView.of(kea.lastSynced(ServerTargets.keaClient(server)));
    }

    /**
     * Reads one server and imports it, holding the server's change lock: a change applying to the server at the same
     * time would otherwise be read half-done (servers written, store not yet) and imported as an edit made outside
     * Tandem, which then fails the change's own commit. A change in progress is waited for, at most {@link #LOCK_WAIT}.
     */
    private StoreImport.Result pull(DhcpServer server, boolean reload) {
        try (JobLock.Held held = changeLock(server)) {
            return pullLocked(server, reload);
        }
    }

    private JobLock.Held changeLock(DhcpServer server) {
        // Bounded by count, not by the clock: a test's clock may stand still.
        for (long tries = LOCK_WAIT.toMillis() / LOCK_POLL.toMillis(); ; tries--) {
            Optional<JobLock.Held> held = locks.tryAcquire(ServerLocks.lockName(server.name()));
            if (held.isPresent()) {
                return held.get();
            }
            if (tries <= 0) {
                throw UserError.conflict("A change to DHCP server \"" + server.name() + "\" is in progress; it is synced after the change");
            }
            try {
                Thread.sleep(LOCK_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw UserError.conflict("The sync of DHCP server \"" + server.name() + "\" was interrupted");
            }
        }
    }

    private StoreImport.Result pullLocked(DhcpServer server, boolean reload) {
        try {
            ImportedConfig config;
            if (server.type() == ServerType.ISC) {
                AgentApi.ConfigView view = ServerTargets.agent(server).readConfig();
                DhcpdConfModel model = DhcpdConf.parse(view.content()).model();
                dhcpdModels.put(server.id(), model);
                config = ImportedConfig.fromDhcpd(model);
            } else {
                KeaClient client = ServerTargets.keaClient(server);
                KeaConfig synced = reload ? kea.reload(client) : kea.sync(client);
                config = ImportedConfig.fromKea(synced);
            }
            StoreImport.Result result = store.apply(server, config);
            servers.updateState(server.id(), OK);
            if (result.changedAnything()) {
                log.info("synced {}: {} created, {} removed", server.name(), result.created(), result.removed());
            }
            result.warnings().forEach(w -> log.warn("sync of {}: {}", server.name(), w));
            return result;
        } catch (DhcpdConfParseException e) {
            servers.updateState(server.id(), INVALID_CONFIG);
            throw UserError.invalid("dhcpServerRef", "the configuration of DHCP server \"" + server.name() + "\" cannot be read: " + e.getMessage());
        } catch (UserError e) {
            servers.updateState(server.id(), e.kind() == UserError.Kind.UNREACHABLE ? UNREACHABLE : ERROR);
            throw e;
        } catch (RuntimeException e) {
            servers.updateState(server.id(), ERROR);
            throw e;
        }
    }

    private Outcome outcome(DhcpServer server, StoreImport.Result result, List<FailoverRelationship> found) {
        List<String> names = found.stream()
                .filter(r -> r.primaryServerId() == server.id() || r.secondaryServerId() == server.id())
                .map(FailoverRelationship::name).toList();
        return new Outcome(server.name(), OK, result.created(), result.removed(), result.warnings(), names);
    }
}
