package org.tandem.scope;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tandem.net.Ipv4Range;

/** One range served by one DHCP server (Micetro's scope instance); {@code addresses} are the range's. */
public record DhcpScope(long id, long rangeId, long serverId, String name, String description, boolean enabled, Ipv4Range addresses) {

    public static final String RESOURCE = "dhcpScopes";
    public static final String OBJ_TYPE = "DHCPScope";

    public String ref() {
        return RESOURCE + "/" + id;
    }

    public String rangeRef() {
        return Range.RESOURCE + "/" + rangeId;
    }

    public String serverRef() {
        return org.tandem.servers.DhcpServer.RESOURCE + "/" + serverId;
    }

    public String describe() {
        return "scope \"" + name + "\" (" + ref() + ", " + addresses.first() + "-" + addresses.last() + ")";
    }

    public DhcpScope with(String newName, String newDescription, boolean newEnabled) {
        return new DhcpScope(id, rangeId, serverId, newName, newDescription, newEnabled, addresses);
    }

    public Map<String, Object> snapshot() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ref", ref());
        m.put("name", name);
        m.put("rangeRef", rangeRef());
        m.put("dhcpServerRef", serverRef());
        m.put("description", description);
        m.put("enabled", enabled);
        return m;
    }
}
