package org.tandem.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.Set;
import org.tandem.migrate.KeaMigration;
import org.tandem.migrate.LeaseCarry;
import org.tandem.migrate.Unexpressed;

/** MigrateDHCPFailoverRelationshipToKea's parameters and answer, shared by JSON-RPC and REST. */
public final class MigrationObjects {

    /** The parameters besides the relationship's name. */
    public static final Set<String> PARAMETERS = Set.of("keaServerRefs", "acceptUnexpressedLines", "saveComment", "dryRun");

    /** dhcpd.conf lines are counted in int; no real file comes near this. */
    private static final int MAX_LINE = 10_000_000;

    private MigrationObjects() {}

    public static KeaMigration.Request request(String relationship, Params p) {
        Boolean dry = p.bool("dryRun");
        var lines = p.integers("acceptUnexpressedLines", MAX_LINE);
        return new KeaMigration.Request(relationship, p.strings("keaServerRefs"), lines == null ? Set.of() : new HashSet<>(lines),
                p.string("saveComment"), dry != null && dry);
    }

    public static ObjectNode toApi(KeaMigration.Report r) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("dhcpFailoverRelationshipName", r.relationship());
        n.put("dryRun", r.dryRun());
        n.put("haMode", r.mode());
        n.set("keaServers", Json.MAPPER.valueToTree(r.keaServers()));
        ArrayNode changes = n.putArray("changes");
        r.diffs().forEach((server, diff) -> changes.addObject().put("server", server).put("diff", diff));
        ArrayNode unexpressed = n.putArray("unexpressed");
        for (Unexpressed u : r.unexpressed()) {
            unexpressed.addObject().put("line", u.line()).put("statement", u.statement()).put("reason", u.reason())
                    .put("accepted", r.acceptedLines().contains(u.line()));
        }
        n.set(r.dryRun() ? "plannedSteps" : "steps", Json.MAPPER.valueToTree(r.steps()));
        ObjectNode leases = n.putObject("leases");
        leases.put("carried", r.leasesCarried());
        leases.put("carriedDuringCutOver", r.leasesCarriedLate());
        ArrayNode skipped = leases.putArray("skipped");
        for (LeaseCarry.Skipped s : r.leasesSkipped()) {
            skipped.addObject().put("address", s.address().toString()).put("reason", s.reason());
        }
        n.set("warnings", Json.MAPPER.valueToTree(r.warnings()));
        if (r.verification() != null) {
            KeaMigration.Verification v = r.verification();
            ObjectNode vn = n.putObject("verification");
            vn.put("passed", v.passed());
            vn.put("reservations", v.reservations());
            vn.set("missingReservations", Json.MAPPER.valueToTree(v.missingReservations()));
            vn.put("leases", v.leases());
            vn.set("missingLeases", Json.MAPPER.valueToTree(v.missingLeases()));
            vn.set("haStates", Json.MAPPER.valueToTree(v.haStates()));
        }
        return n;
    }
}
