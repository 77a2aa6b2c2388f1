package org.tandem.migrate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.tandem.agent.AgentApi.LeaseView;
import org.tandem.common.UserError;
import org.tandem.kea.client.KeaClient;
import org.tandem.net.Ipv4Address;
import org.tandem.net.Ipv4Range;

/**
 * The leases of a dhcpd failover pair merged into the arguments of Kea's {@code lease4-update}, for moving the
 * pair to a Kea HA pair (issue 16).
 *
 * <p>Each peer's leases file appends, so its last record for an address is its current view. The two peers'
 * current records are compared and the newer one wins (by cltt, then ends, then starts; a missing time is the
 * oldest; on a full tie the active record wins, because dropping a live lease risks handing its address to a
 * second client while carrying a free one only parks the address until the lease ends). Only a winner that is
 * {@code active} and not ended by {@code now} is carried: a newer {@code released}, {@code expired} or
 * {@code free} record on one peer beats an older {@code active} one on the other, since the client gave the
 * address up. {@code abandoned} addresses are not carried either.
 *
 * <p>Kea's side, read in {@code src/hooks/dhcp/lease_cmds/lease_parser.cc} (a 2018 and a 2017-2022 copyright
 * version agree on every field and check used here, so Kea 2.2 has them too): {@code lease4-update} takes {@code ip-address},
 * {@code hw-address} (required, parsed by {@code HWAddr::fromText}, at most 20 bytes), {@code client-id}
 * (optional, {@code ClientId::fromText}, 2 to 128 bytes), {@code subnet-id} (must exist and contain the
 * address), {@code valid-lft} (uint32), {@code expire} (int64, must be positive and at least {@code valid-lft};
 * Kea sets cltt = expire - valid-lft, so the two are meant to be given together), {@code hostname} (not checked
 * by the parser) and {@code force-create} (create the lease when Kea has none). Kea's {@code Lease::INFINITY_LFT}
 * is {@code 0xFFFFFFFF}: a lease with that valid lifetime never expires, and the SQL lease backends store its
 * expire as cltt to avoid overflow. An {@code ends never} lease is therefore carried with valid-lft
 * {@code 0xFFFFFFFF} and expire = cltt (else starts, else now) + {@code 0xFFFFFFFF}, which gives Kea back the
 * original cltt; finite lifetimes are capped at {@code 0xFFFFFFFE} so they never read as infinite.
 *
 * <p>Kea's HA hook replicates the leases its DHCP traffic commits; a lease command is not DHCP traffic, so the
 * caller should send the same updates to both Kea servers (not verified against a running pair yet).
 */
public final class LeaseCarry {

    /** Kea's {@code Lease::INFINITY_LFT}: a valid lifetime that never ends. */
    public static final long INFINITE_LIFETIME = 0xFFFF_FFFFL;

