package org.tandem.servers;

import org.tandem.auth.Actor;
import org.tandem.changelog.ChangeLog;
import org.tandem.common.Text;
import org.tandem.common.UserError;
import org.tandem.kea.hooks.KeaHookLocator;
import org.tandem.store.ListQuery;
import org.tandem.store.Page;
import org.tandem.store.Ref;

/** Registers, finds and removes DHCP servers. Contacting them is the sync engine's job, not this one's. */
public final class ServerService {

    /** A server to register, as the API received it (already typed, not yet checked). */
    public record NewServer(String name, String type, String address, Long port, String agentToken,
            String username, String password, Boolean useTls, String keaHooksLocation) {

        /** Without a hook directory of its own (Central's KeaHooksLocation and the usual places apply). */
        public NewServer(String name, String type, String address, Long port, String agentToken, String username, String password,
                Boolean useTls) {
            this(name, type, address, port, agentToken, username, password, useTls, null);
        }
    }

    private final ServerRepository servers;
    private final ChangeLog changes;

    public ServerService(ServerRepository servers, ChangeLog changes) {
        this.servers = servers;
        this.changes = changes;
    }

    /** Checks and stores a new server; returns it with its id. Field names in errors are under {@code field}. */
    public DhcpServer add(Actor actor, String saveComment, String field, NewServer in) {
        String name = Text.name(field + ".name", in.name(), 253);
        if (in.type() == null) {
            throw UserError.invalid(field + ".type", "is required (ISC or Kea)");
        }
        ServerType type = ServerType.parse(field + ".type", in.type());
        String address = Text.host(field + ".address", in.address());
        String token = secret(field + ".agentToken", in.agentToken());
        // A Kea server with an agent token is reached through the Tandem agent next to it, which listens where a dhcpd one does.
        int port = in.port() != null ? Text.port(field + ".port", in.port())
                : token != null ? ServerType.ISC.defaultPort() : type.defaultPort();
        String username = secret(field + ".username", in.username());
        String password = secret(field + ".password", in.password());
        boolean useTls = in.useTls() != null && in.useTls();
        if (type == ServerType.ISC && (username != null || password != null)) {
            throw UserError.invalid(field + ".username", "username and password are for a Kea Control Agent; an ISC server's agent takes agentToken");
        }
        if (type == ServerType.Kea && token != null && username != null) {
            throw UserError.invalid(field + ".agentToken", "a Kea server is reached either through its Control Agent (username and password)"
                    + " or through the Tandem agent next to it (agentToken), not both");
        }
        if ((username == null) != (password == null)) {
            throw UserError.invalid(field + (username == null ? ".username" : ".password"), "username and password go together");
        }
        String hooks = null;
        if (in.keaHooksLocation() != null) {
            if (type != ServerType.Kea) {
                throw UserError.invalid(field + ".keaHooksLocation", "is for a Kea server (the directory of its HA hook libraries)");
            }
            hooks = KeaHookLocator.location(field + ".keaHooksLocation", in.keaHooksLocation()).toString();
        }
        DhcpServer draft = new DhcpServer(0, name, type, address, port, token, username, password, useTls, "Unknown", hooks);
        return changes.write(actor, saveComment, log -> {
            if (servers.findByName(name).isPresent()) {
                throw UserError.conflict("A DHCP server named \"" + name + "\" already exists");
            }
            long id = servers.insert(draft);
            DhcpServer created = servers.findById(id).orElseThrow();
            log.created(DhcpServer.OBJ_TYPE, created.ref(), created.snapshot());
            return created;
        });
    }

    /**
     * Sets a Kea server's own hook directory ({@code keaHooksLocation}; null clears it, so Central's KeaHooksLocation and
     * the usual places apply). The only property of a registered server that can change: the others identify it.
     */
    public DhcpServer modifyKeaHooksLocation(Actor actor, String saveComment, String field, String refText, String propertyField,
            String keaHooksLocation) {
        String hooks = keaHooksLocation == null ? null : KeaHookLocator.location(propertyField, keaHooksLocation).toString();
        return changes.write(actor, saveComment, log -> {
            DhcpServer before = get(field, refText);
            if (before.type() != ServerType.Kea) {
                throw UserError.invalid(propertyField, "is for a Kea server; \"" + before.name() + "\" is an ISC DHCP server");
            }
            servers.updateKeaHooksLocation(before.id(), hooks);
            DhcpServer after = servers.findById(before.id()).orElseThrow();
            log.modified(DhcpServer.OBJ_TYPE, after.ref(), before.snapshot(), after.snapshot());
            return after;
        });
    }

    public void remove(Actor actor, String saveComment, String field, String refText) {
        changes.write(actor, saveComment, log -> {
            DhcpServer server = get(field, refText);
            long dependents = servers.countDependents(server.id());
            if (dependents > 0) {
                throw UserError.conflict("DHCP server \"" + server.name() + "\" (" + server.ref() + ") still has " + dependents
                        + " scope(s) or failover relationship(s); remove them first");
            }
            servers.delete(server.id());
            log.removed(DhcpServer.OBJ_TYPE, server.ref(), server.snapshot());
            return null;
        });
    }

    /** Finds a server by ref ({@code dhcpServers/3}) or name. */
    public DhcpServer get(String field, String refText) {
        Ref ref = Ref.parse(field, DhcpServer.RESOURCE, refText);
        return (ref.id() != null ? servers.findById(ref.id()) : servers.findByName(ref.name()))
                .orElseThrow(() -> UserError.notFound("DHCP server", refText));
    }

    /** The server registered under exactly this name (no ref parsing: a server may be named "12"). */
    public java.util.Optional<DhcpServer> findByName(String name) {
        return servers.findByName(name);
    }

    public Page<DhcpServer> list(ListQuery query) {
        return servers.list(query);
    }

    private static String secret(String field, String value) {
        if (value == null) {
            return null;
        }
        if (value.isEmpty() || value.length() > 200) {
            throw UserError.invalid(field, "must be 1 to 200 characters");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw UserError.invalid(field, "contains a control character");
            }
        }
        return value;
    }
}
