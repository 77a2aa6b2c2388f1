package org.tandem.kea.ha;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.tandem.common.UserError;
import org.tandem.kea.client.KeaClient;
import org.tandem.kea.client.KeaProtocolError;
import org.tandem.kea.client.KeaResponse;
import org.tandem.net.Ipv4Address;

/**
 * The HA control commands an administrator may run on a Kea 2.2 server, lease reads and lease edits (which HA does
 * not replicate, so they go to every peer), and polling a server's HA state with a deadline.
 * {@code ha-maintenance-notify} and {@code ha-sync-complete-notify} are internal to HA and not offered.
 */
public final class KeaHaActions {

    private static final java.util.regex.Pattern SERVER_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_.:\\-]{1,64}");

    private final Clock clock;

    public KeaHaActions(Clock clock) {
        this.clock = clock;
    }

    public KeaHaStatus status(KeaClient server) {
        return KeaHaStatus.fromKea(server.server(), server.ok("status-get", null, false).arguments());
    }

    /** {@code ha-heartbeat}: the server's state and scopes as its partner sees them, and its clock. */
    public KeaHaHeartbeat heartbeat(KeaClient server) {
        return KeaHaHeartbeat.fromKea(server.server(), server.ok("ha-heartbeat", null, false).requireArgumentsObject());
    }

    /**
     * {@code ha-sync}: pulls the leases of peer {@code peerName} into {@code server}; blocks for the whole sync.
     * {@code maxPeriodSeconds} (optional) bounds how long the peer's DHCP service stays disabled.
     */
    public String sync(KeaClient server, String peerName, Integer maxPeriodSeconds) {
        checkServerName("server-name", peerName);
        ObjectNode args = KeaClient.mapper().createObjectNode().put("server-name", peerName);
        if (maxPeriodSeconds != null) {
            if (maxPeriodSeconds < 1) {
                throw UserError.invalid("max-period", "must be a positive number of seconds");
            }
            args.put("max-period", maxPeriodSeconds);
        }
        return server.ok("ha-sync", args, false).text();
    }

    /**
     * {@code ha-scopes}: the scopes {@code server} serves; an empty list disables all. Scope names are server names
     * ({@code server1}); the Kea guide's {@code HA_server1} is the client class and Kea 2.2 rejects it.
     */
    public String scopes(KeaClient server, List<String> scopes) {
        ArrayNode list = KeaClient.mapper().createArrayNode();
        for (String s : scopes) {
            checkServerName("scopes", s);
            if (s.startsWith("HA_")) {
                throw UserError.invalid("scopes", "\"" + s + "\" is a client class; HA scopes are server names like \"" + s.substring(3) + "\"");
            }
            list.add(s);
        }
        ObjectNode args = KeaClient.mapper().createObjectNode();
        args.set("scopes", list);
        return server.ok("ha-scopes", args, false).text();
    }

    /** Sent to the server that takes over; its partner goes to in-maintenance and may then be shut down. */
    public String maintenanceStart(KeaClient takingOver) {
        return takingOver.ok("ha-maintenance-start", null, false).text();
    }

    /** Sent to the server in partner-in-maintenance; both return to their previous states. */
    public String maintenanceCancel(KeaClient server) {
        return server.ok("ha-maintenance-cancel", null, false).text();
    }

    /** Resumes a state machine paused by {@code state-machine} pause settings. */
    public String continueStateMachine(KeaClient server) {
        return server.ok("ha-continue", null, false).text();
    }

    /** Puts the state machine back to waiting (e.g. out of terminated after fixing clocks). */
    public String reset(KeaClient server) {
        return server.ok("ha-reset", null, false).text();
    }

    public String dhcpDisable(KeaClient server, Integer maxPeriodSeconds) {
        ObjectNode args = null;
        if (maxPeriodSeconds != null) {
            if (maxPeriodSeconds < 1) {
                throw UserError.invalid("max-period", "must be a positive number of seconds");
            }
            args = KeaClient.mapper().createObjectNode().put("max-period", maxPeriodSeconds);
        }
        return server.ok("dhcp-disable", args, false).text();
    }

    public String dhcpEnable(KeaClient server) {
        return server.ok("dhcp-enable", null, false).text();
    }

    /** One page of leases, from {@code "start"} or after the last address of the previous page. */
    public record LeasePage(List<KeaLease> leases, Ipv4Address last, boolean more) {}

    /** {@code lease4-get-page}; never lease4-get-all, which is unbounded. */
    public LeasePage leasePage(KeaClient server, Ipv4Address after, int limit) {
        if (limit < 1 || limit > 100_000) {
            throw UserError.invalid("limit", "must be from 1 to 100000");
        }
        ObjectNode args = KeaClient.mapper().createObjectNode().put("from", after == null ? "start" : after.toString()).put("limit", limit);
        KeaResponse r = server.ok("lease4-get-page", args, true);
        if (r.code() == 3) {
            return new LeasePage(List.of(), after, false);
        }
        JsonNode leases = r.requireArgumentsObject().path("leases");
        if (!leases.isArray()) {
            throw KeaProtocolError.of(server.server(), "lease4-get-page", "\"leases\" is not a list");
        }
        List<KeaLease> out = new ArrayList<>();
        Ipv4Address last = after;
        for (JsonNode l : leases) {
            KeaLease lease = leaseFromKea(server.server(), l);
            out.add(lease);
            last = lease.ipAddress();
        }
        return new LeasePage(out, last, out.size() >= limit);
    }

    /** Every lease, page by page, at most {@code maxPages} pages (a bound so a misbehaving server cannot loop us). */
    public List<KeaLease> allLeases(KeaClient server, int pageSize, int maxPages) {
        List<KeaLease> all = new ArrayList<>();
        Ipv4Address after = null;
        for (int i = 0; i < maxPages; i++) {
            LeasePage p = leasePage(server, after, pageSize);
            all.addAll(p.leases());
            if (!p.more()) {
                return all;
            }
            after = p.last();
        }
        throw UserError.invalid("leases", "Kea server \"" + server.server() + "\" has more than " + (long) pageSize * maxPages + " leases");
    }

    static KeaLease leaseFromKea(String server, JsonNode l) {
        try {
            return new KeaLease(Ipv4Address.parse("ip-address", l.path("ip-address").asText()), l.path("hw-address").asText(null),
                    l.path("client-id").asText("").isEmpty() ? null : l.path("client-id").asText(), l.path("subnet-id").asLong(), l.path("valid-lft").asLong(), l.path("cltt").asLong(),
                    l.path("hostname").asText("").isEmpty() ? null : l.path("hostname").asText(), l.path("state").asInt());
        } catch (UserError e) {
            throw KeaProtocolError.of(server, "lease4-get-page", "a lease is malformed (" + e.getMessage() + ")", e);
        }
    }

    static ObjectNode leaseToKea(KeaLease lease) {
        ObjectNode n = KeaClient.mapper().createObjectNode();
        n.put("ip-address", lease.ipAddress().toString());
        n.put("hw-address", lease.hwAddress());
        if (lease.clientId() != null) {
            n.put("client-id", lease.clientId());
        }
        n.put("subnet-id", lease.subnetId());
        n.put("valid-lft", lease.validLifetime());
        if (lease.hostname() != null) {
            n.put("hostname", lease.hostname());
        }
        return n;
    }

    /** Adds a lease on every peer (HA replicates only leases made by DHCP traffic). */
    public void leaseAdd(List<KeaClient> peers, KeaLease lease) {
        for (KeaClient p : peers) {
            p.ok("lease4-add", leaseToKea(lease), false);
        }
    }

    /** Updates (or creates) a lease on every peer. */
    public void leaseUpdate(List<KeaClient> peers, KeaLease lease) {
        ObjectNode args = leaseToKea(lease).put("force-create", true);
        for (KeaClient p : peers) {
            p.ok("lease4-update", args, false);
        }
    }

    /** Deletes a lease on every peer; a peer without it is fine. */
    public void leaseDelete(List<KeaClient> peers, Ipv4Address ip) {
        ObjectNode args = KeaClient.mapper().createObjectNode().put("ip-address", ip.toString());
        for (KeaClient p : peers) {
            p.ok("lease4-del", args, true);
        }
    }

    public KeaLease leaseGet(KeaClient server, Ipv4Address ip) {
        KeaResponse r = server.ok("lease4-get", KeaClient.mapper().createObjectNode().put("ip-address", ip.toString()), true);
        return r.code() == 3 ? null : leaseFromKea(server.server(), r.requireArgumentsObject());
    }

    /**
     * Polls status-get every {@code every} until {@code condition} holds or {@code timeout} passes (then a user error
     * saying which state was reached instead). An unreachable server counts as state {@code unavailable}.
     */
    public KeaHaStatus await(KeaClient server, String expectation, Predicate<KeaHaStatus> condition, Duration timeout, Duration every) {
        Instant deadline = clock.instant().plus(timeout);
        KeaHaStatus last;
        while (true) {
            try {
                last = status(server);
            } catch (UserError e) {
                last = KeaHaStatus.unavailable(server.server());
            }
            if (condition.test(last)) {
                return last;
            }
            if (clock.instant().isAfter(deadline)) {
                throw new UserError(UserError.Kind.UNREACHABLE, null, "Kea server \"" + server.server() + "\" did not reach " + expectation
                        + " within " + timeout.toSeconds() + " s; it is " + last.localState()
                        + (last.remote() == null ? "" : " and sees its partner " + last.remote().lastState()));
            }
            try {
                Thread.sleep(every.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + server.server(), e);
            }
        }
    }

    private static void checkServerName(String field, String name) {
        if (name == null || !SERVER_NAME.matcher(name).matches()) {
            throw UserError.invalid(field, "\"" + name + "\" is not a server name (letters, digits, '_', '.', ':', '-')");
        }
    }
}
