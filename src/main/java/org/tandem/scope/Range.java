package org.tandem.scope;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tandem.net.Ipv4Range;

/** An IPv4 range (a subnet) known to Tandem; scopes serve it on one or more servers. Ranges never overlap. */
public record Range(long id, String name, Ipv4Range addresses, String description) {

    public static final String RESOURCE = "ranges";
    public static final String OBJ_TYPE = "Range";

    public String ref() {
        return RESOURCE + "/" + id;
    }

    /** How errors name it: {@code range "office" (ranges/3, 10.0.0.0-10.0.0.255)}. */
    public String describe() {
        return "range \"" + name + "\" (" + ref() + ", " + addresses.first() + "-" + addresses.last() + ")";
    }

    public Map<String, Object> snapshot() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ref", ref());
        m.put("name", name);
        m.put("from", addresses.first().toString());
        m.put("to", addresses.last().toString());
        m.put("description", description);
        return m;
    }
}
