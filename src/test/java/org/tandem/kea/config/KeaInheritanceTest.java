package org.tandem.kea.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What config-get prints into subnets (values Kea 2.2 derived) is sent back inherited, not pinned. */
class KeaInheritanceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** As Kea 2.2's config-get printed a config whose only explicit lifetime was the global one (and the network's 5000). */
    private static final String READ = """
            {"Dhcp4": {"valid-lifetime": 4000, "renew-timer": 1000, "t1-percent": 0.5, "calculate-tee-times": false,
              "subnet4": [
                {"id": 1, "subnet": "192.0.2.0/24", "valid-lifetime": 4000, "min-valid-lifetime": 4000, "max-valid-lifetime": 4000,
                 "renew-timer": 1000, "t1-percent": 0.5, "calculate-tee-times": false, "pools": []},
                {"id": 2, "subnet": "192.0.3.0/24", "valid-lifetime": 600, "min-valid-lifetime": 600, "max-valid-lifetime": 600,
                 "renew-timer": 1000, "t1-percent": 0.5, "calculate-tee-times": false}],
              "shared-networks": [{"name": "net", "valid-lifetime": 5000, "min-valid-lifetime": 5000, "max-valid-lifetime": 5000,
                "renew-timer": 1000, "t1-percent": 0.5, "calculate-tee-times": false,
                "subnet4": [{"id": 3, "subnet": "198.51.100.0/24", "valid-lifetime": 5000, "min-valid-lifetime": 5000,
                  "max-valid-lifetime": 5000, "renew-timer": 1000, "t1-percent": 0.5, "calculate-tee-times": false}]}]}}""";

    private static KeaConfigDocument doc(String json) {
        return KeaConfig.fromJson(json.getBytes(StandardCharsets.UTF_8), Instant.EPOCH).edit();
    }

    private static JsonNode sent(KeaConfigDocument planned) throws Exception {
        return JSON.readTree(KeaInheritance.unpinned(planned, doc(READ)).toBytes()).path("Dhcp4");
    }

    @Test
    void unchangedConfig_inheritedValuesLeaveSubnetsAndNetworks_explicitOnesStay() throws Exception {
        JsonNode d = sent(doc(READ));
        JsonNode first = d.path("subnet4").get(0);
        assertThat(first.has("valid-lifetime")).isFalse();
        assertThat(first.has("min-valid-lifetime")).as("min defaults to the parent's valid-lifetime").isFalse();
        assertThat(first.has("renew-timer")).isFalse();
        assertThat(first.has("t1-percent")).isFalse();
        assertThat(first.has("calculate-tee-times")).isFalse();
        JsonNode second = d.path("subnet4").get(1);
        assertThat(second.path("valid-lifetime").asInt()).as("a subnet's own value stays").isEqualTo(600);
        assertThat(second.has("renew-timer")).isFalse();
        JsonNode net = d.path("shared-networks").get(0);
        assertThat(net.path("valid-lifetime").asInt()).isEqualTo(5000);
        assertThat(net.has("renew-timer")).isFalse();
        JsonNode inNet = net.path("subnet4").get(0);
        assertThat(inNet.has("valid-lifetime")).as("inherited from its network").isFalse();
        assertThat(inNet.has("renew-timer")).as("inherited from the global, through its network").isFalse();
        assertThat(d.path("valid-lifetime").asInt()).as("global values are explicit").isEqualTo(4000);
    }

    @Test
    void globalRaised_subnetsThatInheritedFollowIt_butAValueTheChangeSetsStays() throws Exception {
        KeaConfigDocument planned = doc(READ.replace("{\"Dhcp4\": {\"valid-lifetime\": 4000", "{\"Dhcp4\": {\"valid-lifetime\": 7200")
                .replace("\"id\": 2, \"subnet\": \"192.0.3.0/24\", \"valid-lifetime\": 600", "\"id\": 2, \"subnet\": \"192.0.3.0/24\", \"valid-lifetime\": 4000"));
        JsonNode d = sent(planned);
        assertThat(d.path("valid-lifetime").asInt()).isEqualTo(7200);
        assertThat(d.path("subnet4").get(0).has("valid-lifetime")).as("inherited 4000 at the read: follows 7200 now").isFalse();
        assertThat(d.path("subnet4").get(1).path("valid-lifetime").asInt()).as("set by this change, though equal to the old global")
                .isEqualTo(4000);
    }

    @Test
    void newSubnet_withTheParentsValue_inheritsIt() throws Exception {
        KeaConfigDocument planned = doc(READ);
        planned.addSubnet(KeaSubnet.of(9, org.tandem.net.Ipv4Range.parseCidr("s", "203.0.113.0/24"), java.util.List.of()));
        JsonNode d = sent(planned);
        assertThat(d.path("subnet4").get(2).path("id").asInt()).isEqualTo(9);
        assertThat(d.path("subnet4").get(2).has("valid-lifetime")).isFalse();
    }
}
