package org.tandem.central;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandem.common.UserError;
import org.tandem.tls.ServerIdentity;
import org.tandem.tls.TlsMode;

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
    void serverStepTimeout_defaultsTo180AndIsBounded() throws Exception {
        assertThat(CentralConfig.defaults().serverStepTimeout()).isEqualTo(Duration.ofSeconds(180));
        assertThat(CentralConfig.load(write("ServerStepTimeout: 600\n")).serverStepTimeout()).isEqualTo(Duration.ofMinutes(10));
        Path tooShort = write("ServerStepTimeout: 5\n");
        assertThatThrownBy(() -> CentralConfig.load(tooShort)).isInstanceOf(UserError.class)
                .hasMessageContaining("ServerStepTimeout must be from 10 to 3600 seconds, not 5");
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

    @Test
    void tls_defaultsToOffWithNoExtraTrust() throws Exception {
        assertThat(CentralConfig.defaults().tls()).isEqualTo(CentralConfig.Tls.OFF);
        assertThat(CentralConfig.load(write("Tls: off\n")).tls()).isEqualTo(CentralConfig.Tls.OFF);
        assertThat(CentralConfig.defaults().tls().identity(dir, Clock.systemUTC())).isNull();
    }

    @Test
    void tls_files_readsAndChecksCertificateKeyAndTrust() throws Exception {
        ServerIdentity id = ServerIdentity.generate(new LinkedHashSet<>(List.of("central.example")), Instant.now());
        id.write(dir.resolve("cert.pem"), dir.resolve("key.pem"));
        CentralConfig c = CentralConfig.load(write("Tls: files\nTlsCertificate: " + dir.resolve("cert.pem") + "\nTlsPrivateKey: "
                + dir.resolve("key.pem") + "\nTrustedCertificates: " + dir.resolve("cert.pem") + "\n"));

        assertThat(c.tls().mode()).isEqualTo(TlsMode.FILES);
        assertThat(c.tls().identity(dir, Clock.systemUTC()).certificate()).isEqualTo(id.certificate());
        assertThat(c.tls().clientTrust().extraCertificates()).containsExactly(id.certificate());
    }

    @Test
    void tls_selfSigned_generatesInTheDataDirectory() throws Exception {
        CentralConfig c = CentralConfig.load(write("Tls: self-signed\n"));

        assertThat(c.tls().identity(dir.resolve("data"), Clock.systemUTC())).isNotNull();
        assertThat(dir.resolve("data").resolve(ServerIdentity.CERTIFICATE_FILE)).exists();
    }

    @Test
    void tls_badValues_nameTheKey() throws Exception {
        ServerIdentity.generate(new LinkedHashSet<>(List.of("central.example")), Instant.now()).write(dir.resolve("cert.pem"), dir.resolve("key.pem"));
        Path mode = write("Tls: on\n");
        assertThatThrownBy(() -> CentralConfig.load(mode)).isInstanceOf(UserError.class)
                .hasMessageContaining("Tls must be off, self-signed or files, not \"on\"");
        Path noKey = write("Tls: files\nTlsCertificate: " + dir.resolve("cert.pem") + "\n");
        assertThatThrownBy(() -> CentralConfig.load(noKey)).hasMessageContaining("TlsPrivateKey is required with Tls: files");
        Path unused = write("Tls: self-signed\nTlsCertificate: " + dir.resolve("cert.pem") + "\n");
        assertThatThrownBy(() -> CentralConfig.load(unused)).hasMessageContaining("TlsCertificate is used only with Tls: files");
        Path missing = write("Tls: files\nTlsCertificate: " + dir.resolve("nope.pem") + "\nTlsPrivateKey: " + dir.resolve("key.pem") + "\n");
        assertThatThrownBy(() -> CentralConfig.load(missing)).hasMessageStartingWith("TlsCertificate: ").hasMessageContaining("does not exist");
        Path number = write("Tls: 1\n");
        assertThatThrownBy(() -> CentralConfig.load(number)).hasMessageContaining("Tls must be a word or a path, not 1");
        Path trust = write("TrustedCertificates: " + dir.resolve("key.pem") + "\n");
        assertThatThrownBy(() -> CentralConfig.load(trust)).hasMessageStartingWith("TrustedCertificates: ")
                .hasMessageContaining("no \"BEGIN CERTIFICATE\" block");
    }

    @Test
    void keaHooksLocation_defaultsToNone_andIsReadAsAnAbsolutePath() throws Exception {
        assertThat(CentralConfig.defaults().keaHooksLocation()).isNull();
        assertThat(CentralConfig.load(write("KeaHooksLocation: /opt/kea/lib/kea/hooks\n")).keaHooksLocation())
                .isEqualTo(Path.of("/opt/kea/lib/kea/hooks"));
    }

    @Test
    void keaHooksLocation_relativeDotDotOrBlank_stopsStartNamingTheKey() throws Exception {
        Path relative = write("KeaHooksLocation: lib/kea/hooks\n");
        assertThatThrownBy(() -> CentralConfig.load(relative)).isInstanceOf(UserError.class)
                .hasMessageStartingWith("config: KeaHooksLocation must be an absolute path (starting with /) on the Kea host, not \"lib/kea/hooks\"")
                .hasMessageContaining("libdhcp_ha.so")
                .satisfies(e -> assertThat(((UserError) e).field()).isEqualTo("KeaHooksLocation"));
        Path dots = write("KeaHooksLocation: /usr/lib/../lib64/kea/hooks\n");
        assertThatThrownBy(() -> CentralConfig.load(dots)).hasMessageStartingWith("config: KeaHooksLocation must not contain . or ..");
        Path blank = write("KeaHooksLocation: \"\"\n");
        assertThatThrownBy(() -> CentralConfig.load(blank)).hasMessageContaining("KeaHooksLocation must be a word or a path");
        Path quote = write("KeaHooksLocation: '/opt/\"kea\"'\n");
        assertThatThrownBy(() -> CentralConfig.load(quote)).hasMessageContaining("KeaHooksLocation must be a directory path of at most 1000");
        Path number = write("KeaHooksLocation: 42\n");
        assertThatThrownBy(() -> CentralConfig.load(number)).hasMessageContaining("KeaHooksLocation must be a word or a path");
    }

    @Test
    void unknownKey_listsKeaHooksLocationAmongTheKnownOnes() throws Exception {
        Path f = write("KeaHookLocation: /x\n");
        assertThatThrownBy(() -> CentralConfig.load(f)).hasMessageContaining("unknown key \"KeaHookLocation\"").hasMessageContaining("KeaHooksLocation");
    }
}
