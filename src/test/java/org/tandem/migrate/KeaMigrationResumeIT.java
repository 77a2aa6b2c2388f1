package org.tandem.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tandem.lab.DhcpdLab;
import org.tandem.testing.Cleanup;
import org.tandem.testing.MigrationCentral;
import org.tandem.testing.MigrationLab;
import org.tandem.testing.PerfdhcpRun;
import org.tandem.testing.RealServers;

/**
 * Day two of a migration: Central dies half-way (both dhcpd stopped, the second Kea server serving everyone, the first
 * still gated), no undo runs. Clients are still answered; the same migration run again finishes from where the servers
 * are, without rewriting what is done and without overwriting the leases Kea handed out meanwhile.
 */
class KeaMigrationResumeIT {

    private static MigrationLab lab;
    private static MigrationCentral central;

    @BeforeAll
    static void start() throws Exception {
        RealServers.assumeDhcpd();
        RealServers.assumeKea();
        lab = MigrationLab.start();
        lab.createLeases(40);
        central = new MigrationCentral(lab, "resume-password");
    }

    @AfterAll
    static void stop() throws Exception {
        System.clearProperty(KeaMigration.FAIL_AT);
        Cleanup.close(central, lab);
    }

    private static String tail(java.nio.file.Path log) {
        try {
            List<String> lines = java.nio.file.Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (java.io.IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Test
    void centralKilledHalfWay_clientsStillAnswered_andRunningTheMigrationAgainFinishesIt() throws Exception {
        List<Integer> accept = central.unexpressedLines();
        String first = lab.kea().node(0).name();
        System.setProperty(KeaMigration.FAIL_AT, KeaMigration.CRASH + "open the gate on " + first);
        try {
            assertThat(catchThrowable(() -> central.rpc().call("MigrateDHCPFailoverRelationshipToKea", central.migrate(false, accept))))
                    .isNotNull();
        } finally {
            System.clearProperty(KeaMigration.FAIL_AT);
        }
        for (DhcpdLab.Server s : lab.dhcpd().servers()) {
            assertThat(lab.agent(s).health().dhcpdRunning()).as("dhcpd %s after the crash", s.label()).isFalse();
        }
        PerfdhcpRun meanwhile = lab.perfdhcp(Duration.ofSeconds(4), 10, 20).awaitEnd();
        assertThat(meanwhile.counters("DISCOVER-OFFER").drops()).as("the second Kea server answers everyone").isZero();
        assertThat(meanwhile.counters("DISCOVER-OFFER").received()).isGreaterThan(20);

        JsonNode dry = central.rpc().call("MigrateDHCPFailoverRelationshipToKea", central.migrate(true, accept));
        String secondDiff = dry.path("changes").get(1).path("diff").asText();
        assertThat(secondDiff).as("the served server's config is not rewritten").doesNotContain("client-class\" : \"" + KeaMigration.GATE_CLASS);

        PerfdhcpRun load = lab.perfdhcp(Duration.ofSeconds(90), 10, 40);
        JsonNode r;
        try {
            r = central.rpc().call("MigrateDHCPFailoverRelationshipToKea", central.migrate(false, accept));
        } catch (RuntimeException e) {
            throw new AssertionError("the resumed migration failed; Kea logs:\n" + tail(lab.keaLog(0)) + "\n----\n" + tail(lab.keaLog(1)), e);
        }
        load.awaitEnd();

        assertThat(r.path("verification").path("passed").asBoolean()).as(r.path("verification").toPrettyString()).isTrue();
        assertThat(r.path("verification").path("haStates").toString()).contains("load-balancing");
        List<String> steps = new java.util.ArrayList<>();
        r.path("steps").forEach(x -> steps.add(x.asText()));
        List<String> beforeFirstOpens = steps.subList(0, steps.indexOf("opened the gate on " + first));
        assertThat(beforeFirstOpens).as("the second server, the one serving, is not restarted before its partner takes over too")
                .doesNotContain("config-set on " + lab.kea().node(1).name());
        assertThat(load.counters("DISCOVER-OFFER").drops()).as("nobody unanswered while the migration finished").isLessThanOrEqualTo(2);
        assertThat(lab.keaConfig(0).toString()).doesNotContain(KeaMigration.GATE_CLASS);
        assertThat(lab.keaConfig(1).toString()).doesNotContain(KeaMigration.GATE_CLASS);
    }
}
