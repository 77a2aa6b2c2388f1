package org.tandem.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one place end-to-end tests decide whether the real DHCP servers are there. On a developer's
 * machine without them a test is skipped with what to install; under CI ({@code CI=true}) it runs
 * regardless, so a missing package fails the build instead of silently skipping the test.
 */
public final class RealServers {

    private RealServers() {
    }

    /** Real dhcpd 4.4 in network namespaces: needs root and {@code /usr/sbin/dhcpd}. */
    public static void assumeDhcpd() {
        boolean usable = "root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/sbin/dhcpd"));
        assumeUnlessCi(usable, "needs root and /usr/sbin/dhcpd (scripts/install-deps)");
    }

    /** A real Kea 2.2 pair on loopback: needs kea-dhcp4 and kea-ctrl-agent. */
    public static void assumeKea() {
        boolean usable = Files.isExecutable(Path.of("/usr/sbin/kea-dhcp4")) && Files.isExecutable(Path.of("/usr/sbin/kea-ctrl-agent"));
        assumeUnlessCi(usable, "needs kea-dhcp4 and kea-ctrl-agent (scripts/install-deps)");
    }

    private static void assumeUnlessCi(boolean usable, String why) {
        if (!"true".equals(System.getenv("CI"))) {
            assumeTrue(usable, why);
        }
    }
}
