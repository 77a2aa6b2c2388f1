package org.tandem.dhcpd.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tandem.common.UserError;
import org.tandem.dhcpd.conf.DhcpdConfModel.Role;
import org.tandem.net.Ipv4Range;

/**
 * Seeded property checks: random mutations of the corpus either parse and render back identical or fail
 * with the parse error type; random edit sequences leave a file that re-parses to itself and that real
 * dhcpd accepts. A failing case prints its seed so it can be replayed.
 */
class DhcpdConfPropertyTest {

    private static final String[] PIECES = {"{", "}", ";", "\"", "#", "\n", "\r\n", "\\", " ", "option x code 1 = {",
        "key k {", "};", "pool {", "subnet 10.0.0.0 netmask 255.0.0.0 {", "if x {", "} else {", "\t"};

    @Test
    void mutatedCorpus_parsesToIdenticalBytesOrFailsWithParseError() {
        List<String> corpus = Corpus.files().stream().map(p -> Corpus.text(p.getFileName().toString())).toList();
        for (long seed = 1; seed <= 3000; seed++) {
            Random rnd = new Random(seed);
            StringBuilder sb = new StringBuilder(corpus.get(rnd.nextInt(corpus.size())));
            int edits = 1 + rnd.nextInt(4);
            for (int e = 0; e < edits && sb.length() > 0; e++) {
                int at = rnd.nextInt(sb.length());
                switch (rnd.nextInt(3)) {
                    case 0 -> sb.delete(at, Math.min(sb.length(), at + 1 + rnd.nextInt(20)));
                    case 1 -> sb.insert(at, PIECES[rnd.nextInt(PIECES.length)]);
                    default -> sb.insert(at, (char) rnd.nextInt(256));
                }
            }
            String text = sb.toString();
            try {
                DhcpdConf conf = DhcpdConf.parse(text);
                if (!conf.render().equals(text)) {
                    fail("seed " + seed + ": accepted input renders back differently");
                }
                conf.model();
            } catch (DhcpdConfParseException expected) {
                assertThat(expected.line()).as("seed " + seed).isPositive();
            }
        }
    }

    @Test
    void randomEditSequences_reparseToThemselvesAndPassDhcpd() {
        for (long seed = 1; seed <= 40; seed++) {
            Random rnd = new Random(seed);
            StringBuilder sb = new StringBuilder("# generated\nauthoritative;\n");
            int subnets = 2 + rnd.nextInt(4);
            List<Ipv4Range> ranges = new ArrayList<>();
            for (int i = 0; i < subnets; i++) {
                ranges.add(Ipv4Range.parseCidr("s", "10.50." + i + ".0/24"));
                String indent = rnd.nextBoolean() ? "\t" : "    ";
                sb.append(rnd.nextBoolean() ? "\n# scope " + i + "\n" : "\n")
                        .append("subnet 10.50.").append(i).append(".0 netmask 255.255.255.0 {\n")
                        .append(indent).append("pool {").append(rnd.nextBoolean() ? " # pool\n" : "\n")
                        .append(indent).append(indent).append("range 10.50.").append(i).append(".10 10.50.").append(i).append(".20;\n")
                        .append(indent).append("}\n}\n");
            }
            String original = sb.toString();
            DhcpdConf conf = DhcpdConf.parse(original);
            DhcpdConfEditor editor = new DhcpdConfEditor(conf);
            FailoverPeerSpec spec = FailoverPeerSpec.builder("fo" + seed, rnd.nextBoolean() ? Role.PRIMARY : Role.SECONDARY,
                    "198.18.0.1", "198.18.0.2").percentage(rnd.nextInt(101)).build();
            for (int step = 0; step < 12; step++) {
                Ipv4Range r = ranges.get(rnd.nextInt(ranges.size()));
                try {
                    switch (rnd.nextInt(4)) {
                        case 0, 1 -> editor.enableFailover(r, spec);
                        case 2 -> editor.disableFailover(r, spec.name());
                        default -> {
                            if (conf.model().subnet(r).isPresent()) {
                                // The engine's order: take the scope out of failover, then disable it.
                                editor.disableFailover(r, spec.name());
                                editor.disableSubnet(r);
                            } else {
                                editor.enableSubnet(r);
                            }
                        }
                    }
                } catch (UserError refused) {
                    // Only "not found" for a subnet that is disabled right now; the file must be unchanged then.
                    assertThat(refused.kind()).as("seed " + seed).isEqualTo(UserError.Kind.NOT_FOUND);
                }
                String rendered = conf.render();
                assertThat(DhcpdConf.parse(rendered).render()).as("seed " + seed).isEqualTo(rendered);
            }
            if (seed <= 8) {
                RealDhcpd.Result r = RealDhcpd.syntaxCheck(conf.render());
                assertThat(r.ok()).as("seed " + seed + ":\n" + conf.render() + "\n" + r.output()).isTrue();
            }
            for (Ipv4Range r : ranges) {
                if (conf.model().subnet(r).isPresent()) {
                    editor.disableFailover(r, spec.name());
                }
            }
            for (Ipv4Range r : ranges) {
                if (conf.model().subnet(r).isEmpty()) {
                    editor.enableSubnet(r);
                }
            }
            assertThat(conf.render()).as("seed " + seed + ": undoing every edit").isEqualTo(original);
        }
    }
}
