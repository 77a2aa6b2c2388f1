package org.tandem.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandem.common.UserError;

class ServerIdentityTest {

    @TempDir
    Path dir;

    private static final Clock NOW = Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC);

    @Test
    void selfSigned_firstStart_writesP256CertificateAndKeyWithMode0600() throws Exception {
        ServerIdentity id = ServerIdentity.selfSigned("Tls", dir, NOW);

        assertThat(id.certificate().getPublicKey()).isInstanceOf(ECPublicKey.class);
        assertThat(((ECPublicKey) id.certificate().getPublicKey()).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
        assertThat(id.certificate().getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(id.certificate().getSubjectAlternativeNames()).extracting(n -> (Object) n.get(1)).contains("localhost", "127.0.0.1");
        assertThat(id.certificate().getNotAfter().toInstant()).isAfter(NOW.instant().plusSeconds(365L * 86_400 * 9));
        Path key = dir.resolve(ServerIdentity.KEY_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(Files.readString(key)).contains("PRIVATE KEY");
        assertThat(Files.readString(dir.resolve(ServerIdentity.CERTIFICATE_FILE))).startsWith("-----BEGIN CERTIFICATE-----");
    }

    @Test
    void selfSigned_laterStart_reusesTheSameCertificate() {
        ServerIdentity first = ServerIdentity.selfSigned("Tls", dir, NOW);
        ServerIdentity second = ServerIdentity.selfSigned("Tls", dir, NOW);

        assertThat(second.certificate()).isEqualTo(first.certificate());
        assertThat(second.key().getEncoded()).isEqualTo(first.key().getEncoded());
    }

    @Test
    void selfSigned_expired_isReplaced() {
        ServerIdentity first = ServerIdentity.selfSigned("Tls", dir, NOW);
        Clock later = Clock.fixed(NOW.instant().plus(ServerIdentity.SELF_SIGNED_VALIDITY).plusSeconds(86_400), ZoneOffset.UTC);

        ServerIdentity renewed = ServerIdentity.selfSigned("Tls", dir, later);

        assertThat(renewed.certificate()).isNotEqualTo(first.certificate());
        assertThat(ServerIdentity.selfSigned("Tls", dir, later).certificate()).isEqualTo(renewed.certificate());
    }

    @Test
    void selfSigned_keyWithoutCertificate_refusesNamingBothFiles() throws Exception {
        ServerIdentity.selfSigned("--tls-self-signed", dir, NOW);
        Files.delete(dir.resolve(ServerIdentity.CERTIFICATE_FILE));

        assertThatThrownBy(() -> ServerIdentity.selfSigned("--tls-self-signed", dir, NOW)).isInstanceOf(UserError.class)
                .hasMessageStartingWith("--tls-self-signed: ").hasMessageContaining(ServerIdentity.KEY_FILE + " exists without")
                .hasMessageContaining(ServerIdentity.CERTIFICATE_FILE);
    }

    @Test
    void fromFiles_keyOfAnotherCertificate_refusesNamingTheKeyField() throws Exception {
        ServerIdentity a = ServerIdentity.generate(new LinkedHashSet<>(List.of("a.example")), NOW.instant());
        ServerIdentity b = ServerIdentity.generate(new LinkedHashSet<>(List.of("b.example")), NOW.instant());
        a.write(dir.resolve("a.pem"), dir.resolve("a.key"));
        b.write(dir.resolve("b.pem"), dir.resolve("b.key"));

        assertThat(ServerIdentity.fromFiles("TlsCertificate", dir.resolve("a.pem"), "TlsPrivateKey", dir.resolve("a.key")).certificate())
                .isEqualTo(a.certificate());
        assertThatThrownBy(() -> ServerIdentity.fromFiles("TlsCertificate", dir.resolve("a.pem"), "TlsPrivateKey", dir.resolve("b.key")))
                .hasMessageStartingWith("TlsPrivateKey: ").hasMessageContaining("is not the private key of the first certificate");
    }

    @Test
    void fromFiles_notPemOrMissingOrEncrypted_namesTheField() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.pem"), "hello\n");
        // Made with openssl pkcs8 -topk8 -v2 aes-256-cbc.
        Path encrypted = Path.of(getClass().getResource("/tls/encrypted-key.pem").toURI());
        ServerIdentity.generate(new LinkedHashSet<>(List.of("a.example")), NOW.instant()).write(dir.resolve("a.pem"), dir.resolve("a.key"));

        assertThatThrownBy(() -> ServerIdentity.fromFiles("TlsCertificate", junk, "TlsPrivateKey", dir.resolve("a.key")))
                .hasMessageStartingWith("TlsCertificate: ").hasMessageContaining("no \"BEGIN CERTIFICATE\" block");
        assertThatThrownBy(() -> ServerIdentity.fromFiles("TlsCertificate", dir.resolve("none.pem"), "TlsPrivateKey", dir.resolve("a.key")))
                .hasMessageStartingWith("TlsCertificate: ").hasMessageContaining("does not exist");
        assertThatThrownBy(() -> ServerIdentity.fromFiles("TlsCertificate", dir.resolve("a.pem"), "TlsPrivateKey", encrypted))
                .hasMessageStartingWith("TlsPrivateKey: ").hasMessageContaining("encrypted private key");
    }
}
