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
}
