package org.tandem.kea;

import org.tandem.kea.client.KeaClient;
import org.tandem.kea.config.KeaConfig;
import org.tandem.kea.config.KeaConfigDocument;

/**
 * A planned change of one server: the config it was planned on, the new config and a unified diff for people.
 * Nothing has been written.
 */
public record KeaPlan(KeaClient server, KeaEdit edit, KeaConfig base, KeaConfigDocument newConfig, String diff) {

    public boolean changesNothing() {
        return diff.isEmpty();
    }
}
