package org.tandem.change;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServerDiffTest {

    @Test
    void of_oneLineChanged_unifiedDiffWithContext() {
        ServerDiff diff = ServerDiff.of(new ServerChange("dhcp-a", "a;\nb;\nc;\nd;\ne;\n", "a;\nb;\nC;\nd;\ne;\n"));

        assertThat(diff.unifiedDiff()).isEqualTo("""
                --- a/dhcp-a
                +++ b/dhcp-a
                @@ -1,5 +1,5 @@
                 a;
                 b;
                -c;
                +C;
                 d;
                 e;
                """);
    }

    @Test
    void of_sameConfig_emptyDiff() {
        assertThat(ServerDiff.of(new ServerChange("dhcp-a", "a;\n", "a;\n")).unifiedDiff()).isEmpty();
    }

    @Test
    void of_onlyLineEndingsDiffer_saysSoInsteadOfAnEmptyDiff() {
        ServerDiff diff = ServerDiff.of(new ServerChange("dhcp-a", "a;\r\nb;\r\n", "a;\nb;\n"));

        assertThat(diff.unifiedDiff()).endsWith("(only line endings or the final newline differ)\n");
    }

    @Test
    void of_dhcpdKeySecretChanged_bothSidesMasked() {
        String before = "key omapi {\n  algorithm hmac-md5;\n  secret \"pRP5FapFoJ95JEL06sv4PQ==\";\n}\n";
        String after = "key omapi {\n  algorithm hmac-md5;\n  secret Zm9vYmFyYmF6cXV1eA==;\n}\n";

        String diff = ServerDiff.of(new ServerChange("dhcp-a", before, after)).unifiedDiff();

        assertThat(diff).contains("-  secret \"********\";\n+  secret \"********\";\n")
                .doesNotContain("pRP5FapFoJ95JEL06sv4PQ==", "Zm9vYmFyYmF6cXV1eA==");
    }

    @Test
    void of_keaJsonPasswordAdded_valueMasked() {
        String before = "{\n  \"Control-agent\": {\n    \"http-port\": 8000\n  }\n}\n";
        String after = "{\n  \"Control-agent\": {\n    \"http-port\": 8000,\n    \"password\": \"hun\\\"ter2\",\n"
                + "    \"Token\": \"abc\"\n  }\n}\n";

        String diff = ServerDiff.of(new ServerChange("kea-1", before, after)).unifiedDiff();

        assertThat(diff).contains("+    \"password\": \"********\",\n", "+    \"Token\": \"********\"\n")
                .doesNotContain("hun", "abc");
    }
}
