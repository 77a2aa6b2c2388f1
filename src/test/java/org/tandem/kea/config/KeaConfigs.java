package org.tandem.kea.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random Kea DHCPv4 configurations shaped like config-get output, and random edits of them as Central makes them
 * (members set and removed anywhere, elements removed anywhere and appended at the end), for property tests.
 */
public final class KeaConfigs {

    private static final JsonNodeFactory N = JsonNodeFactory.instance;

    private KeaConfigs() {}

    /** A config with globals, option-data, client classes, hooks and 1 to 6 subnets with pools and reservations. */
    public static ObjectNode generate(Random r) {
        ObjectNode d = N.objectNode();
        d.put("valid-lifetime", 600 + r.nextInt(10) * 60);
        d.put("renew-timer", 300);
        d.putObject("interfaces-config").putArray("interfaces").add("*");
        ArrayNode opts = d.putArray("option-data");
        opts.addObject().put("name", "domain-name-servers").put("code", 6).put("space", "dhcp4").put("data", "192.0.2.53");
        ArrayNode classes = d.putArray("client-classes");
        for (int i = 0; i < r.nextInt(3); i++) {
            classes.addObject().put("name", "class" + i).put("test", "member('ALL')");
        }
        d.putArray("hooks-libraries").addObject().put("library", "/usr/lib/kea/hooks/libdhcp_lease_cmds.so");
        ArrayNode subnets = d.putArray("subnet4");
        int n = 1 + r.nextInt(6);
        for (int i = 1; i <= n; i++) {
            subnets.add(subnet(r, i * 2));
        }
        ObjectNode root = N.objectNode();
        root.set("Dhcp4", d);
        return root;
    }

    static ObjectNode subnet(Random r, int id) {
        ObjectNode s = N.objectNode();
        s.put("id", id);
        s.put("subnet", "10." + id + ".0.0/24");
        s.put("valid-lifetime", 600);
        s.put("t1-percent", 0.5);
        ArrayNode pools = s.putArray("pools");
        for (int p = 0; p < r.nextInt(3); p++) {
            pools.addObject().put("pool", "10." + id + ".0." + (10 + p * 20) + "-10." + id + ".0." + (19 + p * 20)).putArray("option-data");
        }
        ArrayNode res = s.putArray("reservations");
        for (int k = 0; k < r.nextInt(4); k++) {
            res.addObject().put("hw-address", String.format("02:00:00:00:%02x:%02x", id, k)).put("ip-address", "10." + id + ".0." + (200 + k))
                    .put("hostname", "");
        }
        s.putArray("option-data").addObject().put("name", "routers").put("code", 3).put("space", "dhcp4").put("data", "10." + id + ".0.1");
        return s;
    }

    /** {@code config} after {@code count} random edits. */
    public static JsonNode edit(JsonNode config, Random r, int count) {
        ObjectNode c = config.deepCopy();
        ObjectNode d = (ObjectNode) c.get("Dhcp4");
        ArrayNode subnets = (ArrayNode) d.get("subnet4");
        for (int e = 0; e < count; e++) {
            switch (r.nextInt(10)) {
                case 0 -> d.put("valid-lifetime", 1000 + r.nextInt(1000));
                case 1 -> subnets.add(subnet(r, 100 + r.nextInt(50) * 2 + 1));
                case 2 -> {
                    if (subnets.size() > 1) {
                        subnets.remove(r.nextInt(subnets.size()));
                    }
                }
                case 3 -> randomSubnet(subnets, r).put("valid-lifetime", 900);
                case 4 -> {
                    ObjectNode s = randomSubnet(subnets, r);
                    int id = s.get("id").asInt();
                    ((ArrayNode) s.get("reservations")).addObject().put("hw-address", String.format("02:aa:00:00:%02x:%02x", id % 256, r.nextInt(256)))
                            .put("ip-address", "10." + id + ".0." + (100 + r.nextInt(50)));
                }
                case 5 -> {
                    ArrayNode res = (ArrayNode) randomSubnet(subnets, r).get("reservations");
                    if (!res.isEmpty()) {
                        res.remove(r.nextInt(res.size()));
                    }
                }
                case 6 -> {
                    ObjectNode s = randomSubnet(subnets, r);
                    s.put("subnet", "172.16." + (r.nextInt(200)) + ".0/24");
                }
                case 7 -> randomSubnet(subnets, r).remove("t1-percent");
                case 8 -> {
                    ArrayNode pools = (ArrayNode) randomSubnet(subnets, r).get("pools");
                    if (!pools.isEmpty() && r.nextBoolean()) {
                        ((ObjectNode) pools.get(r.nextInt(pools.size()))).putArray("option-data").addObject().put("name", "routers")
                                .put("data", "10.9.9.9");
                    } else {
                        pools.addObject().put("pool", "10.250." + r.nextInt(250) + ".0/28");
                    }
                }
                default -> {
                    List<String> ifaces = new ArrayList<>(List.of("eth0", "eth1", "*"));
                    ArrayNode i = ((ObjectNode) d.get("interfaces-config")).putArray("interfaces");
                    for (int k = 0; k < 1 + r.nextInt(3); k++) {
                        i.add(ifaces.get(r.nextInt(ifaces.size())));
                    }
                }
            }
        }
        return c;
    }

    private static ObjectNode randomSubnet(ArrayNode subnets, Random r) {
        return (ObjectNode) subnets.get(r.nextInt(subnets.size()));
    }
}
