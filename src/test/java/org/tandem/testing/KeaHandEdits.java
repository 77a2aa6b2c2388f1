package org.tandem.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.tandem.kea.client.KeaClient;

/** What an administrator does to a Kea server by hand, outside Tandem, for the day-two tests. */
public final class KeaHandEdits {

    private KeaHandEdits() {
    }

    /** The running config with another global renew-timer, set straight on Kea (config-get, edit, config-set). */
    public static void setRenewTimer(KeaClient kea, int renewTimer) {
        ObjectNode live = (ObjectNode) kea.ok("config-get", null, false).arguments().deepCopy();
        live.remove("hash");
        ((ObjectNode) live.get("Dhcp4")).put("renew-timer", renewTimer);
        kea.ok("config-set", live, false);
    }
}
