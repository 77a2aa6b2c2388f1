package org.tandem.omapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.tandem.common.UserError;

class OmapiKeyTest {

    @Test
    void parseKeyFile_dhcpdKeyBlockWithComment_readsNameAndSecret() {
        OmapiKey k = OmapiKey.parseKeyFile("# for tandem\nkey omapi_key {\n  algorithm hmac-md5;\n  secret \"c2VjcmV0\";\n};\n");
        assertThat(k.name()).isEqualTo("omapi_key");
        assertThat(k.toString()).doesNotContain("c2VjcmV0");
    }

    @Test
    void parseKeyFile_quotedNameBareSecret_isAccepted() {
        assertThat(OmapiKey.parseKeyFile("key \"k1\" { algorithm HMAC-MD5; secret c2VjcmV0; }").name()).isEqualTo("k1");
    }

    @Test
    void parseKeyFile_sha256Key_isRefusedNamingTheAlgorithm() {
        assertThatThrownBy(() -> OmapiKey.parseKeyFile("key k { algorithm hmac-sha256; secret \"c2VjcmV0\"; };"))
                .isInstanceOf(UserError.class).hasMessageContaining("hmac-sha256");
    }

    @Test
    void parseKeyFile_notBase64_isRefused() {
        assertThatThrownBy(() -> OmapiKey.parseKeyFile("key k { algorithm hmac-md5; secret \"@@@\"; };"))
                .isInstanceOf(UserError.class);
    }

    @Test
    void parseKeyFile_missingSecret_saysSo() {
        assertThatThrownBy(() -> OmapiKey.parseKeyFile("key k { algorithm hmac-md5; };"))
                .isInstanceOf(UserError.class).hasMessageContaining("secret");
    }
}
