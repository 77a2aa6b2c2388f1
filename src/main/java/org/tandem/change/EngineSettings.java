package org.tandem.change;

import java.time.Duration;
import java.util.Objects;

/**
 * Time limits of the change engine. {@code serverStepTimeout} bounds preparing, applying and waiting
 * for one server to be healthy again: a dhcpd peer with thousands of scopes can take tens of seconds
 * to restart and reach failover {@code normal}. Central takes it from its {@code ServerStepTimeout} key.
 */
public record EngineSettings(Duration serverStepTimeout) {

    /** As Central's {@code ServerStepTimeout} default. */
    public static final EngineSettings DEFAULTS = new EngineSettings(Duration.ofSeconds(180));

    public EngineSettings {
        Objects.requireNonNull(serverStepTimeout, "serverStepTimeout");
        if (serverStepTimeout.isNegative() || serverStepTimeout.isZero()) {
            throw new IllegalArgumentException("serverStepTimeout must be positive");
        }
    }
}
