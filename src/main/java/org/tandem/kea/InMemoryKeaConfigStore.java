package org.tandem.kea;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.tandem.kea.config.KeaConfig;

/** A {@link KeaConfigStore} in memory. */
public final class InMemoryKeaConfigStore implements KeaConfigStore {
    private final Map<String, KeaConfig> configs = new ConcurrentHashMap<>();

    @Override
    public Optional<KeaConfig> lastSynced(String server) {
        return Optional.ofNullable(configs.get(server));
    }

    /**
     * Keeps the config read last: a sync job's config-get that Kea answered before a change's config-set but that
     * finishes parsing after the change's own read does not replace the newer config.
     */
    @Override
    public void saveSynced(String server, KeaConfig config) {
        configs.merge(server, config, (old, given) -> given.syncedAt().isBefore(old.syncedAt()) ? old : given);
    }
}
