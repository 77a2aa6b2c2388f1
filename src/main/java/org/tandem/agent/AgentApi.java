package org.tandem.agent;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.tandem.dhcpd.DhcpdFailoverState;
import org.tandem.dhcpd.leases.Lease;
import org.tandem.dhcpd.leases.LeasesFile;
import org.tandem.dhcpd.leases.PeerStateRecord;
import org.tandem.omapi.FailoverStatus;

/** The JSON bodies of the agent's HTTP API, shared by {@link AgentServer} and {@link AgentClient}. */
public final class AgentApi {

    private AgentApi() {}

    /** One file of the configuration. */
    public record ConfigFile(String path, String content, String sha256) {}

    /** {@code GET /v1/config}: the main file and every file it includes, recursively. */
    public record ConfigView(String path, String content, String sha256, List<ConfigFile> includes) {}

    /** {@code PUT /v1/config} body; with {@code expectedSha256} the write happens only if the file still has that hash. */
    public record WriteConfigRequest(String content, String expectedSha256) {}

    /** {@code POST /v1/config/validate} body: a whole dhcpd.conf to check with {@code dhcpd -t}, nothing written. */
    public record ValidateConfigRequest(String content) {}

    /** {@code POST /v1/config/validate} answer when dhcpd accepts the text. */
    public record ValidateConfigResult(boolean valid) {}

    /** {@code PUT /v1/config} answer. */
    public record WriteConfigResult(String sha256, String previousSha256, String backup, String restartOutput) {}

    /** One lease. */
    public record LeaseView(
            String address, String bindingState, String nextBindingState, Instant starts, Instant ends,
            Instant cltt, String hardware, String uid, String clientHostname) {

        static LeaseView fromLease(Lease l) {
            return new LeaseView(l.address().toString(), l.bindingState().dhcpdName(),
                    l.nextBindingState() == null ? null : l.nextBindingState().dhcpdName(),
                    neverAsNull(l.starts()), neverAsNull(l.ends()), neverAsNull(l.cltt()), l.hardware(), l.uid(),
                    l.clientHostname());
        }
    }

    /** The last failover state block of one relationship in the leases file. */
    public record PeerStateView(
            String relationship, DhcpdFailoverState myState, Instant myStateSince,
            DhcpdFailoverState partnerState, Instant partnerStateSince, Long mcltSeconds) {

        static PeerStateView fromRecord(PeerStateRecord r) {
            return new PeerStateView(r.relationship(), r.myState(), neverAsNull(r.myStateSince()), r.partnerState(),
                    neverAsNull(r.partnerStateSince()), r.mcltSeconds());
        }
    }

    /** {@code GET /v1/leases}. */
    public record LeasesView(String path, List<LeaseView> leases, List<PeerStateView> failoverStates) {

        static LeasesView fromLeasesFile(String path, LeasesFile f) {
            return new LeasesView(path, f.leases().stream().map(LeaseView::fromLease).toList(),
                    f.failoverStates().values().stream().map(PeerStateView::fromRecord).toList());
        }
    }

    /** {@code GET /v1/failover/{name}}: the relationship as dhcpd reports it over OMAPI. */
    public record FailoverStateView(
            String name, DhcpdFailoverState localState, DhcpdFailoverState partnerState,
            Instant localStos, Instant partnerStos, String role, Long mcltSeconds, Long localPort, Long partnerPort,
            Long maxResponseDelaySeconds, Long maxOutstandingUpdates, Long currentUnackedUpdates,
            Long loadBalanceMaxSeconds, String loadBalanceHba, Map<String, String> attributes) {

        static FailoverStateView fromStatus(FailoverStatus s) {
            return new FailoverStateView(s.name(), s.localState(), s.partnerState(), s.localStos(), s.partnerStos(),
                    s.role() == null ? null : s.role().name().toLowerCase(java.util.Locale.ROOT), s.mcltSeconds(),
                    s.localPort(), s.partnerPort(), s.maxResponseDelaySeconds(), s.maxOutstandingUpdates(),
                    s.currentUnackedUpdates(), s.loadBalanceMaxSeconds(), s.loadBalanceHba(), s.attributes());
        }
    }

    /**
     * The body of a request that takes effect beyond this agent and must be meant: {@code POST
     * /v1/failover/{name}/partner-down} (the partner is down and stays down), {@code POST /v1/dhcpd/stop} and {@code POST
     * /v1/dhcpd/start}.
     */
    public record ConfirmRequest(Boolean confirm) {}

    /**
     * {@code GET /v1/dhcpd/addresses}: the IPv4 addresses of the host dhcpd runs on, and where the agent read them.
     */
    public record AddressesView(List<String> addresses, String source) {}

    /** {@code GET /v1/health}. */
    public record HealthView(boolean dhcpdRunning, String detail) {}

    /** {@code GET /v1/health} of an agent next to Kea: whether kea-dhcp4 answers on its control socket. */
    public record KeaHealthView(boolean keaRunning, String detail) {}

    /**
     * {@code POST /v1/kea/config/patch} body: a {@code KeaConfigPatch} in its JSON form; with {@code expectedSha256} (the
     * canonical SHA-256 of config-get) Kea must still run the config the patch was made from; {@code dryRun} checks only.
     */
    public record KeaPatchRequest(String expectedSha256, com.fasterxml.jackson.databind.JsonNode patch, Boolean dryRun) {}

    /** The unified diff of one file a patch changes. */
    public record KeaFileDiff(String path, String diff) {}

    /** {@code POST /v1/kea/config/patch} answer: each changed file's diff, the backups kept and Kea's config-reload text. */
    public record KeaPatchResult(boolean dryRun, List<KeaFileDiff> files, List<String> backups, String reloadText) {}

    /** Every error answer. {@code details} carries extra facts, e.g. dhcpd's output or whether a file was restored. */
    public record ErrorBody(String kind, String field, String message, Map<String, Object> details) {}

    private static Instant neverAsNull(Instant t) {
        return t == null || t.equals(Instant.MAX) ? null : t;
    }
}
