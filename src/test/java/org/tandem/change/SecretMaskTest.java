package org.tandem.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.tandem.common.UserError;

/** Masking of secrets in shown configurations and diffs, and their restore in an edited Kea config. */
class SecretMaskTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void masksKeaAndDhcpdSecrets_includingTheHaBasicAuthPassword() {
        assertThat(SecretMask.mask("  \"basic-auth-password\" : \"s3cret\",")).isEqualTo("  \"basic-auth-password\" : \"********\",");
        assertThat(SecretMask.mask("\"password\": \"db-pass\"")).isEqualTo("\"password\": \"********\"");
        assertThat(SecretMask.mask("key omapi { algorithm hmac-md5; secret \"abc==\"; };")).doesNotContain("abc==");
        assertThat(SecretMask.mask("\"basic-auth-user\": \"ha\"")).contains("\"ha\"");
        assertThat(ServerDiff.between("s", "{\n\"basic-auth-password\": \"old\"\n}\n", "{\n\"basic-auth-password\": \"new\"\n}\n")
                .unifiedDiff()).doesNotContain("old").doesNotContain("new").contains("-\"basic-auth-password\": \"********\"");
    }

    @Test
    void restore_putsBackTheServersValue_matchingPeersByName_evenReordered() throws Exception {
        JsonNode live = JSON.readTree("{\"peers\":[{\"name\":\"a\",\"basic-auth-password\":\"pa\"},{\"name\":\"b\",\"basic-auth-password\":\"pb\"}],"
                + "\"lease-database\":{\"password\":\"db\"}}");
        JsonNode edited = JSON.readTree("{\"peers\":[{\"name\":\"b\",\"basic-auth-password\":\"********\"},{\"name\":\"a\",\"basic-auth-password\":\"********\"}],"
                + "\"lease-database\":{\"password\":\"********\"}}");
        SecretMask.restore(edited, live);
        assertThat(edited.toString()).isEqualTo("{\"peers\":[{\"name\":\"b\",\"basic-auth-password\":\"pb\"},{\"name\":\"a\",\"basic-auth-password\":\"pa\"}],"
                + "\"lease-database\":{\"password\":\"db\"}}");
    }

    @Test
    void restore_aNewValueIsKept_andAMaskWithNothingToRestoreIsRefused() throws Exception {
        JsonNode live = JSON.readTree("{\"peers\":[{\"name\":\"a\",\"basic-auth-password\":\"pa\"}]}");
        JsonNode typed = JSON.readTree("{\"peers\":[{\"name\":\"a\",\"basic-auth-password\":\"new-one\"}]}");
        SecretMask.restore(typed, live);
        assertThat(typed.toString()).contains("new-one");
        JsonNode newPeer = JSON.readTree("{\"peers\":[{\"name\":\"c\",\"basic-auth-password\":\"********\"}]}");
        assertThatThrownBy(() -> SecretMask.restore(newPeer, live)).isInstanceOf(UserError.class)
                .hasMessageContaining("basic-auth-password").hasMessageContaining("/peers/0");
    }

    @Test
    void maskTree_masksAnOldHistoryEntryWhoseDiffHeldTheHaPassword() throws Exception {
        JsonNode stored = JSON.readTree("{\"server\":\"kea-a\",\"diff\":\"-    \\\"basic-auth-password\\\" : \\\"clear-1\\\",\\n\","
                + "\"password\":\"clear-2\",\"list\":[\"secret \\\"clear-3\\\";\"]}");
        assertThat(stored.toString()).contains("clear-1");
        String masked = SecretMask.maskTree(stored).toString();
        assertThat(masked).doesNotContain("clear-1").doesNotContain("clear-2").doesNotContain("clear-3").contains("kea-a");
    }
}
