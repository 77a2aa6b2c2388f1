package org.tandem.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Set;
import java.util.function.Function;
import java.util.List;
import org.tandem.auth.Role;
import org.tandem.auth.User;
import org.tandem.common.Text;
import org.tandem.failover.AddressRecords;
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
        // "" when not set, as Micetro answers: its clients compare these with what they would send.
        for (String f : Reservation.Boot.FIELDS) {
            n.put(f, r.boot().get(f) == null ? "" : r.boot().get(f));
        }
        return n;
    }

    public static ObjectNode toApi(User u) {
        ObjectNode n = JSON.createObjectNode();
        n.put("ref", u.ref()).put("name", u.name()).put("role", u.role().name()).put("fullName", u.details().fullName())
                .put("email", u.details().email()).put("description", u.details().description())
                .put("authenticationType", INTERNAL);
        // Tandem has two roles and no groups; a user holds exactly one role.
        n.putArray("roles").add(roleLink(u.role()));
        n.putArray("groups");
        return n;
    }

    /** Tandem's roles as Micetro's role objects: {@code roles/1} Administrator, {@code roles/2} ReadOnly. */
    public static ObjectNode toApi(Role r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("ref", roleRef(r)).put("name", r.name()).put("description", r == Role.Administrator
                ? "Changes everything Tandem manages" : "Reads everything, changes only its own password").put("builtIn", true);
        return n;
    }

    /** {@code roles}: Tandem's two roles, as a list answer. */
    public static ObjectNode roles() {
        ObjectNode n = JSON.createObjectNode();
        ArrayNode items = n.putArray("roles");
        for (Role r : Role.values()) {
            items.add(toApi(r));
        }
        return n.put("totalResults", Role.values().length);
    }

    /** {@code groups}: Tandem has none. */
    public static ObjectNode groups() {
        ObjectNode n = JSON.createObjectNode();
        n.putArray("groups");
        return n.put("totalResults", 0);
    }

    /** The one role named by a ref ({@code roles/1}, {@code Roles/1}, {@code 1}) or by its name. */
    public static Role role(String field, String text) {
        for (Role r : Role.values()) {
            String ref = roleRef(r);
            if (r.name().equals(text) || ref.equalsIgnoreCase(text) || ref.substring(ref.indexOf('/') + 1).equals(text)) {
                return r;
            }
        }
        throw UserError.notFound("Role", text);
    }

    private static String roleRef(Role r) {
        return "roles/" + (r.ordinal() + 1);
    }

    private static ObjectNode roleLink(Role r) {
        // objType as Micetro's clients write it when they compare a user's roles with the ones they want.
        return JSON.createObjectNode().put("ref", roleRef(r)).put("objType", "Roles").put("name", r.name());
    }

    /** The only authenticationType Tandem has: its own passwords. */
    public static final String INTERNAL = "Internal";

    public static ObjectNode toApi(Range r, java.util.List<DhcpScope> scopes) {
        ObjectNode n = toApi(r);
        ArrayNode list = n.putArray("dhcpScopes");
        for (DhcpScope s : scopes) {
            list.addObject().put("ref", s.ref()).put("objType", DhcpScope.OBJ_TYPE).put("name", s.name())
                    .put("dhcpServerRef", s.serverRef());
        }
        return n;
    }

    /** Micetro's IPAMRecord of an address: the store's view of it and each server's lease. */
    public static ObjectNode toApi(AddressRecords.AddressRecord a) {
        ObjectNode n = JSON.createObjectNode();
        n.put("addrRef", "ipamRecords/" + a.address()).put("address", a.address().toString()).put("state", a.state().name())
                .put("inPool", a.inPool()).put("claimed", false);
        if (a.range().isPresent()) {
            n.put("rangeRef", a.range().get().ref()).put("rangeName", a.range().get().name());
        } else {
            n.putNull("rangeRef");
        }
        ArrayNode scopes = n.putArray("dhcpScopes");
        for (DhcpScope s : a.scopes()) {
            scopes.addObject().put("ref", s.ref()).put("objType", DhcpScope.OBJ_TYPE).put("name", s.name()).put("dhcpServerRef", s.serverRef());
        }
        ArrayNode reservations = n.putArray("dhcpReservations");
        a.reservations().forEach(r -> reservations.add(toApi(r)));
        ArrayNode leases = n.putArray("dhcpLeases");
        for (AddressRecords.AddressLease l : a.leases()) {
            ObjectNode o = leases.addObject();
            o.put("dhcpServerRef", l.server().ref()).put("dhcpServer", l.server().name()).put("address", l.address().toString())
                    .put("state", l.state()).put("clientIdentifier", l.hardwareAddress()).put("name", l.hostname());
            if (l.ends() != null) {
                o.put("leaseExpires", l.ends().toString());
            }
        }
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
        p.allowOnly(Set.of("name", "clientIdentifier", "reservationMethod", "addresses", "description", "ddnsHostName", "filename",
                "serverName", "nextServer"));
        return new ScopeService.NewReservation(p.requiredString("name"), p.requiredString("clientIdentifier"),
                p.string("reservationMethod"), p.stringOrStrings("addresses"), p.string("description"),
                new Reservation.Boot(p.string("ddnsHostName"), p.string("filename"), p.string("serverName"), p.string("nextServer")));
    }

    /**
     * A reservation's changes (Micetro's {@code properties}, an object or a list of name/value pairs). The boot fields
     * given are set ("" or null clears one); with {@code deleteUnspecified} the boot fields not given are cleared too.
     */
    public static ScopeService.ReservationChanges reservationChangesFromApi(Params p, boolean deleteUnspecified) {
        p.allowOnly(Set.of("name", "clientIdentifier", "reservationMethod", "addresses", "description", "ddnsHostName", "filename",
                "serverName", "nextServer"));
        Set<String> given = new java.util.LinkedHashSet<>();
        for (String f : Reservation.Boot.FIELDS) {
            if (p.present(f) || deleteUnspecified) {
                given.add(f);
            }
        }
        return new ScopeService.ReservationChanges(p.string("name"), p.string("clientIdentifier"), p.string("reservationMethod"),
                p.stringOrStrings("addresses"), p.string("description"),
                new Reservation.Boot(p.string("ddnsHostName"), p.string("filename"), p.string("serverName"), p.string("nextServer")), given);
    }

    /** A new user, Tandem's {@code {name, password, role}} or Micetro's fields (with {@code roles} and {@code groups} lists). */
    public record NewUser(String name, String password, String role, User.Details details) {}

    /** ModifyUser's changes; null fields stay as they are. */
    public record UserChanges(String password, String role, User.Details details) {}

    public static NewUser userFromApi(Params p) {
        p.allowOnly(Set.of("name", "password", "role", "fullName", "email", "description", "authenticationType", "roles", "groups"));
        authenticationType(p);
        noGroups(p);
        return new NewUser(p.requiredString("name"), p.requiredString("password"), roleOf(p), details(p));
    }

    /**
     * A user's changes: Tandem's {@code {password, role}} or Micetro's {@code properties} (also {@code name}, which must be
     * the user's own: Tandem does not rename users, {@code fullName}, {@code email}, {@code description},
     * {@code authenticationType}). {@code currentName} is the user's name.
     */
    public static UserChanges userChangesFromApi(Params p, String currentName) {
        p.allowOnly(Set.of("name", "password", "role", "fullName", "email", "description", "authenticationType", "roles", "groups"));
        String name = p.string("name");
        if (name != null && !name.equals(currentName)) {
            throw UserError.invalid(p.path("name"), "Tandem does not rename users; remove \"" + currentName + "\" and add \"" + Text.clip(name) + "\"");
        }
        authenticationType(p);
        noGroups(p);
        User.Details d = details(p);
        boolean anyDetail = p.present("fullName") || p.present("email") || p.present("description");
        return new UserChanges(p.string("password"), roleOf(p), anyDetail ? d : null);
    }

    private static User.Details details(Params p) {
        return new User.Details(p.string("fullName"), p.string("email"), p.string("description"));
    }

    private static void authenticationType(Params p) {
        String t = p.string("authenticationType");
        if (t != null && !t.equalsIgnoreCase(INTERNAL)) {
            throw UserError.invalid(p.path("authenticationType"), "Tandem signs users in with its own passwords only (Internal);"
                    + " \"" + Text.clip(t) + "\" is not supported");
        }
    }

    private static void noGroups(Params p) {
        List<Params> groups = p.objects("groups");
        if (groups != null && !groups.isEmpty()) {
            throw UserError.invalid(p.path("groups"), "Tandem has no user groups (GET groups lists none); leave groups empty");
        }
    }

    /** {@code role} (a name) or Micetro's {@code roles} (one role object or ref); null when neither is given. */
    private static String roleOf(Params p) {
        List<Params> roles = p.objects("roles");
        if (roles == null || roles.isEmpty()) {
            return p.string("role");
        }
        if (roles.size() != 1 || p.has("role")) {
            throw UserError.invalid(p.path("roles"), "a Tandem user has exactly one role, Administrator or ReadOnly");
        }
        Params r = roles.get(0).allowOnly(Set.of("ref", "objType", "name"));
        String text = r.has("ref") ? r.string("ref") : r.requiredString("name");
        try {
            return role(p.path("roles") + "[0]", text).name();
        } catch (UserError e) {
            throw UserError.invalid(p.path("roles") + "[0]", "\"" + Text.clip(text) + "\" is not a role; Tandem's are roles/1 Administrator and"
                    + " roles/2 ReadOnly");
        }
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
