package org.tandem.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Set;
import java.util.function.Function;
import org.tandem.auth.User;
import org.tandem.change.SecretMask;
import org.tandem.changelog.ChangeEntry;
import org.tandem.common.UserError;
import org.tandem.scope.AddressBlock;
import org.tandem.scope.DhcpScope;
import org.tandem.scope.Range;
import org.tandem.scope.Reservation;
import org.tandem.scope.ScopeService;
import org.tandem.servers.DhcpServer;
import org.tandem.servers.ServerService;
import org.tandem.store.Page;

/**
 * Micetro's JSON shapes of Tandem's objects, shared by JSON-RPC and REST (the same object looks the
 * same in both): {@code toApi} for answers, {@code fromApi} for request bodies. Secrets never go out.
 */
public final class ApiObjects {

    public static final ObjectMapper JSON = Json.MAPPER;

    private ApiObjects() {}

    public static ObjectNode toApi(DhcpServer s) {
        ObjectNode n = JSON.createObjectNode();
        n.put("ref", s.ref()).put("name", s.name()).put("type", s.type().name()).put("address", s.address())
                .put("port", s.port()).put("state", s.state()).put("useTls", s.useTls());
        if (s.keaHooksLocation() != null) {
            n.put("keaHooksLocation", s.keaHooksLocation());
        }
        return n;
    }

    public static ObjectNode toApi(Range r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("ref", r.ref()).put("name", r.name()).put("from", r.addresses().first().toString())
                .put("to", r.addresses().last().toString()).put("description", r.description());
        int prefix = r.addresses().prefixLength();
        if (prefix >= 0) {
            n.put("subnet", r.addresses().toString());
        }
        return n;
    }

    public static ObjectNode toApi(DhcpScope s) {
        ObjectNode n = JSON.createObjectNode();
        n.put("ref", s.ref()).put("name", s.name()).put("rangeRef", s.rangeRef()).put("dhcpServerRef", s.serverRef())
                .put("description", s.description()).put("enabled", s.enabled())
                .put("from", s.addresses().first().toString()).put("to", s.addresses().last().toString());
        return n;
    }

    public static ObjectNode toApi(AddressBlock b, AddressBlock.Kind kind) {
        ObjectNode n = JSON.createObjectNode();
        n.put("ref", b.ref(kind)).put("name", b.name()).put("from", b.addresses().first().toString())
                .put("to", b.addresses().last().toString()).put("dhcpScopeRef", b.scopeRef());
        return n;
    }

    public static ObjectNode toApi(Reservation r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("ref", r.ref()).put("name", r.name()).put("clientIdentifier", r.clientIdentifier())
                .put("reservationMethod", r.method().name());
        n.putArray("addresses").add(r.address().toString());
        n.put("description", r.description()).put("ownerRef", r.scopeRef()).put("dhcpScopeRef", r.scopeRef());
        return n;
    }

    public static ObjectNode toApi(User u) {
        ObjectNode n = JSON.createObjectNode();
        n.put("ref", u.ref()).put("name", u.name()).put("role", u.role().name());
        return n;
    }

    public static ObjectNode toApi(ChangeEntry c) {
        ObjectNode n = JSON.createObjectNode();
        n.put("ref", c.ref()).put("timestamp", Instant.ofEpochMilli(c.atMillis()).toString()).put("user", c.userName())
                .put("saveComment", c.saveComment()).put("action", c.action().name()).put("objType", c.objectType())
                .put("objRef", c.objectRef());
        // Masked on the way out, whatever was stored: entries written before masking covered every secret may hold one.
        n.set("before", SecretMask.maskTree(Json.parseStored(c.beforeJson())));
        n.set("after", SecretMask.maskTree(Json.parseStored(c.afterJson())));
        return n;
    }

    /** A list answer: {@code {"<key>": [...], "totalResults": N}}. */
    public static <T> ObjectNode list(String key, Page<T> page, Function<T, JsonNode> toApi) {
        ObjectNode n = JSON.createObjectNode();
        ArrayNode items = n.putArray(key);
        page.items().forEach(i -> items.add(toApi.apply(i)));
        n.put("totalResults", page.totalResults());
        return n;
    }

    public static ObjectNode single(String key, JsonNode value) {
        ObjectNode n = JSON.createObjectNode();
        n.set(key, value);
        return n;
    }

    public static ObjectNode ref(String ref) {
        return JSON.createObjectNode().put("ref", ref);
    }

    // ---- request bodies

