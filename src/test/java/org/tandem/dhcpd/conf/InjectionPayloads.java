package org.tandem.dhcpd.conf;

import java.util.ArrayList;
import java.util.List;

/** The hostile values of {@link InjectionTest} and a few aimed at option values, for the tests of other packages. */
public final class InjectionPayloads {

    private InjectionPayloads() {
    }

    public static List<String> all() {
        List<String> out = new ArrayList<>(InjectionTest.PAYLOADS);
        out.addAll(List.of("192.0.2.1; deny unknown-clients", "192.0.2.1 }", "192.0.2.1\n", "a.example\"; option routers 6.6.6.6; \"",
                "192.0.2.1, 192.0.2.2\"", "1; } subnet 10.0.0.0 netmask 255.0.0.0 {", "192.0.2.1\", \"data\": \"6.6.6.6", "ok.example",
                "192.0.2.1,192.0.2.2", "true", "3600"));
        return out;
    }
}
