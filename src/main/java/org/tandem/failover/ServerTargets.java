package org.tandem.failover;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.tandem.agent.AgentClient;
import org.tandem.change.RecentReads;
import org.tandem.change.ServerDirectory;
import org.tandem.change.ServerTarget;
import org.tandem.common.UserError;
import org.tandem.dhcpd.DhcpdTarget;
import org.tandem.kea.KeaEngine;
import org.tandem.kea.KeaTarget;
import org.tandem.kea.client.KeaClient;
import org.tandem.kea.client.KeaEndpoint;
import org.tandem.servers.DhcpServer;
import org.tandem.servers.ServerService;
import org.tandem.servers.ServerType;

/**
 * Turns a registered {@link DhcpServer} into the {@link ServerTarget} the change engine drives: a
 * {@link DhcpdTarget} talking to the Tandem agent at {@code http(s)://address:port/} with the agent
 * token, or a {@link KeaTarget} talking to the Kea Control Agent at {@code http(s)://address:port/}
 * with the server's basic-auth credentials (or, for a Kea server registered with an agent token, to the
 * Tandem agent next to Kea, which edits Kea's config file in place). Partners come from Tandem's failover relationships.
 */
public final class ServerTargets implements ServerDirectory {

    private static final Map<String, KeaClient> KEA_CLIENTS = new ConcurrentHashMap<>();

    private final ServerService servers;
    private final FailoverRepository relationships;
    private final KeaEngine kea;
    private final Clock clock;
    private final Duration stepTimeout;
    /** The planner's reads of dhcpd servers, which the change engine's first conflict check takes. */
    private final RecentReads recentReads;
    /** @param stepTimeout how long one agent request of a change may take (Central's ServerStepTimeout) */
    public ServerTargets(ServerService servers, FailoverRepository relationships, KeaEngine kea, Clock clock, Duration stepTimeout) {
        this.stepTimeout = stepTimeout;
        this.servers = servers;
        this.relationships = relationships;
        this.kea = kea;
        this.clock = clock;
        this.recentReads = new RecentReads(clock);
    }

    @Override
    public ServerTarget target(String server) {
        return target(servers.get("server", server));
    }

    public ServerTarget target(DhcpServer server) {
        return switch (server.type()) {
            case ISC -> new DhcpdTarget(server.name(), agent(server, stepTimeout),
                    peer -> relationships.findByName(peer).flatMap(r -> partner(r, server.id()))
                            .filter(p -> p.type() == ServerType.ISC)
                            .map(p -> new DhcpdTarget(p.name(), agent(p, stepTimeout), x -> Optional.empty(), clock, recentReads)),
                    clock, recentReads);
            case Kea -> new KeaTarget(keaClient(server), kea,
                    () -> relationships.list(server.id()).stream().findFirst().flatMap(r -> partner(r, server.id()))
                            .filter(p -> p.type() == ServerType.Kea).map(ServerTargets::keaClient),
                    clock);
        };
    }

    private Optional<DhcpServer> partner(FailoverRelationship r, long self) {
        long other;
        if (r.primaryServerId() == self) {
            other = r.secondaryServerId();
        } else if (r.secondaryServerId() == self) {
            other = r.primaryServerId();
        } else {
            return Optional.empty();
        }
        return Optional.of(servers.get("server", DhcpServer.RESOURCE + "/" + other));
    }

    /** The agent client of a dhcpd server. */
    public static AgentClient agent(DhcpServer server) {
        return agent(server, AgentClient.DEFAULT_REQUEST_TIMEOUT);
    }

    private static AgentClient agent(DhcpServer server, Duration requestTimeout) {
        if (server.type() != ServerType.ISC) {
            throw UserError.invalid("server", "\"" + server.name() + "\" is a Kea server, not an ISC dhcpd server");
        }
        if (server.agentToken() == null) {
            throw UserError.invalid("agentToken", "dhcpd server \"" + server.name() + "\" has no agent token registered");
        }
        return new AgentClient(url(server), server.agentToken(), requestTimeout);
    }

    /** The client of a Kea server: through the Tandem agent next to it when it has an agent token, else its Control Agent. */
    public static KeaClient keaClient(DhcpServer server) {
        if (server.type() != ServerType.Kea) {
            throw UserError.invalid("server", "\"" + server.name() + "\" is an ISC dhcpd server, not a Kea server");
        }
        KeaEndpoint endpoint;
        if (server.agentToken() != null) {
            endpoint = new KeaEndpoint.Agent(url(server), server.agentToken(), KeaEndpoint.DEFAULT_TIMEOUT);
        } else {
            KeaEndpoint.BasicAuth auth = server.username() == null ? null
                    : new KeaEndpoint.BasicAuth(server.username(), server.password() == null ? "" : server.password());
            endpoint = new KeaEndpoint.ControlAgent(url(server), auth, KeaEndpoint.DEFAULT_TIMEOUT);
        }
        // One client per server and endpoint: it keeps the version it asked and its connections between the commands of
        // one operation. A server registered again with another address or credentials gets a new one.
        return KEA_CLIENTS.compute(server.name(), (name, known) ->
                known != null && known.endpoint().equals(endpoint) ? known : new KeaClient(name, endpoint));
    }

    /** {@code http(s)://address:port/}, with brackets around an IPv6 address. */
    public static URI url(DhcpServer server) {
        String host = server.address().contains(":") ? "[" + server.address() + "]" : server.address();
        try {
            return new URI((server.useTls() ? "https" : "http") + "://" + host + ":" + server.port() + "/");
        } catch (java.net.URISyntaxException e) {
            throw UserError.invalid("address", "\"" + server.address() + "\" does not make a valid URL: " + e.getMessage());
        }
    }
}
