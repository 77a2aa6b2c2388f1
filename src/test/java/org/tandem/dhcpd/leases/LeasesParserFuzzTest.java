package org.tandem.dhcpd.leases;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the leases parser: any input either parses or fails with {@link LeasesParseException}
 * naming a line that exists. Without JAZZER_FUZZ it replays the seeds in
 * {@code src/test/resources/org/tandem/dhcpd/leases/LeasesParserFuzzTestInputs/parse}; with
 * {@code JAZZER_FUZZ=1 mvn test -Dtest=LeasesParserFuzzTest} it explores.
 */
class LeasesParserFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void parse(byte[] input) {
        String text = new String(input, StandardCharsets.ISO_8859_1);
        try {
            LeasesFile f = LeasesParser.parse(text);
            assertThat(f.leases()).allSatisfy(l -> assertThat(l.address()).isNotNull());
        } catch (LeasesParseException e) {
            long lines = text.chars().filter(c -> c == '\n').count() + 1;
            assertThat(e.line()).isBetween(1, (int) lines);
        }
    }
}
