package org.tandem.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.tandem.dhcpd.conf.DhcpdConf;
import org.tandem.dhcpd.conf.DhcpdConfEditor;
import org.tandem.dhcpd.conf.DhcpdConfModel.Role;
import org.tandem.dhcpd.conf.FailoverPeerSpec;
import org.tandem.net.Ipv4Range;

/**
 * dhcpd.conf engine speed on the generated 20,000-subnet file (see {@link DhcpdConfGenerator}):
 * parse + render in the warm JVM, and adding failover to one scope then rendering the whole file.
 * Run by {@code bench/dhcpd-conf.sh}; figures in docs/benchmarks.md. Sample mode, so the report has the
 * median and the best time next to the mean: on a shared 2-core machine the mean mostly measures the load.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class DhcpdConfBenchmark {

    @State(Scope.Benchmark)
    public static class Text {
        String text;

        @Setup(Level.Trial)
        public void generate() {
            text = DhcpdConfGenerator.generate(20_000);
        }
    }

    @State(Scope.Thread)
    public static class FreshTree {
        DhcpdConf conf;
        final Ipv4Range scope = Ipv4Range.parseCidr("scope", DhcpdConfGenerator.scopeWithoutFailover());
        final FailoverPeerSpec spec = FailoverPeerSpec.builder(DhcpdConfGenerator.PEER, Role.PRIMARY,
                "198.18.0.1", "198.18.0.2").build();

        @Setup(Level.Invocation)
        public void parse(Text text) {
            conf = DhcpdConf.parse(text.text);
        }
    }

    @Benchmark
    public String parseAndRender(Text text) {
        return DhcpdConf.parse(text.text).render();
    }

    @Benchmark
    public String enableFailoverOnOneScopeAndRender(FreshTree tree) {
        new DhcpdConfEditor(tree.conf).enableFailover(tree.scope, tree.spec);
        return tree.conf.render();
    }
}
