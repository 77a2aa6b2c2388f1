package org.tandem.sync;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tandem.agent.AgentApi;
import org.tandem.common.UserError;
import org.tandem.dhcpd.conf.DhcpdConf;
import org.tandem.dhcpd.conf.DhcpdConfModel;
import org.tandem.dhcpd.conf.DhcpdConfParseException;
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

    public ServerSync(ServerRepository servers, StoreImport store, RelationshipImport relationships, KeaEngine kea) {
        this.servers = servers;
        this.store = store;
        this.relationships = relationships;
        this.kea = kea;
    }

    /** Every registered server of one type. */
    public List<DhcpServer> serversOf(ServerType type) {
        return servers.list(new ListQuery("type=" + type.name(), 0, ListQuery.MAX_LIMIT, null, false)).items();
    }

    /** Reads one server's config into the store and detects relationships with its peers; errors are recorded and rethrown. */
    public synchronized Outcome sync(DhcpServer server) {
        StoreImport.Result result = pull(server, false);
        List<FailoverRelationship> found = server.type() == ServerType.ISC ? detectDhcpd() : detectKea();
        return outcome(server, result, found);
    }

    /** For a Kea server: {@code config-reload} (the server re-reads its file after an edit by hand, seed 004), then sync. */
    public synchronized Outcome reload(DhcpServer server) {
        if (server.type() != ServerType.Kea) {
            throw UserError.invalid("dhcpServerRef", "DHCP server \"" + server.name() + "\" is an ISC server; config-reload is a Kea command"
                    + " (an ISC server's agent reads dhcpd.conf at every sync)");
        }
        StoreImport.Result result = pull(server, true);
        return outcome(server, result, detectKea());
    }

    /** How a job runs one server's part (BackgroundJob.perServer: failures logged, the others go on). */
    @FunctionalInterface
    interface PerServer {
        void run(String server, Runnable work);
    }

    /** The full sync of every server of one type, each failure recorded without stopping the others. */
    synchronized void syncAll(ServerType type, PerServer perServer) {
        for (DhcpServer server : serversOf(type)) {
            perServer.run(server.name(), () -> pull(server, false));
        }
        if (type == ServerType.ISC) {
            detectDhcpd();
        } else {
            detectKea();
        }
    }

    private StoreImport.Result pull(DhcpServer server, boolean reload) {
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

    private List<FailoverRelationship> detectDhcpd() {
        Map<DhcpServer, DhcpdConfModel> models = new LinkedHashMap<>();
        for (DhcpServer s : serversOf(ServerType.ISC)) {
            DhcpdConfModel m = dhcpdModels.get(s.id());
            if (m == null) {
                try {
                    pull(s, false);
                    m = dhcpdModels.get(s.id());
                } catch (RuntimeException e) {
                    log.info("DHCP server {} not read for relationship detection: {}", s.name(), e.getMessage());
                }
            }
            if (m != null) {
                models.put(s, m);
            }
        }
        return relationships.fromDhcpd(models);
    }

    private List<FailoverRelationship> detectKea() {
        List<KeaClient> clients = new ArrayList<>();
        Map<String, DhcpServer> byName = new LinkedHashMap<>();
        for (DhcpServer s : serversOf(ServerType.Kea)) {
            KeaClient client = ServerTargets.keaClient(s);
            try {
                kea.lastSynced(client);
                clients.add(client);
                byName.put(s.name(), s);
            } catch (UserError e) {
                log.info("Kea server {} not read for relationship detection: {}", s.name(), e.getMessage());
            }
        }
        return relationships.fromKea(kea.detectRelationships(clients), byName);
    }

    private Outcome outcome(DhcpServer server, StoreImport.Result result, List<FailoverRelationship> found) {
        List<String> names = found.stream()
                .filter(r -> r.primaryServerId() == server.id() || r.secondaryServerId() == server.id())
                .map(FailoverRelationship::name).toList();
        return new Outcome(server.name(), OK, result.created(), result.removed(), result.warnings(), names);
    }
}
