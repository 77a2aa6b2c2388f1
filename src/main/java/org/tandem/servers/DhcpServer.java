package org.tandem.servers;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A registered DHCP server. {@code agentToken} (ISC) and {@code username}/{@code password} (Kea Control
 * Agent) are secrets: they are stored but never returned by the API or written to the change log.
 * {@code keaHooksLocation} (Kea, may be null) is the directory of the HA hook libraries on that server's host, tried
 * before Central's {@code KeaHooksLocation} and the usual places.
 */
public record DhcpServer(long id, String name, ServerType type, String address, int port, String agentToken,
        String username, String password, boolean useTls, String state, String keaHooksLocation) {

    public static final String RESOURCE = "dhcpServers";
    public static final String OBJ_TYPE = "DHCPServer";

    public String ref() {
        return RESOURCE + "/" + id;
    }

    /** The server as the change log records it: no secrets, only whether they are set. */
    public Map<String, Object> snapshot() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ref", ref());
        m.put("name", name);
        m.put("type", type.name());
        m.put("address", address);
        m.put("port", port);
        m.put("hasAgentToken", agentToken != null);
        m.put("username", username);
        m.put("hasPassword", password != null);
        m.put("useTls", useTls);
        if (keaHooksLocation != null) {
            m.put("keaHooksLocation", keaHooksLocation);
        }
        return m;
    }
}