    private static final long MAX_FINITE_LIFETIME = INFINITE_LIFETIME - 1;
    private static final int MAX_HW_BYTES = 20; // Kea's HWAddr::MAX_HWADDR_LEN
    private static final int MIN_CLIENT_ID_BYTES = 2; // Kea's ClientId::MIN_CLIENT_ID_LEN (RFC 2132 9.14)
    private static final int MAX_CLIENT_ID_BYTES = 128; // Kea's ClientId::MAX_CLIENT_ID_LEN (= DUID maximum)
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9.\\-]{1,253}");
    private static final Pattern HW_TYPE = Pattern.compile("[A-Za-z0-9-]+");

    private static final Comparator<Instant> MISSING_OLDEST = Comparator.nullsFirst(Comparator.naturalOrder());

    /** Which of two records of one address is newer; equal means a full tie. */
    static final Comparator<LeaseView> NEWER = Comparator.comparing(LeaseView::cltt, MISSING_OLDEST)
            .thenComparing(LeaseView::ends, MISSING_OLDEST)
            .thenComparing(LeaseView::starts, MISSING_OLDEST);

    private LeaseCarry() {}

    /**
     * What to send to Kea, and what was left behind or changed on the way, each in address order.
     *
     * @param leases one lease per address, ready for {@code lease4-update}
     * @param skipped active leases Kea cannot take, with the reason
     * @param notes leases carried with something dropped (a host name or client identifier Kea would refuse)
     */
    public record Result(List<Carried> leases, List<Skipped> skipped, List<Note> notes) {
        public Result {
            leases = List.copyOf(leases);
            skipped = List.copyOf(skipped);
            notes = List.copyOf(notes);
        }
    }

    /** An active lease not carried, with the reason in a network admin's words. */
    public record Skipped(Ipv4Address address, String reason) {}

    /** A lease carried with part of it left out, and what and why. */
    public record Note(Ipv4Address address, String note) {}

    /**
     * One lease for Kea.
     *
     * @param hwAddress lower-case colon hex, without dhcpd's hardware type
     * @param clientId lower-case colon hex, or null
     * @param validLifetime seconds, 1 to {@code 0xFFFFFFFE}, or {@link #INFINITE_LIFETIME} for {@code ends never}
     * @param expire epoch seconds; always at least {@code validLifetime}, as Kea requires
     * @param hostname a name Kea takes, or null
     */
    public record Carried(Ipv4Address address, String hwAddress, String clientId, long subnetId, long validLifetime,
            long expire, String hostname) {

        /** The arguments of Kea's {@code lease4-update}, creating the lease when Kea has none. */
        public ObjectNode toLease4Update() {
            ObjectNode n = KeaClient.mapper().createObjectNode();
            n.put("ip-address", address.toString());
            n.put("hw-address", hwAddress);
            if (clientId != null) {
                n.put("client-id", clientId);
            }
            n.put("subnet-id", subnetId);
            n.put("valid-lft", validLifetime);
            n.put("expire", expire);
            if (hostname != null) {
                n.put("hostname", hostname);
            }
            n.put("force-create", true);
            return n;
        }
    }

    /**
     * Merges the leases of both dhcpd peers (each list in its file's order) into the leases Kea should hold.
     *
     * @param subnetIds the subnets planned for Kea, each with its Kea subnet id
     * @throws UserError when an input is missing or a lease address or subnet id is malformed
     */
    public static Result merge(List<LeaseView> first, List<LeaseView> second, Map<Ipv4Range, Long> subnetIds,
            Instant now) {
        if (now == null) {
            throw UserError.invalid("now", "the time to compare lease ends with is required");
        }
        List<Map.Entry<Ipv4Range, Long>> subnets = subnets(subnetIds);
        Map<Ipv4Address, LeaseView> a = current(first, "first peer");
        Map<Ipv4Address, LeaseView> b = current(second, "second peer");
        TreeMap<Ipv4Address, LeaseView> winners = new TreeMap<>(a);
        b.forEach((address, lease) -> winners.merge(address, lease, LeaseCarry::newer));

        List<Carried> leases = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        List<Note> notes = new ArrayList<>();
        winners.forEach((address, lease) -> {
            if (!isActive(lease) || !liveAt(lease, now)) {
                return;
            }
            Long subnetId = subnetOf(subnets, address);
            if (subnetId == null) {
                skipped.add(new Skipped(address, "active lease in none of the subnets planned for Kea,"
                        + " so Kea cannot hold it"));
                return;
            }
            String hardware = lease.hardware();
            if (hardware == null || hardware.isBlank()) {
                skipped.add(new Skipped(address, "active lease with no hardware (MAC) address in the leases file;"
                        + " Kea needs one to record a lease"));
                return;
            }
            String hw = hardwareBytes(hardware);
            if (hw == null) {
                skipped.add(new Skipped(address, "active lease whose hardware address \"" + shown(hardware)
                        + "\" is not a type followed by 1 to " + MAX_HW_BYTES
                        + " colon-separated hex bytes (like \"ethernet 00:11:22:33:44:55\"), so Kea cannot record it"));
                return;
            }
            String clientId = null;
            if (lease.uid() != null && !lease.uid().isEmpty()) {
                clientId = hexBytes(lease.uid(), MIN_CLIENT_ID_BYTES, MAX_CLIENT_ID_BYTES);
                if (clientId == null) {
                    notes.add(new Note(address, "client identifier \"" + shown(lease.uid()) + "\" is not "
                            + MIN_CLIENT_ID_BYTES + " to " + MAX_CLIENT_ID_BYTES + " colon-separated hex bytes as Kea"
                            + " requires; carried without it, so Kea knows the client by its hardware address only"));
                }
            }
            String hostname = lease.clientHostname();
            if (hostname != null && hostname.isEmpty()) {
                hostname = null;
            }
            if (hostname != null && !HOST_NAME.matcher(hostname).matches()) {
                notes.add(new Note(address, "client host name \"" + shown(hostname) + "\" is not a DNS name"
                        + " (letters, digits, dots and hyphens, at most 253); carried without a host name"));
                hostname = null;
            }
            leases.add(carried(address, lease, hw, clientId, subnetId, hostname, now));
        });
        return new Result(leases, skipped, notes);
    }

    /**
     * The leases of {@code after} that {@code before} lacks or holds differently: what a second, smaller carry
     * (after dhcpd stops) must still send. Leases of {@code before} missing from {@code after} are not listed.
     */
    public static List<Carried> delta(List<Carried> before, List<Carried> after) {
        if (before == null || after == null) {
            throw UserError.invalid("leases", "both the earlier and the later carried leases are required");
        }
        Map<Ipv4Address, Carried> sent = new LinkedHashMap<>();
        for (Carried c : before) {
            if (c != null) {
                sent.put(c.address(), c);
            }
        }
        List<Carried> out = new ArrayList<>();
        for (Carried c : after) {
            if (c != null && !c.equals(sent.get(c.address()))) {
                out.add(c);
            }
        }
        return out;
    }

    /** The last record of each address in one peer's file order. */
    private static Map<Ipv4Address, LeaseView> current(List<LeaseView> leases, String peer) {
        if (leases == null) {
            throw UserError.invalid("leases", "the leases of the " + peer + " are missing; carrying from one peer"
                    + " alone could lose leases only the other knows");
        }
        Map<Ipv4Address, LeaseView> last = new LinkedHashMap<>();
        for (LeaseView l : leases) {
            if (l == null) {
                throw UserError.invalid("leases", "the lease list of the " + peer + " has an empty entry");
            }
            last.put(Ipv4Address.parse("lease address (" + peer + ")", l.address()), l);
        }
        return last;
    }

    private static LeaseView newer(LeaseView a, LeaseView b) {
        int c = NEWER.compare(a, b);
        if (c != 0) {
            return c > 0 ? a : b;
        }
        return !isActive(a) && isActive(b) ? b : a;
    }

    private static boolean isActive(LeaseView l) {
        return l.bindingState() != null && l.bindingState().toLowerCase(Locale.ROOT).equals("active");
    }

    /** Ends never, or ends after {@code now} (and after 1970, which Kea's expire must be). */
    private static boolean liveAt(LeaseView l, Instant now) {
        return l.ends() == null || (l.ends().isAfter(now) && l.ends().getEpochSecond() > 0);
    }

    private static List<Map.Entry<Ipv4Range, Long>> subnets(Map<Ipv4Range, Long> subnetIds) {
        if (subnetIds == null) {
            throw UserError.invalid("subnets", "the subnets planned for Kea are required");
        }
        List<Map.Entry<Ipv4Range, Long>> out = new ArrayList<>();
        for (Map.Entry<Ipv4Range, Long> e : subnetIds.entrySet()) {
            if (e.getKey() == null) {
                throw UserError.invalid("subnets", "a planned subnet has no address range");
            }
            Long id = e.getValue();
            if (id == null || id < 1 || id > 0xFFFF_FFFFL) {
                throw UserError.invalid("subnet-id", "subnet " + e.getKey() + " has subnet id " + id
                        + "; Kea subnet ids are 1 to 4294967295");
            }
            out.add(Map.entry(e.getKey(), id));
        }
        // Kea subnets do not overlap; should a plan's ranges nest, the narrowest one is the address's subnet.
        out.sort(Comparator.comparingLong((Map.Entry<Ipv4Range, Long> e) -> e.getKey().size())
                .thenComparing(e -> e.getKey().first()));
        return out;
    }

    private static Long subnetOf(List<Map.Entry<Ipv4Range, Long>> subnets, Ipv4Address address) {
        for (Map.Entry<Ipv4Range, Long> e : subnets) {
            if (e.getKey().contains(address)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static Carried carried(Ipv4Address address, LeaseView l, String hw, String clientId, long subnetId,
            String hostname, Instant now) {
        Instant from = l.cltt() != null ? l.cltt() : l.starts() != null ? l.starts() : now;
        long fromSeconds = from.getEpochSecond();
        long valid;
        long expire;
        if (l.ends() == null) {
            // Kea requires expire >= valid-lft, i.e. a cltt of 1970 or later.
            valid = INFINITE_LIFETIME;
            expire = Math.max(0, fromSeconds) + INFINITE_LIFETIME;
        } else {
            expire = l.ends().getEpochSecond();
            long span = fromSeconds >= expire ? 1 : expire - fromSeconds;
            valid = Math.max(1, Math.min(span, Math.min(MAX_FINITE_LIFETIME, expire)));
        }
        return new Carried(address, hw, clientId, subnetId, valid, expire, hostname);
    }

    /** "ethernet 00:11:..." (any type word) to the bytes as lower-case colon hex, or null when malformed. */
    private static String hardwareBytes(String hardware) {
        String[] parts = hardware.strip().split("\\s+");
        if (parts.length != 2 || !HW_TYPE.matcher(parts[0]).matches()) {
            return null;
        }
        return hexBytes(parts[1], 1, MAX_HW_BYTES);
    }

    /** Colon-separated hex of 1 or 2 digits a byte, normalized to two lower-case digits, or null when malformed. */
    private static String hexBytes(String text, int min, int max) {
        String[] parts = text.split(":", -1);
        if (parts.length < min || parts.length > max) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 2 || !p.chars().allMatch(LeaseCarry::isHexDigit)) {
                return null;
            }
            if (sb.length() > 0) {
                sb.append(':');
            }
            sb.append(p.length() == 1 ? "0" : "").append(p.toLowerCase(Locale.ROOT));
        }
        return sb.toString();
    }

    private static boolean isHexDigit(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** Input text made safe and short for a message: control and non-ASCII characters become '?'. */
    private static String shown(String text) {
        StringBuilder sb = new StringBuilder();
        text.codePoints().limit(61).forEach(c -> sb.append(c < 0x20 || c > 0x7e ? '?' : (char) c));
        return sb.length() <= 60 ? sb.toString() : sb.substring(0, 57) + "...";
    }
}
