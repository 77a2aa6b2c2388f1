package org.tandem.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandem.common.UserError;

/** The key file, the sealed form, clear values from before encryption, and a wrong key. */
class SecretBoxTest {

    @TempDir
    Path dir;

    @Test
    void keyFileIsCreated0600_andReusedOnTheNextStart() throws Exception {
        SecretBox first = SecretBox.load(dir, null);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(SecretBox.KEY_FILE)))).isEqualTo("rw-------");
        String sealed = first.seal("agent-token-1");
        assertThat(sealed).startsWith("enc:v1:").doesNotContain("agent-token-1");
        assertThat(first.seal("agent-token-1")).as("a fresh nonce each time").isNotEqualTo(sealed);
        assertThat(SecretBox.load(dir, null).open(sealed)).isEqualTo("agent-token-1");
        assertThat(first.seal(null)).isNull();
    }

    @Test
    void clearValuesFromBeforeEncryption_areReadAsIs() {
        assertThat(SecretBox.ephemeral().open("old-clear-token")).isEqualTo("old-clear-token");
        assertThat(SecretBox.isSealed("old-clear-token")).isFalse();
    }

    @Test
    void wrongKey_isAClearErrorNamingTheKeySource() {
        String sealed = SecretBox.ephemeral().seal("kea-password");
        SecretBox other = SecretBox.load(dir, null);
        assertThatThrownBy(() -> other.open(sealed)).isInstanceOf(UserError.class)
                .hasMessageContaining(dir.toAbsolutePath().resolve(SecretBox.KEY_FILE).toString()).hasMessageContaining("cannot be decrypted");
    }

    @Test
    void keyFromTheEnvironment_mustBe32BytesOfBase64() {
        assertThatThrownBy(() -> SecretBox.load(dir, "c2hvcnQ=")).isInstanceOf(UserError.class).hasMessageContaining(SecretBox.ENV);
        String key = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        assertThat(SecretBox.load(dir, key).open(SecretBox.load(dir, key).seal("x"))).isEqualTo("x");
        assertThat(Files.exists(dir.resolve(SecretBox.KEY_FILE))).as("no key file when the key comes from the environment").isFalse();
    }
}
