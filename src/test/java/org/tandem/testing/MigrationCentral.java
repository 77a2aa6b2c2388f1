package org.tandem.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.tandem.central.Central;
import org.tandem.central.CentralConfig;
import org.tandem.cli.TandemClient;
import org.tandem.lab.DhcpdLab;
import org.tandem.store.Database;
import org.tandem.sync.SyncExtension;

/**
 * An in-process Central on a {@link MigrationLab}: the two dhcpd servers ({@code dhcp-a}, {@code dhcp-b}, through their
 * agents) and the two Kea servers (by their HA names, through their Control Agents) registered and synced, so the
 * dhcpd relationship is in the store; and the MigrateDHCPFailoverRelationshipToKea parameters for them.
 */
public final class MigrationCentral implements AutoCloseable {

    private final MigrationLab lab;
    private final Central central;
    private final TandemClient rpc;

    public MigrationCentral(MigrationLab lab, String password) {
        this.lab = lab;
        this.central = Central.start(new Central.Options("127.0.0.1", 0, Database.temporaryUrl("mig-" + UUID.randomUUID()),
                new CentralConfig(Duration.ofSeconds(900), Duration.ofHours(1), 1 << 20, Duration.ofSeconds(1)), Clock.systemUTC(),
                List.of(new SyncExtension()), password));
        this.rpc = new TandemClient(URI.create("http://127.0.0.1:" + central.port()), null);
        rpc.login("administrator", password);
        for (DhcpdLab.Server s : lab.dhcpd().servers()) {
            ObjectNode server = TandemClient.params().put("name", "dhcp-" + s.label()).put("type", "ISC").put("address", "127.0.0.1")
                    .put("port", s.agentUri().getPort()).put("agentToken", s.agentToken());
            rpc.call("AddDHCPServer", TandemClient.params().set("dhcpServer", server));
        }
        for (int i = 0; i < 2; i++) {
            URI url = lab.kea().node(i).agentUrl();
            ObjectNode server = TandemClient.params().put("name", lab.kea().node(i).name()).put("type", "Kea").put("address", url.getHost())
                    .put("port", url.getPort());
            rpc.call("AddDHCPServer", TandemClient.params().set("dhcpServer", server));
        }
        for (String name : List.of("dhcp-a", "dhcp-b", lab.kea().node(0).name(), lab.kea().node(1).name())) {
            rpc.call("SyncDHCPServer", TandemClient.params().put("dhcpServerRef", name));
        }
    }

    public TandemClient rpc() {
        return rpc;
    }

    /** MigrateDHCPFailoverRelationshipToKea's parameters: the lab's relationship to Kea node 0 then node 1. */
    public ObjectNode migrate(boolean dryRun, List<Integer> accept) {
        ObjectNode p = TandemClient.params().put("dhcpFailoverRelationshipName", MigrationLab.RELATIONSHIP).put("dryRun", dryRun);
        p.putArray("keaServerRefs").add(lab.kea().node(0).name()).add(lab.kea().node(1).name());
        accept.forEach(p.putArray("acceptUnexpressedLines")::add);
        return p;
    }

    /** The lines of dhcpd.conf the dry run lists as unexpressed, to accept them all. */
    public List<Integer> unexpressedLines() {
        List<Integer> out = new java.util.ArrayList<>();
        rpc.call("MigrateDHCPFailoverRelationshipToKea", migrate(true, List.of())).path("unexpressed")
                .forEach(u -> out.add(u.path("line").asInt()));
        return out;
    }

    @Override
    public void close() {
        central.close();
    }
}
