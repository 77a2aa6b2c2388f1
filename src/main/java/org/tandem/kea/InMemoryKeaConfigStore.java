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

    @Override
    public void saveSynced(String server, KeaConfig config) {
        configs.put(server, config);
    }
}
