package org.tandem.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.tandem.kea.client.KeaClient;

class KeaLabIT {

    @Test
    void startAndClose_passiveBackupPair_answersThenLeavesNoProcessOrFile() throws Exception {
        Path dir;
        long pid1;
        long pid2;
        KeaLab lab = KeaLab.start(KeaLab.Options.loopback(KeaLab.HaSetup.PASSIVE_BACKUP));
        try {
            dir = lab.dir();
            pid1 = lab.node(0).dhcpPid();
            pid2 = lab.node(1).dhcpPid();
            assertThat(new KeaClient("server1", lab.node(0).agentEndpoint()).version().toString()).isEqualTo("2.2.0");
            assertThat(new KeaClient("server2", lab.node(1).socketEndpoint()).ok("status-get", null, false).arguments()
                    .path("high-availability").get(0).path("ha-mode").asText()).isEqualTo("passive-backup");
        } finally {
            lab.close();
        }
        lab.close();
        assertThat(Files.exists(dir)).isFalse();
        for (long pid : new long[] {pid1, pid2}) {
            Optional<ProcessHandle> h = ProcessHandle.of(pid);
            assertThat(h.map(ProcessHandle::isAlive).orElse(false)).isFalse();
        }
    }
}
