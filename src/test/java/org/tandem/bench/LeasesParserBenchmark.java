package org.tandem.bench;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.tandem.dhcpd.leases.LeasesFile;
import org.tandem.dhcpd.leases.LeasesParser;

/**
 * How fast the agent parses dhcpd.leases for {@code GET /v1/leases}: a generated file shaped like
 * dhcpd 4.4.3's (active leases with times, hardware, uid and hostname, each address written twice as
 * dhcpd appends, plus failover state blocks). Run with {@code bench/leases-parse.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LeasesParserBenchmark {

    @Param({"10000", "100000"})
    public int leases;

    public String text;

    @Setup
    public void generate() {
        text = generate(leases);
    }

    static String generate(int n) {
        DateTimeFormatter f = DateTimeFormatter.ofPattern("uuuu/MM/dd HH:mm:ss").withZone(ZoneOffset.UTC);
        Instant t0 = Instant.parse("2026-11-22T03:00:00Z");
        StringBuilder sb = new StringBuilder(n * 2 * 330);
        sb.append("# The format of this file is documented in the dhcpd.leases(5) manual page.\n")
                .append("authoring-byte-order little-endian;\n\n");
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < n; i++) {
                String ip = "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
                Instant s = t0.plusSeconds(i + pass * 600L);
                String mac = String.format("00:16:3e:%02x:%02x:%02x", i >> 16 & 255, i >> 8 & 255, i & 255);
                sb.append("lease ").append(ip).append(" {\n")
                        .append("  starts ").append(date(f, s)).append(";\n")
                        .append("  ends ").append(date(f, s.plusSeconds(600))).append(";\n")
                        .append("  tstp ").append(date(f, s.plusSeconds(600))).append(";\n")
                        .append("  cltt ").append(date(f, s)).append(";\n")
                        .append("  binding state active;\n  next binding state free;\n  rewind binding state free;\n")
                        .append("  hardware ethernet ").append(mac).append(";\n")
                        .append("  uid \"\\001").append("\\000\\026>\\012\\013\\014").append("\";\n")
                        .append("  client-hostname \"host-").append(i).append("\";\n}\n");
            }
            sb.append("failover peer \"fo\" state {\n  my state normal at 0 2026/11/22 03:27:17;\n"
                    + "  partner state normal at 0 2026/11/22 03:27:17;\n}\n");
        }
        return sb.toString();
    }

    /** dhcpd's form: weekday (0 = Sunday), then the UTC date and time. */
    private static String date(DateTimeFormatter f, Instant t) {
        return (t.atZone(ZoneOffset.UTC).getDayOfWeek().getValue() % 7) + " " + f.format(t);
    }

    @Benchmark
    public LeasesFile parse() {
        return LeasesParser.parse(text);
    }

    public static void main(String[] args) throws Exception {
        new Runner(new OptionsBuilder().include(LeasesParserBenchmark.class.getSimpleName()).build()).run();
        for (int n : new int[] {10000, 100000}) {
            System.out.printf("%d leases: file %,d bytes%n", n, generate(n).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1).length);
        }
    }
}
