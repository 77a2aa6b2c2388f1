package org.tandem.kea.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.tandem.net.Ipv4Address;
import org.tandem.net.Ipv4Range;
import org.tandem.testing.KeaExamples;

/**
 * Issue 14: every write is an edit of the document as read. For each write kind, on Kea 2.2's own example configs and
 * on generated ones full of keys Tandem does not model, the config after the write equals the config before it plus
 * exactly the intended change (the expected config is built here, independently, by editing the JSON tree by hand).
 */
class KeaEditsPropertyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Ipv4Range NEW_SUBNET = Ipv4Range.parseCidr("s", "198.18.250.0/24");

    @Test
    void everyWriteKind_onKeasExampleConfigs_changesExactlyWhatItIsAskedTo() throws Exception {
        int checked = 0;
        for (Path file : KeaExamples.all()) {
            ObjectNode tree = KeaExamples.read(file);
            if (!(tree.get("Dhcp4") instanceof ObjectNode)) {
                continue;
            }
            checked += checkAllWrites(file.getFileName().toString(), tree);
        }
        // 25 files, all but a handful with subnets: a few hundred writes, each compared whole.
        assertThat(checked).as("writes checked on the examples").isGreaterThan(100);
    }

    @Test
    void everyWriteKind_onGeneratedConfigsWithUnmodelledKeys_changesExactlyWhatItIsAskedTo() throws Exception {
        long seed = 20261203L;
        Random random = new Random(seed);
        int checked = 0;
        for (int i = 0; i < 30; i++) {
            checked += checkAllWrites("generated #" + i + " (seed " + seed + ")", generated(random));
        }
        assertThat(checked).isGreaterThan(500);
    }

    /** Runs every write kind on every subnet of {@code tree} and compares each result with the expected tree. */
    private static int checkAllWrites(String name, ObjectNode tree) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(tree);
        KeaConfig config = KeaConfig.fromJson(bytes, Instant.EPOCH);
        int checked = 0;
        for (KeaSubnet s : config.subnets()) {
            Ipv4Range prefix = s.subnet();
            String what = name + ", subnet " + prefix;
            Ipv4Address free = freeAddress(s).orElse(null);
            if (free != null) {
                KeaReservation added = KeaReservation.of(KeaReservation.Identifier.HW_ADDRESS, "0a:00:5e:00:53:01", free, "tandem-test");
                check(what + ": add reservation", tree, config, d -> d.addReservation(prefix, added),
                        t -> KeaExamples.subnet(t, prefix).withArray("reservations").addObject()
                                .put("hw-address", "0a:00:5e:00:53:01").put("ip-address", free.toString()).put("hostname", "tandem-test"));
                check(what + ": add pool", tree, config, d -> d.addPools(prefix, List.of(KeaPool.of(new Ipv4Range(free, free)))),
                        t -> KeaExamples.subnet(t, prefix).withArray("pools").addObject().put("pool", free + " - " + free));
                checked += 2;
            }
            List<JsonNode> reservations = new ArrayList<>();
            KeaExamples.subnet(tree.deepCopy(), prefix).path("reservations").forEach(reservations::add);
            for (int i = 0; i < reservations.size(); i++) {
                KeaReservation r = KeaConfigDocument.reservationFromKea(reservations.get(i));
                if (r.kind() == null) {
                    continue;
                }
                int index = i;
                // Asked for in another spelling than the file's (hex with colons), as the store keeps identifiers.
                check(what + ": remove reservation " + r.kind().key() + " " + r.identifier(), tree, config,
                        d -> assertThat(d.removeReservations(prefix, x -> x.matches(r.kind(), r.identifierHex(), r.ipAddress()))).isEqualTo(1),
                        t -> ((ArrayNode) KeaExamples.subnet(t, prefix).get("reservations")).remove(index));
                checked++;
            }
            JsonNode pools = KeaExamples.subnet(tree.deepCopy(), prefix).path("pools");
            for (int i = 0; i < pools.size(); i++) {
                Ipv4Range range = KeaConfigDocument.poolRange(pools.get(i).path("pool").asText());
                if (s.pools().stream().filter(p -> p.range().equals(range)).count() > 1) {
                    continue;
                }
                int index = i;
                check(what + ": remove pool " + range, tree, config, d -> assertThat(d.removePool(prefix, range)).isTrue(),
                        t -> ((ArrayNode) KeaExamples.subnet(t, prefix).get("pools")).remove(index));
                checked++;
            }
            check(what + ": remove subnet", tree, config, d -> d.removeSubnet(prefix), t -> KeaExamples.removeSubnet(t, prefix));
            checked++;
        }
        if (config.subnets().stream().noneMatch(s -> s.subnet().overlaps(NEW_SUBNET))) {
            long id = config.edit().maxSubnetId() + 1;
            check(name + ": add subnet", tree, config, d -> d.addSubnet(KeaSubnet.of(id, NEW_SUBNET, List.of(KeaPool.of(
                    Ipv4Range.parse("f", "198.18.250.10", "t", "198.18.250.20"))))), t -> {
                ObjectNode n = ((ObjectNode) t.get("Dhcp4")).withArray("subnet4").addObject().put("id", id).put("subnet", NEW_SUBNET.toString());
                n.putArray("pools").addObject().put("pool", "198.18.250.10 - 198.18.250.20");
            });
            checked++;
        }
        return checked;
    }

    private static void check(String what, ObjectNode before, KeaConfig config, Consumer<KeaConfigDocument> write,
                              Consumer<ObjectNode> intended) throws IOException {
        KeaConfigDocument doc = config.edit();
        write.accept(doc);
        ObjectNode expected = before.deepCopy();
        intended.accept(expected);
        // Both through the same bytes, so that numbers compare as the same node type.
        assertThat(JSON.readTree(doc.toBytes())).as(what).isEqualTo(JSON.readTree(JSON.writeValueAsBytes(expected)));
    }

    /** An address of the subnet in no pool and no reservation, for the writes that add one. */
    private static java.util.Optional<Ipv4Address> freeAddress(KeaSubnet s) {
        for (long i = 1; i < Math.min(s.subnet().size() - 1, 4096); i++) {
            Ipv4Address a = s.subnet().first().plus(i);
            boolean used = s.pools().stream().anyMatch(p -> p.range().contains(a))
                    || s.reservations().stream().anyMatch(r -> a.equals(r.ipAddress()));
            if (!used) {
                return java.util.Optional.of(a);
            }
        }
        return java.util.Optional.empty();
    }

    // ------------------------------------------------------------------ generated configs

    /** A config with top-level and shared-network subnets whose pools, reservations and options carry keys Tandem does not model. */
    private static ObjectNode generated(Random random) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode dhcp4 = root.putObject("Dhcp4");
        dhcp4.put("valid-lifetime", 4000 + random.nextInt(4000));
        dhcp4.putObject("user-context").put("site", "lab-" + random.nextInt(100));
        int id = 1;
        int subnets = 2 + random.nextInt(5);
        for (int i = 0; i < subnets; i++) {
            subnet(random, dhcp4.withArray("subnet4").addObject(), id++, 10, i);
        }
        int networks = random.nextInt(3);
        for (int n = 0; n < networks; n++) {
            ObjectNode net = dhcp4.withArray("shared-networks").addObject().put("name", "net-" + n);
            if (random.nextBoolean()) {
                net.put("valid-lifetime", 600);
            }
            for (int i = 0; i < 1 + random.nextInt(3); i++) {
                subnet(random, net.withArray("subnet4").addObject(), id++, 11 + n, i);
            }
        }
        return root;
    }

    private static void subnet(Random random, ObjectNode s, int id, int second, int third) {
        String base = "10." + second + "." + third + ".";
        s.put("id", id).put("subnet", base + "0/24");
        if (random.nextBoolean()) {
            s.put("valid-lifetime", 1000 + random.nextInt(1000));
        }
        if (random.nextBoolean()) {
            s.putObject("relay").putArray("ip-addresses").add("192.0.2." + (1 + random.nextInt(200)));
        }
        ArrayNode pools = s.putArray("pools");
        int pools_ = random.nextInt(4);
        for (int p = 0; p < pools_; p++) {
            ObjectNode pool = pools.addObject().put("pool", random.nextBoolean()
                    ? base + (100 + p * 20) + " - " + base + (110 + p * 20) : base + (100 + p * 20) + "-" + base + (110 + p * 20));
            if (random.nextBoolean()) {
                pool.putArray("option-data").addObject().put("name", "domain-name-servers").put("data", base + "53");
            }
            if (random.nextInt(4) == 0) {
                pool.put("client-class", "VoIP");
            }
        }
        if (random.nextBoolean()) {
            ArrayNode opts = s.putArray("option-data");
            opts.addObject().put("name", "routers").put("data", base + "1").put("always-send", random.nextBoolean());
            if (random.nextBoolean()) {
                opts.addObject().put("space", "docsis3-v4").put("name", "oro").put("data", "01,02");
            }
            if (random.nextBoolean()) {
                opts.addObject().put("code", 43).put("csv-format", false).put("data", "FFFF8000");
            }
        }
        String[] kinds = {"hw-address", "client-id", "duid", "circuit-id", "flex-id"};
        int reservations = random.nextInt(5);
        ArrayNode res = s.putArray("reservations");
        for (int r = 0; r < reservations; r++) {
            String kind = kinds[random.nextInt(kinds.length)];
            String ident = switch (kind) {
                case "hw-address" -> String.format("1a:2b:3c:%02x:%02x:%02x", id, third, r);
                case "circuit-id", "flex-id" -> random.nextBoolean() ? "'port-" + id + "-" + r + "'" : String.format("%02X%02XAB", id, r);
                default -> String.format("01:02:%02x:%02x", id, r);
            };
            ObjectNode n = res.addObject().put(kind, ident).put("ip-address", base + (10 + r));
            if (random.nextBoolean()) {
                n.putArray("client-classes").add("VoIP");
            }
            if (random.nextBoolean()) {
                n.putArray("option-data").addObject().put("name", "tftp-server-name").put("data", "tftp.example.org");
                n.putObject("user-context").put("asset", "A-" + r);
            }
            if (random.nextBoolean()) {
                n.put("next-server", "192.0.2.9").put("boot-file-name", "pxelinux.0");
            }
        }
    }
}
