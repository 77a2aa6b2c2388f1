package org.tandem.kea;

import java.util.List;
import org.tandem.kea.config.KeaConfigDocument;
import org.tandem.kea.config.KeaSubnet;
import org.tandem.net.Ipv4Range;

/**
 * A change to one server's config, applied to a fresh copy of the config each time it is planned, so that a plan
 * redone after an external change is "what Kea has now plus exactly this change" (and refused if it conflicts).
 */
@FunctionalInterface
public interface KeaEdit {

    /** Applies the change to {@code doc}, the config of server {@code server}; throws a UserError on conflict. */
    void apply(String server, KeaConfigDocument doc);

    static KeaEdit addSubnet(KeaSubnet subnet) {
        return (server, doc) -> doc.addSubnet(subnet);
    }

    static KeaEdit removeSubnet(Ipv4Range prefix) {
        return (server, doc) -> doc.removeSubnet(prefix);
    }

    static KeaEdit all(List<KeaEdit> edits) {
        return (server, doc) -> edits.forEach(e -> e.apply(server, doc));
    }

    /** Nothing: re-applies the config as it is (used to measure and to test ordering). */
    static KeaEdit none() {
        return (server, doc) -> { };
    }
}
