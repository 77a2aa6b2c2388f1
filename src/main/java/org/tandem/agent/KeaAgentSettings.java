package org.tandem.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What an agent next to Kea manages.
 *
 * @param configFile the kea-dhcp4 configuration file Kea was started with ({@code -c}); edited in place
 * @param controlSocket kea-dhcp4's unix control socket ({@code control-socket.socket-name})
 * @param keaDhcp4 the kea-dhcp4 binary used for {@code kea-dhcp4 -t}
 * @param commandTimeout how long one command on the control socket may take (config-reload of a large config: seconds)
 */
public record KeaAgentSettings(Path configFile, Path controlSocket, String keaDhcp4, Duration commandTimeout) {

    public KeaAgentSettings {
        Objects.requireNonNull(configFile, "configFile");
        Objects.requireNonNull(controlSocket, "controlSocket");
        Objects.requireNonNull(keaDhcp4, "keaDhcp4");
        Objects.requireNonNull(commandTimeout, "commandTimeout");
    }

    public static KeaAgentSettings of(Path configFile, Path controlSocket) {
        return new KeaAgentSettings(configFile, controlSocket, "kea-dhcp4", Duration.ofSeconds(75));
    }
}
