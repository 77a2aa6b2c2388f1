package org.tandem.migrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** dhcpd.conf texts in the lab's shape and helpers to plan them and read the planned JSON. */
final class Plans {

    static final KeaTarget KEA_A = new KeaTarget("kea-a", URI.create("http://127.0.0.1:8001/"));
    static final KeaTarget KEA_B = new KeaTarget("kea-b", URI.create("http://127.0.0.1:8002/"));
    static final String HOOKS = "/usr/lib/x86_64-linux-gnu/kea/hooks";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Plans() {
    }

    /** The lab's primary peer block with {@code balance} ("split 128;", "split 256;", "hba ...;") and extra lines. */
    static String peer(String balance, String extra) {
        return "failover peer \"lab-fo\" {\n"
                + "  primary;\n"
                + "  address 198.18.0.1;\n"
                + "  port 647;\n"
                + "  peer address 198.18.0.2;\n"
                + "  peer port 647;\n"
                + "  max-response-delay 10;\n"
                + "  max-unacked-updates 10;\n"
                + "  mclt 30;\n"
                + "  " + balance + "\n"
                + "  load balance max seconds 3;\n"
                + extra
                + "}\n";
    }

    /** A primary's dhcpd.conf: global lines, the peer (hot standby unless said), one failover subnet 198.18.0.0/24. */
    static String conf(String global, String subnetBody, String poolBody) {
        return "authoritative;\n"
                + "ddns-update-style none;\n"
                + global
                + peer("split 256;", "")
                + "subnet 198.18.0.0 netmask 255.255.255.0 {\n"
                + subnetBody
                + "  pool {\n"
                + "    failover peer \"lab-fo\";\n"
                + "    deny dynamic bootp clients;\n"
                + poolBody
                + "    range 198.18.0.100 198.18.0.199;\n"
                + "  }\n"
                + "}\n";
    }

    static KeaMigrationPlan plan(String conf) {
        return DhcpdToKea.plan(conf, "lab-fo", KEA_A, KEA_B, HOOKS);
    }

    static JsonNode dhcp4(KeaMigrationPlan plan, String server) {
        try {
            return MAPPER.readTree(plan.dhcp4(server)).get("Dhcp4");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode dhcp4(KeaMigrationPlan plan) {
        return dhcp4(plan, KEA_A.name());
    }

    /** Every subnet4 entry, top level and in shared networks. */
    static List<JsonNode> subnets(JsonNode dhcp4) {
        List<JsonNode> out = new ArrayList<>();
        dhcp4.path("subnet4").forEach(out::add);
        dhcp4.path("shared-networks").forEach(n -> n.path("subnet4").forEach(out::add));
        return out;
    }

    static JsonNode subnet(JsonNode dhcp4, String cidr) {
        return subnets(dhcp4).stream().filter(s -> s.path("subnet").asText().equals(cidr)).findFirst()
                .orElseThrow(() -> new AssertionError("no subnet " + cidr + " in " + dhcp4));
    }

    /** The 1-based line of the first line of {@code text} containing {@code snippet}. */
    static int lineOf(String text, String snippet) {
        int at = text.indexOf(snippet);
        if (at < 0) {
            throw new AssertionError("no " + snippet);
        }
        return (int) text.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
    }
}