    public static ServerService.NewServer serverFromApi(Params p) {
        p.allowOnly(Set.of("name", "type", "address", "port", "agentToken", "username", "password", "useTls", "keaHooksLocation"));
        return new ServerService.NewServer(p.string("name"), p.string("type"), p.string("address"), p.integer("port"),
                p.string("agentToken"), p.string("username"), p.string("password"), p.bool("useTls"), p.string("keaHooksLocation"));
    }

    /**
     * A registered server's changeable properties: only {@code keaHooksLocation} (null clears it); required, so an empty
     * {@code properties} is a mistake rather than a silent no-op.
     */
    public static String serverHooksFromApi(Params p) {
        p.allowOnly(Set.of("keaHooksLocation"));
        if (!p.present("keaHooksLocation")) {
            throw UserError.invalid(p.path("keaHooksLocation"), "is required (a directory path, or null to clear it)");
        }
        return p.string("keaHooksLocation");
    }

    public static ScopeService.NewRange rangeFromApi(Params p) {
        p.allowOnly(Set.of("name", "subnet", "from", "to", "description"));
        return new ScopeService.NewRange(p.string("name"), p.string("subnet"), p.string("from"), p.string("to"), p.string("description"));
    }

    public static ScopeService.NewScope scopeFromApi(Params p) {
        p.allowOnly(Set.of("name", "rangeRef", "dhcpServerRef", "description", "enabled"));
        return new ScopeService.NewScope(p.requiredString("rangeRef"), p.requiredString("dhcpServerRef"), p.string("name"),
                p.string("description"), p.bool("enabled"));
    }

    public static ScopeService.ScopeChanges scopeChangesFromApi(Params p) {
        p.allowOnly(Set.of("name", "description", "enabled"));
        return new ScopeService.ScopeChanges(p.string("name"), p.string("description"), p.bool("enabled"));
    }

    /** A pool or exclusion: {@code {from, to}}; returns them as a two-element array. */
    public static String[] blockFromApi(Params p) {
        p.allowOnly(Set.of("from", "to"));
        return new String[] {p.requiredString("from"), p.requiredString("to")};
    }

    public static ScopeService.NewReservation reservationFromApi(Params p) {
        p.allowOnly(Set.of("name", "clientIdentifier", "reservationMethod", "addresses", "description"));
        return new ScopeService.NewReservation(p.requiredString("name"), p.requiredString("clientIdentifier"),
                p.string("reservationMethod"), p.strings("addresses"), p.string("description"));
    }

    /** A user: {@code {name, password, role}}. */
    public static String[] userFromApi(Params p) {
        p.allowOnly(Set.of("name", "password", "role"));
        return new String[] {p.requiredString("name"), p.requiredString("password"), p.string("role")};
    }

    /** ModifyUser's changes: {password, role}, each null when not given. */
    public static String[] userChangesFromApi(Params p) {
        p.allowOnly(Set.of("password", "role"));
        return new String[] {p.string("password"), p.string("role")};
    }
    /** A scope's options: {@code {"dhcpOptions": [{"option", "value"}]}}, each element exactly these two keys (clients compare them whole). */
    public static ObjectNode optionsToApi(java.util.List<org.tandem.failover.ScopeOptionWrites.Shown> options) {
        ObjectNode n = JSON.createObjectNode();
        ArrayNode list = n.putArray("dhcpOptions");
        options.forEach(o -> list.addObject().put("option", o.option()).put("value", o.value()));
        return n;
    }

    /** SetDHCPScopeOptions' {@code dhcpOptions}: {@code [{"option": "3" | "::3" | "routers", "value": "..."}]}; an empty value removes. */
    public static java.util.List<org.tandem.failover.ScopeOptionWrites.Given> optionsFromApi(Params p, String key) {
        java.util.List<Params> given = p.objects(key);
        if (given == null) {
            throw UserError.invalid(p.path(key), "is required: an array of {\"option\", \"value\"}");
        }
        java.util.List<org.tandem.failover.ScopeOptionWrites.Given> out = new java.util.ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            Params o = given.get(i).allowOnly(Set.of("option", "value"));
            if (!o.present("value")) {
                throw UserError.invalid(o.path("value"), "is required (an empty value removes the option)");
            }
            String value = o.string("value");
            out.add(new org.tandem.failover.ScopeOptionWrites.Given(p.path(key) + "[" + i + "]", o.requiredString("option"), value == null ? "" : value));
        }
        return out;
    }
}
