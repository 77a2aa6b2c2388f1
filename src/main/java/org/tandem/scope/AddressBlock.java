package org.tandem.scope;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tandem.net.Ipv4Range;

/** A from-to block inside a scope: an address pool or an exclusion (stored in separate tables). */
public record AddressBlock(long id, long scopeId, Ipv4Range addresses) {

    /** Which kind of block, with its API names. */
    public enum Kind {
        POOL("dhcpAddressPools", "DHCPAddressPool", "address pool"),
        EXCLUSION("dhcpExclusions", "DHCPExclusion", "exclusion");

        public final String resource;
        public final String objType;
        public final String noun;

        Kind(String resource, String objType, String noun) {
            this.resource = resource;
            this.objType = objType;
            this.noun = noun;
        }
    }

    public String ref(Kind kind) {
        return kind.resource + "/" + id;
    }

    public String scopeRef() {
        return DhcpScope.RESOURCE + "/" + scopeId;
    }

    /** Micetro derives a pool's name from its addresses. */
    public String name() {
        return addresses.first() + "-" + addresses.last();
    }

    public String describe(Kind kind) {
        return kind.noun + " " + name() + " (" + ref(kind) + ")";
    }

    public Map<String, Object> snapshot(Kind kind) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ref", ref(kind));
        m.put("name", name());
        m.put("from", addresses.first().toString());
        m.put("to", addresses.last().toString());
        m.put("dhcpScopeRef", scopeRef());
        return m;
    }
}
