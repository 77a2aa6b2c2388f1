package org.tandem.kea;

import java.util.Optional;
import org.tandem.kea.config.KeaConfig;

/** Where the engine keeps the config it last synced from each server (Central: its database; tests: memory). */
public interface KeaConfigStore {
    Optional<KeaConfig> lastSynced(String server);

    void saveSynced(String server, KeaConfig config);
}
