package org.tandem.central;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandem.common.UserError;

class CentralConfigTest {

    @TempDir
    Path dir;

    private Path write(String yaml) throws Exception {
        Path f = dir.resolve("tandem.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void defaults_syncEvery900Seconds() {
        assertThat(CentralConfig.defaults().dhcpSyncInterval()).isEqualTo(Duration.ofSeconds(900));
    }

    @Test
    void load_readsEveryKey() throws Exception {
        CentralConfig c = CentralConfig.load(write("DHCPSyncInterval: 60\nSessionTimeout: 600\nMaxRequestBytes: 4096\n"));
        assertThat(c.dhcpSyncInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.sessionTimeout()).isEqualTo(Duration.ofSeconds(600));
        assertThat(c.maxRequestBytes()).isEqualTo(4096);
    }

    @Test
    void load_unknownKey_namesIt() throws Exception {
        Path f = write("DHCPSyncIntervall: 60\n");
        assertThatThrownBy(() -> CentralConfig.load(f)).isInstanceOf(UserError.class)
                .hasMessageContaining("unknown key \"DHCPSyncIntervall\"").hasMessageContaining("DHCPSyncInterval");
    }

    @Test
    void load_wrongTypeOrRange_namesKeyAndProblem() throws Exception {
        Path text = write("DHCPSyncInterval: soon\n");
        assertThatThrownBy(() -> CentralConfig.load(text)).hasMessageContaining("DHCPSyncInterval must be a whole number");
        Path small = write("DHCPSyncInterval: 1\n");
        assertThatThrownBy(() -> CentralConfig.load(small)).hasMessageContaining("DHCPSyncInterval must be from 10");
    }

    @Test
    void failoverStatePollInterval_defaultsTo3AndIsBounded() throws Exception {
        assertThat(CentralConfig.defaults().failoverStatePollInterval()).isEqualTo(Duration.ofSeconds(3));
        assertThat(CentralConfig.load(write("FailoverStatePollInterval: 10\n")).failoverStatePollInterval()).isEqualTo(Duration.ofSeconds(10));
        Path zero = write("FailoverStatePollInterval: 0\n");
        assertThatThrownBy(() -> CentralConfig.load(zero)).hasMessageContaining("FailoverStatePollInterval must be from 1 to 300 seconds");
    }

    @Test
    void load_notAMapping_isRefused() throws Exception {
        Path f = write("- a\n- b\n");
        assertThatThrownBy(() -> CentralConfig.load(f)).hasMessageContaining("mapping");
    }

    @Test
    void load_sessionMaxAgeShorterThanTimeout_namesBothKeys() throws Exception {
        Path f = write("SessionTimeout: 7200\nSessionMaxAge: 3600\n");
        assertThatThrownBy(() -> CentralConfig.load(f)).isInstanceOf(UserError.class)
                .hasMessageContaining("SessionMaxAge must be at least SessionTimeout (7200 seconds), not 3600");
        assertThat(CentralConfig.load(write("SessionTimeout: 3600\nSessionMaxAge: 7200\n")).sessionMaxAge()).isEqualTo(Duration.ofHours(2));
        assertThat(CentralConfig.defaults().sessionMaxAge()).isEqualTo(Duration.ofDays(1));
    }
}
