package org.tandem.dhcpd.conf;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the parser. Without JAZZER_FUZZ it runs as a normal test over the seeds in
 * {@code src/test/resources/org/tandem/dhcpd/conf/DhcpdConfParserFuzzTestInputs/parse}; with
 * {@code JAZZER_FUZZ=1 mvn test -Dtest=DhcpdConfParserFuzzTest} it explores new inputs.
 */
class DhcpdConfParserFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void parse(byte[] input) {
        String text = new String(input, StandardCharsets.ISO_8859_1);
        DhcpdConf conf;
        try {
            conf = DhcpdConf.parse(text);
        } catch (DhcpdConfParseException e) {
            assertThat(e.line()).isPositive();
            assertThat(e.column()).isPositive();
            return;
        }
        assertThat(conf.render()).isEqualTo(text);
        try {
            conf.model();
        } catch (DhcpdConfParseException e) {
            assertThat(e.line()).isPositive();
        }
    }
}
