package org.tandem.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandem.kea.config.KeaHaConfig;
import org.tandem.testing.RealServers;

/**
 * The real Kea 2.2 checks every planned document: {@code kea-dhcp4 -t} loads the hook libraries and parses the whole
 * config, so an option Kea reads differently, a bad lifetime or HA parameter fails here, not on cut-over day.
 */
class DhcpdToKeaIT {

    @TempDir
    Path dir;

    /** Where this machine's Kea keeps libdhcp_ha.so (Debian/Ubuntu multiarch, then the plain and lib64 layouts). */
    private static String hooksDir() {
        for (String d : List.of("/usr/lib/x86_64-linux-gnu/kea/hooks", "/usr/lib/aarch64-linux-gnu/kea/hooks", "/usr/lib/kea/hooks",
                "/usr/lib64/kea/hooks")) {
            if (Files.exists(Path.of(d, "libdhcp_ha.so"))) {
                return d;
            }
        }
        throw new AssertionError("kea-dhcp4 is installed but libdhcp_ha.so was not found");
    }

    private static String resource(String name) throws IOException {
        try (var in = DhcpdToKeaIT.class.getResourceAsStream("/migrate/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** Writes each server's document and runs kea-dhcp4 -t on it; the output of any refusal is the failure message. */
    private void assertKeaAcceptsBoth(KeaMigrationPlan plan) throws Exception {
        for (var e : plan.dhcp4ByServer().entrySet()) {
            Path file = dir.resolve(e.getKey() + ".json");
            Files.writeString(file, e.getValue());
            Path out = dir.resolve(e.getKey() + ".out");
            Process p = new ProcessBuilder("kea-dhcp4", "-t", file.toString()).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("kea-dhcp4 -t did not finish on " + e.getKey());
            }
            assertThat(p.exitValue()).as("kea-dhcp4 -t on %s:\n%s\n%s", e.getKey(), Files.readString(out), e.getValue()).isZero();
        }
    }

    @Test
    void plannedLoadBalancingPair_withSubnetsSharedNetworkReservationsAndOptionsAtEveryLevel_passesKeaCheck() throws Exception {
        RealServers.assumeKea();
        KeaMigrationPlan plan = DhcpdToKea.plan(resource("full-primary.conf"), "lab-fo", Plans.KEA_A, Plans.KEA_B, hooksDir());

        assertThat(plan.mode()).isEqualTo(KeaHaConfig.Mode.LOAD_BALANCING);
        assertThat(plan.unexpressed()).isEmpty();
        assertKeaAcceptsBoth(plan);
    }

    @Test
    void plannedHotStandbyPair_passesKeaCheck() throws Exception {
        RealServers.assumeKea();
        String conf = resource("full-primary.conf").replace("split 128;", "split 256;");
        KeaMigrationPlan plan = DhcpdToKea.plan(conf, "lab-fo", Plans.KEA_A, Plans.KEA_B, hooksDir());

        assertThat(plan.mode()).isEqualTo(KeaHaConfig.Mode.HOT_STANDBY);
        assertKeaAcceptsBoth(plan);
    }

    @Test
    void plannedPair_fromAConfigWithUnexpressedItems_stillPassesKeaCheck() throws Exception {
        RealServers.assumeKea();
        String conf = resource("full-primary.conf")
                + "class \"voip\" { match if substring(option vendor-class-identifier, 0, 4) = \"voip\"; }\n"
                + "subnet 10.9.0.0 netmask 255.255.0.0 { range 10.9.0.10 10.9.0.20; }\n"
                + "on commit { execute(\"/bin/true\"); }\n";
        KeaMigrationPlan plan = DhcpdToKea.plan(conf, "lab-fo", Plans.KEA_A, Plans.KEA_B, hooksDir());

        assertThat(plan.unexpressed()).hasSize(3);
        assertKeaAcceptsBoth(plan);
    }

    @Test
    void everyCarriedOption_withAValueInItsFormat_passesKeaCheck() throws Exception {
        RealServers.assumeKea();
        StringBuilder options = new StringBuilder();
        for (var e : new java.util.TreeMap<>(DhcpdOptions.all()).entrySet()) {
            String value = switch (e.getValue()) {
                case ADDRESS -> "198.18.0.9";
                case ADDRESSES -> "198.18.0.9, 198.18.0.10";
                case TEXT -> "\"text-" + e.getKey() + "\"";
                case NAME -> "\"lab.example\"";
                case NAMES -> "\"a.lab.example\", \"lab.example\"";
                case BOOLEAN -> "on";
                case NUMBER -> "64";
            };
            options.append("option ").append(e.getKey()).append(' ').append(value).append(";\n");
        }
        KeaMigrationPlan plan = DhcpdToKea.plan(Plans.conf(options.toString(), "", ""), "lab-fo", Plans.KEA_A, Plans.KEA_B, hooksDir());

        assertThat(plan.unexpressed()).isEmpty();
        assertKeaAcceptsBoth(plan);
    }

    @Test
    void plannedPair_withLeaseTimesOnlyPartlyWritten_passesKeaCheck() throws Exception {
        RealServers.assumeKea();
        String conf = Plans.conf("max-lease-time 1800;\n", "  max-lease-time 300;\n  min-lease-time 60;\n", "");
        KeaMigrationPlan plan = DhcpdToKea.plan(conf, "lab-fo", Plans.KEA_A, Plans.KEA_B, hooksDir());

        assertKeaAcceptsBoth(plan);
    }

    @Test
    void plannedPair_mergedIntoARunningConfigBehindTheGate_andOpened_passesKeaCheck() throws Exception {
        RealServers.assumeKea();
        KeaMigrationPlan plan = DhcpdToKea.plan(resource("full-primary.conf"), "lab-fo", Plans.KEA_A, Plans.KEA_B, hooksDir());
        String running = "{\"Dhcp4\": {\"valid-lifetime\": 3600, \"interfaces-config\": {\"interfaces\": []},"
                + "\"subnet4\": [{\"id\": 7, \"subnet\": \"10.9.0.0/24\", \"pools\": [{\"pool\": \"10.9.0.10 - 10.9.0.20\"}]}]}}";
        java.util.Map<String, String> gated = new java.util.LinkedHashMap<>();
        java.util.Map<String, String> opened = new java.util.LinkedHashMap<>();
        for (var e : plan.dhcp4ByServer().entrySet()) {
            var doc = org.tandem.kea.config.KeaConfig.fromJson(running.getBytes(StandardCharsets.UTF_8), java.time.Instant.EPOCH).edit();
            doc.mergeMigrated(org.tandem.kea.config.KeaConfig.fromJson(e.getValue().getBytes(StandardCharsets.UTF_8), java.time.Instant.EPOCH)
                    .edit(), KeaMigration.GATE_CLASS);
            assertThat(doc.gatedSubnets(KeaMigration.GATE_CLASS)).isNotEmpty();
            gated.put(e.getKey(), doc.toPrettyString());
            doc.openMigrationGate(KeaMigration.GATE_CLASS);
            opened.put(e.getKey(), doc.toPrettyString());
        }
        assertKeaAcceptsBoth(new KeaMigrationPlan(plan.failoverPeer(), plan.mode(), gated, plan.unexpressed()));
        assertKeaAcceptsBoth(new KeaMigrationPlan(plan.failoverPeer(), plan.mode(), opened, plan.unexpressed()));
    }
}
