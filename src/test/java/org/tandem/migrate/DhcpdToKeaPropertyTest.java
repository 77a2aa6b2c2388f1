package org.tandem.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tandem.dhcpd.conf.DhcpdConf;
import org.tandem.dhcpd.conf.DhcpdConfModel;
import org.tandem.kea.config.KeaConfig;
import org.tandem.kea.config.KeaPool;
import org.tandem.kea.config.KeaReservation;
import org.tandem.kea.config.KeaSubnet;
import org.tandem.net.Ipv4Range;

/**
 * Seeded property check: for random dhcpd.conf files in the lab's shape (the lab peer block, subnets with failover
 * pools, bare ranges, hosts inside subnets and global, shared networks, subnets outside the relationship), the plan's
 * subnets, pools and reservations — read back with Tandem's own Kea reader — are exactly the model's. A failing case
 * prints its seed and text.
 */
class DhcpdToKeaPropertyTest {

    @Test
    void randomLabShapedConfigs_planSubnetsPoolsAndReservationsExactlyAsTheModelHasThem() {
        for (long seed = 1; seed <= 200; seed++) {
            String text = generate(new Random(seed));
            String why = "seed " + seed + ":\n" + text;
            DhcpdConfModel model = DhcpdConf.parse(text).model();
            KeaMigrationPlan plan = Plans.plan(text);

            assertThat(plan.unexpressed()).as(why).allSatisfy(u -> assertThat(u.reason()).contains("not in the relationship"));
            for (String server : List.of("kea-a", "kea-b")) {
                List<KeaSubnet> planned = KeaConfig.fromJson(plan.dhcp4(server).getBytes(StandardCharsets.UTF_8), Instant.EPOCH).subnets();
                List<DhcpdConfModel.Subnet> expected = model.subnetsReferencing("lab-fo");
                assertThat(planned).as(why).extracting(KeaSubnet::subnet)
                        .containsExactlyInAnyOrderElementsOf(expected.stream().map(DhcpdConfModel.Subnet::range).toList());
                for (KeaSubnet k : planned) {
                    DhcpdConfModel.Subnet m = model.subnet(k.subnet()).orElseThrow();
                    assertThat(k.id()).as(why).isEqualTo(k.subnet().first().value());
                    assertThat(k.sharedNetwork()).as(why).isEqualTo(m.sharedNetwork());
                    assertThat(joined(k.pools().stream().map(KeaPool::range).toList())).as(why).isEqualTo(joined(modelRanges(m)));
                    assertThat(reservations(k)).as(why).isEqualTo(modelReservations(model, m));
                }
            }
        }
    }

    private static List<Ipv4Range> modelRanges(DhcpdConfModel.Subnet s) {
        List<Ipv4Range> out = new ArrayList<>();
        s.ranges().forEach(r -> out.add(r.range()));
        s.pools().forEach(p -> p.ranges().forEach(r -> out.add(r.range())));
        return out;
    }

    /** Ranges sorted with adjacent ones joined: load-balancing splits pools into halves, which must cover the same addresses. */
    private static List<Ipv4Range> joined(List<Ipv4Range> ranges) {
        List<Ipv4Range> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.comparing(Ipv4Range::first));
        List<Ipv4Range> out = new ArrayList<>();
        for (Ipv4Range r : sorted) {
            Ipv4Range last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.last().value() + 1 == r.first().value()) {
                out.set(out.size() - 1, new Ipv4Range(last.first(), r.last()));
            } else {
                out.add(r);
            }
        }
        return out;
    }

    private static Set<String> reservations(KeaSubnet k) {
        Set<String> out = new HashSet<>();
        for (KeaReservation r : k.reservations()) {
            out.add(r.identifierHex() + " " + r.ipAddress() + " " + r.hostname());
        }
        return out;
    }

    private static Set<String> modelReservations(DhcpdConfModel model, DhcpdConfModel.Subnet s) {
        Set<String> out = new HashSet<>();
        for (DhcpdConfModel.Host h : model.hosts()) {
            for (String a : h.fixedAddresses()) {
                if (s.range().contains(org.tandem.net.Ipv4Address.parse("a", a))) {
                    out.add(DhcpdToKea.mac(h.hardwareEthernet()) + " " + a + " " + h.name());
                }
            }
        }
        return out;
    }

    /** A lab-shaped primary dhcpd.conf: subnets 198.18.N.0/24, a few in shared networks, a few outside the relationship. */
    private static String generate(Random rnd) {
        StringBuilder sb = new StringBuilder("authoritative;\nddns-update-style none;\ndefault-lease-time 600;\nmax-lease-time 7200;\n");
        sb.append(Plans.peer(rnd.nextBoolean() ? "split 128;" : "split 256;", ""));
        int subnets = 1 + rnd.nextInt(6);
        int mac = 1;
        List<String> globalHosts = new ArrayList<>();
        String openNetwork = null;
        for (int i = 0; i < subnets; i++) {
            if (openNetwork == null && rnd.nextInt(3) == 0) {
                openNetwork = "net-" + i;
                sb.append("shared-network \"").append(openNetwork).append("\" {\n");
            }
            String p = "198.18." + i;
            boolean inRelationship = i == 0 || rnd.nextInt(4) != 0;
            sb.append("subnet ").append(p).append(".0 netmask 255.255.255.0 {\n");
            sb.append("  option routers ").append(p).append(".1;\n");
            if (rnd.nextBoolean()) {
                sb.append("  range ").append(p).append(".2 ").append(p).append(".9;\n");
            }
            int pools = 1 + rnd.nextInt(3);
            for (int k = 0; k < pools; k++) {
                int base = 10 + k * 60;
                sb.append("  pool {\n");
                if (inRelationship) {
                    sb.append("    failover peer \"lab-fo\";\n    deny dynamic bootp clients;\n");
                }
                sb.append("    range ").append(p).append('.').append(base).append(' ').append(p).append('.').append(base + 9 + rnd.nextInt(40)).append(";\n");
                if (rnd.nextBoolean()) {
                    sb.append("    range ").append(p).append('.').append(base + 55).append(";\n");
                }
                sb.append("  }\n");
            }
            for (int h = rnd.nextInt(3); h > 0; h--, mac++) {
                String host = "host h" + mac + " { hardware ethernet 0:16:3e:0:" + Integer.toHexString(mac >> 8) + ":" + Integer.toHexString(mac & 0xff)
                        + "; fixed-address " + p + "." + (200 + mac % 50) + "; }\n";
                if (rnd.nextBoolean()) {
                    sb.append("  ").append(host);
                } else {
                    globalHosts.add(host);
                }
            }
            sb.append("}\n");
            if (openNetwork != null && (rnd.nextBoolean() || i == subnets - 1)) {
                sb.append("}\n");
                openNetwork = null;
            }
        }
        globalHosts.forEach(sb::append);
        return sb.toString();
    }
}
