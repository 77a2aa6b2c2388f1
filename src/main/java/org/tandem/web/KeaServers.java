package org.tandem.web;

import java.net.URI;
import org.tandem.common.UserError;
import org.tandem.kea.client.KeaClient;
import org.tandem.kea.client.KeaEndpoint;
import org.tandem.servers.DhcpServer;
import org.tandem.servers.ServerType;

/** Reaches a registered Kea server through its Control Agent, with the credentials stored for it. */
final class KeaServers {

    private KeaServers() {}

    static KeaClient client(DhcpServer server) {
        if (server.type() != ServerType.Kea) {
            throw UserError.invalid("server", "\"" + server.name() + "\" is an ISC DHCP server; this page is for Kea servers");
        }
        URI url = URI.create((server.useTls() ? "https://" : "http://") + hostPart(server.address()) + ":" + server.port() + "/");
        KeaEndpoint.BasicAuth auth = server.username() == null || server.password() == null ? null
                : new KeaEndpoint.BasicAuth(server.username(), server.password());
        return new KeaClient(server.name(), new KeaEndpoint.ControlAgent(url, auth, KeaEndpoint.DEFAULT_TIMEOUT));
    }

    private static String hostPart(String address) {
        return address.indexOf(':') >= 0 && !address.startsWith("[") ? "[" + address + "]" : address;
    }
}
