package org.tandem.dhcpd.conf;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.tandem.dhcpd.conf.DhcpdConfModel.Role;

/**
 * The {@code failover peer} block Tandem wants on one server, every value checked so it cannot inject
 * syntax. On a secondary, {@code mclt}, {@code split} and {@code hba} are kept (they belong to the
 * relationship) but never written: dhcpd 4.4.3 refuses split/hba there, and the secondary takes the MCLT
 * from the primary when they connect.
 *
 * <p>Defaults follow the research notes (checked against dhcpd 4.4.3): ports 647, max-response-delay 60,
 * max-unacked-updates 10, mclt 3600, split from 50%, and load balance max seconds 3, always written
 * because dhcpd's default 0 silently turns load balancing off.
 */
public record FailoverPeerSpec(String name, Role role, String address, int port, String peerAddress, int peerPort,
        int maxResponseDelay, int maxUnackedUpdates, int mclt, Integer split, String hba, int loadBalanceMaxSeconds,
        Integer autoPartnerDown, Integer maxLeaseMisbalance, Integer maxLeaseOwnership, Integer minBalance,
        Integer maxBalance) {

    public static final int DEFAULT_PORT = 647;
    public static final int DEFAULT_MAX_RESPONSE_DELAY = 60;
    public static final int DEFAULT_MAX_UNACKED_UPDATES = 10;
    public static final int DEFAULT_MCLT = 3600;
    public static final int DEFAULT_PERCENTAGE = 50;
    public static final int DEFAULT_LOAD_BALANCE_MAX_SECONDS = 3;

    public FailoverPeerSpec {
        ConfValues.peerName("name", name);
        Objects.requireNonNull(role, "role");
        ConfValues.address("address", address);
        ConfValues.number("port", port, 1, 65535);
        ConfValues.address("peerAddress", peerAddress);
        ConfValues.number("peerPort", peerPort, 1, 65535);
        ConfValues.number("maxResponseDelay", maxResponseDelay, 1, 86400);
        ConfValues.number("maxUnackedUpdates", maxUnackedUpdates, 1, 65535);
        ConfValues.number("mclt", mclt, 1, 31_536_000);
        if ((split == null) == (hba == null)) {
            throw org.tandem.common.UserError.invalid("split", "give exactly one of split (or a percentage) and hba");
        }
        if (split != null) {
            ConfValues.number("split", split, 0, 256);
        } else {
            ConfValues.hba("hba", hba);
        }
        ConfValues.number("loadBalanceMaxSeconds", loadBalanceMaxSeconds, 0, 65535);
        if (autoPartnerDown != null) {
            ConfValues.number("autoPartnerDown", autoPartnerDown, 0, Integer.MAX_VALUE);
        }
        if (maxLeaseMisbalance != null) {
            ConfValues.number("maxLeaseMisbalance", maxLeaseMisbalance, 0, 100);
        }
        if (maxLeaseOwnership != null) {
            ConfValues.number("maxLeaseOwnership", maxLeaseOwnership, 0, 100);
        }
        if (minBalance != null) {
            ConfValues.number("minBalance", minBalance, 0, Integer.MAX_VALUE);
        }
        if (maxBalance != null) {
            ConfValues.number("maxBalance", maxBalance, 0, Integer.MAX_VALUE);
        }
    }

    /** dhcpd's {@code split} for a relationship percentage 0-100: round(p * 256 / 100), at most 255. */
    public static int splitForPercentage(int percentage) {
        ConfValues.number("percentage", percentage, 0, 100);
        return (int) Math.min(255, Math.round(percentage * 256 / 100.0));
    }

    /** A spec with every default; change values with the builder. */
    public static Builder builder(String name, Role role, String address, String peerAddress) {
        return new Builder(name, role, address, peerAddress);
    }

    /** The same relationship as seen from the partner: role, addresses and ports swapped. */
    public FailoverPeerSpec mirror() {
        return new FailoverPeerSpec(name, role == Role.PRIMARY ? Role.SECONDARY : Role.PRIMARY, peerAddress, peerPort,
                address, port, maxResponseDelay, maxUnackedUpdates, mclt, split, hba, loadBalanceMaxSeconds,
                autoPartnerDown, maxLeaseMisbalance, maxLeaseOwnership, minBalance, maxBalance);
    }

    /** The block's statements, keyed as {@link FailoverParams#key} keys them, in the order they are written. */
    Map<String, String> statements() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("role", role == Role.PRIMARY ? "primary;" : "secondary;");
        out.put("address", "address " + address + ";");
        out.put("port", "port " + port + ";");
        out.put("peer address", "peer address " + peerAddress + ";");
        out.put("peer port", "peer port " + peerPort + ";");
        out.put("max-response-delay", "max-response-delay " + maxResponseDelay + ";");
        out.put("max-unacked-updates", "max-unacked-updates " + maxUnackedUpdates + ";");
        if (role == Role.PRIMARY) {
            out.put("mclt", "mclt " + mclt + ";");
            out.put("balance", split != null ? "split " + split + ";" : "hba " + hba + ";");
        }
        out.put("load balance max seconds", "load balance max seconds " + loadBalanceMaxSeconds + ";");
        putIf(out, "auto-partner-down", autoPartnerDown);
        putIf(out, "max-lease-misbalance", maxLeaseMisbalance);
        putIf(out, "max-lease-ownership", maxLeaseOwnership);
        putIf(out, "min-balance", minBalance);
        putIf(out, "max-balance", maxBalance);
        return out;
    }

    private static void putIf(Map<String, String> out, String key, Integer value) {
        if (value != null) {
            out.put(key, key + " " + value + ";");
        }
    }

    /** Builds a {@link FailoverPeerSpec}; starts from the defaults named on the record. */
    public static final class Builder {
        private final String name;
        private final Role role;
        private final String address;
        private final String peerAddress;
        private int port = DEFAULT_PORT;
        private int peerPort = DEFAULT_PORT;
        private int maxResponseDelay = DEFAULT_MAX_RESPONSE_DELAY;
        private int maxUnackedUpdates = DEFAULT_MAX_UNACKED_UPDATES;
        private int mclt = DEFAULT_MCLT;
        private Integer split = splitForPercentage(DEFAULT_PERCENTAGE);
        private String hba;
        private int loadBalanceMaxSeconds = DEFAULT_LOAD_BALANCE_MAX_SECONDS;
        private Integer autoPartnerDown;
        private Integer maxLeaseMisbalance;
        private Integer maxLeaseOwnership;
        private Integer minBalance;
        private Integer maxBalance;

        private Builder(String name, Role role, String address, String peerAddress) {
            this.name = name;
            this.role = role;
            this.address = address;
            this.peerAddress = peerAddress;
        }

        public Builder port(int v) { port = v; return this; }
        public Builder peerPort(int v) { peerPort = v; return this; }
        public Builder maxResponseDelay(int v) { maxResponseDelay = v; return this; }
        public Builder maxUnackedUpdates(int v) { maxUnackedUpdates = v; return this; }
        public Builder mclt(int v) { mclt = v; return this; }
        /** The share of clients the primary answers, 0-100; sets {@code split} and clears {@code hba}. */
        public Builder percentage(int v) { split = splitForPercentage(v); hba = null; return this; }
        public Builder split(int v) { split = v; hba = null; return this; }
        public Builder hba(String v) { hba = v; split = null; return this; }
        public Builder loadBalanceMaxSeconds(int v) { loadBalanceMaxSeconds = v; return this; }
        public Builder autoPartnerDown(Integer v) { autoPartnerDown = v; return this; }
        public Builder maxLeaseMisbalance(Integer v) { maxLeaseMisbalance = v; return this; }
        public Builder maxLeaseOwnership(Integer v) { maxLeaseOwnership = v; return this; }
        public Builder minBalance(Integer v) { minBalance = v; return this; }
        public Builder maxBalance(Integer v) { maxBalance = v; return this; }

        public FailoverPeerSpec build() {
            return new FailoverPeerSpec(name, role, address, port, peerAddress, peerPort, maxResponseDelay,
                    maxUnackedUpdates, mclt, split, hba, loadBalanceMaxSeconds, autoPartnerDown, maxLeaseMisbalance,
                    maxLeaseOwnership, minBalance, maxBalance);
        }
    }
}
