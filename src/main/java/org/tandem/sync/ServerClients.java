package org.tandem.sync;

import java.net.URI;
import org.tandem.agent.AgentClient;
import org.tandem.common.UserError;
import org.tandem.kea.client.KeaClient;
import org.tandem.kea.client.KeaEndpoint;
import org.tandem.servers.DhcpServer;
import org.tandem.servers.ServerType;

/** Builds the client that reaches a registered server: its Tandem agent (ISC) or its Kea Control Agent. */
public final class ServerClients {

    private ServerClients() {
    }

    /** The agent of an ISC server, at {@code http://address:port} with the stored token. */
    public static AgentClient agent(DhcpServer server) {
        if (server.type() != ServerType.ISC) {
            throw new IllegalArgumentException(server.name() + " is not an ISC server");
        }
        if (server.agentToken() == null) {
            throw UserError.invalid("agentToken", "DHCP server \"" + server.name() + "\" has no agent token; register it again with its agent's token");
        }
        return new AgentClient(uri("http", server), server.agentToken());
    }

    /** The Control Agent of a Kea server; the client is named after the server, as the Kea engine's store keys it. */
    public static KeaClient kea(DhcpServer server) {
        if (server.type() != ServerType.Kea) {
            throw new IllegalArgumentException(server.name() + " is not a Kea server");
        }
        KeaEndpoint.BasicAuth auth = server.username() == null ? null : new KeaEndpoint.BasicAuth(server.username(), server.password());
        return new KeaClient(server.name(), new KeaEndpoint.ControlAgent(uri(server.useTls() ? "https" : "http", server), auth,
                KeaEndpoint.DEFAULT_TIMEOUT));
    }

    private static URI uri(String scheme, DhcpServer server) {
        String host = server.address().contains(":") ? "[" + server.address() + "]" : server.address();
        return URI.create(scheme + "://" + host + ":" + server.port() + "/");
    }
}
