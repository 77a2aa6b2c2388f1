package org.tandem.kea.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tandem.common.UserError;
import org.tandem.kea.config.KeaConfigPatch.AppendElement;
import org.tandem.kea.config.KeaConfigPatch.Element;
import org.tandem.kea.config.KeaConfigPatch.Key;
import org.tandem.kea.config.KeaConfigPatch.Member;
import org.tandem.kea.config.KeaConfigPatch.RemoveElement;
import org.tandem.kea.config.KeaConfigPatch.SetMember;

class KeaConfigPatchTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What config-get of Kea 2.2 prints for a file whose subnet inherits everything: the derived values pinned in. */
    private static final String CONFIG_GET = """
            {"Dhcp4": {"valid-lifetime": 600, "renew-timer": 300, "rebind-timer": 500,
              "subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "valid-lifetime": 600, "min-valid-lifetime": 600,
                "max-valid-lifetime": 600, "renew-timer": 300, "rebind-timer": 500, "t1-percent": 0.5, "t2-percent": 0.875,
                "calculate-tee-times": false, "store-extended-info": false,
                "pools": [{"pool": "192.0.2.10-192.0.2.99", "option-data": []}], "reservations": [], "option-data": []}]}}
            """;

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static ObjectNode subnet(JsonNode doc, int i) {
        return (ObjectNode) doc.get("Dhcp4").get("subnet4").get(i);
    }

    @Test
    void between_poolAddedToInheritingSubnet_touchesOnlyThePools() {
        JsonNode before = json(CONFIG_GET);
        JsonNode after = before.deepCopy();
        ((ArrayNode) subnet(after, 0).get("pools")).addObject().put("pool", "192.0.2.100 - 192.0.2.109");

        KeaConfigPatch p = KeaConfigPatch.between(before, after);

        assertThat(p.ops()).containsExactly(new AppendElement(
                List.of(new Member("Dhcp4"), new Member("subnet4"), new Element(new Key(Map.of("id", "1", "subnet", "192.0.2.0/24"))),
                        new Member("pools")), json("{\"pool\": \"192.0.2.100 - 192.0.2.109\"}")));
        assertThat(p.applyTo(before)).isEqualTo(after);
    }

    @Test
    void between_sameConfigs_isEmpty() {
        assertThat(KeaConfigPatch.between(CONFIG_GET, CONFIG_GET).isEmpty()).isTrue();
    }

    @Test
    void applyTo_fileWithoutDerivedValues_keepsThemInherited() {
        JsonNode before = json(CONFIG_GET);
        JsonNode after = before.deepCopy();
        subnet(after, 0).put("comment", "lab");
        JsonNode file = json("{\"Dhcp4\": {\"valid-lifetime\": 600, \"subnet4\": [{\"subnet\": \"192.0.2.0/24\", \"pools\": []}]}}");

        JsonNode patched = KeaConfigPatch.between(before, after).applyTo(file);

        assertThat(patched).isEqualTo(json("{\"Dhcp4\": {\"valid-lifetime\": 600, \"subnet4\": [{\"subnet\": \"192.0.2.0/24\", "
                + "\"pools\": [], \"comment\": \"lab\"}]}}"));
    }

    @Test
    void identity_subnetWithoutIdInFile_isFoundByCanonicalPrefix() {
        JsonNode before = json(CONFIG_GET);
        JsonNode after = before.deepCopy();
        ((ArrayNode) after.get("Dhcp4").get("subnet4")).remove(0);
        JsonNode file = json("{\"Dhcp4\": {\"subnet4\": [{\"subnet\": \"192.0.2.7/24\"}, {\"subnet\": \"198.51.100.0/24\"}]}}");

        assertThat(KeaConfigPatch.between(before, after).applyTo(file))
                .isEqualTo(json("{\"Dhcp4\": {\"subnet4\": [{\"subnet\": \"198.51.100.0/24\"}]}}"));
    }

    @Test
    void identity_poolsSpelledDifferently_areTheSamePool() {
        Map<String, String> dash = KeaConfigPatch.facetsOf("pools", json("{\"pool\": \"10.0.0.0 - 10.0.0.255\"}"), 0);
        Map<String, String> tight = KeaConfigPatch.facetsOf("pools", json("{\"pool\": \"10.0.0.0-10.0.0.255\"}"), 3);
        Map<String, String> cidr = KeaConfigPatch.facetsOf("pools", json("{\"pool\": \"10.0.0.0/24\"}"), 5);
        Key key = new Key(Map.of("pool", dash.get("pool")));

        assertThat(key.matches(tight)).isTrue();
        assertThat(key.matches(cidr)).isTrue();
        assertThat(key.matches(KeaConfigPatch.facetsOf("pools", json("{\"pool\": \"10.0.1.0/24\"}"), 0))).isFalse();
    }

    @Test
    void identity_reservationFlexIdAsQuotedText_equalsConfigGetHex() {
        JsonNode file = json("{\"flex-id\": \"'abc'\", \"ip-address\": \"192.0.2.5\"}");
        JsonNode configGet = json("{\"flex-id\": \"61:62:63\", \"ip-address\": \"192.0.2.5\"}");
        JsonNode hw1 = json("{\"hw-address\": \"AA:bb:CC:00:11:22\", \"ip-address\": \"192.0.2.6\"}");
        JsonNode hw2 = json("{\"hw-address\": \"aabbcc001122\", \"ip-address\": \"192.0.2.6\"}");

        assertThat(KeaConfigPatch.identityKey("reservations", configGet).matches(KeaConfigPatch.facetsOf("reservations", file, 0))).isTrue();
        assertThat(KeaConfigPatch.identityKey("reservations", hw1).matches(KeaConfigPatch.facetsOf("reservations", hw2, 9))).isTrue();
        assertThat(KeaConfigPatch.identityKey("reservations", hw1).matches(KeaConfigPatch.facetsOf("reservations", file, 0))).isFalse();
    }

    @Test
    void identity_optionDataByCodeInFile_matchesConfigGetWithNameAndCode() {
        Key fromConfigGet = KeaConfigPatch.identityKey("option-data", json("{\"name\": \"routers\", \"code\": 3, \"space\": \"dhcp4\", \"data\": \"x\"}"));
        assertThat(fromConfigGet.matches(KeaConfigPatch.facetsOf("option-data", json("{\"code\": 3, \"data\": \"x\"}"), 0))).isTrue();
        assertThat(fromConfigGet.matches(KeaConfigPatch.facetsOf("option-data", json("{\"name\": \"routers\"}"), 0))).isTrue();
        assertThat(fromConfigGet.matches(KeaConfigPatch.facetsOf("option-data", json("{\"name\": \"routers\", \"space\": \"x\"}"), 0))).isFalse();
    }

    @Test
    void identity_hooksLibraryByFileName() {
        Key k = KeaConfigPatch.identityKey("hooks-libraries", json("{\"library\": \"/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_ha.so\"}"));
        assertThat(k.matches(KeaConfigPatch.facetsOf("hooks-libraries", json("{\"library\": \"/opt/kea/libdhcp_ha.so\"}"), 1))).isTrue();
    }

    @Test
    void between_clientClassesReordered_replacesTheWholeList() {
        JsonNode before = json("{\"Dhcp4\": {\"client-classes\": [{\"name\": \"a\"}, {\"name\": \"b\"}]}}");
        JsonNode after = json("{\"Dhcp4\": {\"client-classes\": [{\"name\": \"b\"}, {\"name\": \"a\"}]}}");

        KeaConfigPatch p = KeaConfigPatch.between(before, after);

        assertThat(p.ops()).containsExactly(new SetMember(List.of(new Member("Dhcp4")), "client-classes", after.get("Dhcp4").get("client-classes")));
    }

    @Test
    void between_subnetPrefixChangesWithPool_laterOperationsFindTheSubnetInAFileWithoutIds() {
        JsonNode before = json("{\"Dhcp4\": {\"subnet4\": [{\"id\": 1, \"subnet\": \"10.0.0.0/24\", \"pools\": []}]}}");
        JsonNode after = json("{\"Dhcp4\": {\"subnet4\": [{\"id\": 1, \"subnet\": \"10.0.1.0/24\", \"pools\": [{\"pool\": \"10.0.1.5-10.0.1.9\"}]}]}}");
        JsonNode file = json("{\"Dhcp4\": {\"subnet4\": [{\"subnet\": \"10.0.0.0/24\"}]}}");

        assertThat(KeaConfigPatch.between(before, after).applyTo(file))
                .isEqualTo(json("{\"Dhcp4\": {\"subnet4\": [{\"subnet\": \"10.0.1.0/24\", \"pools\": [{\"pool\": \"10.0.1.5-10.0.1.9\"}]}]}}"));
    }

    @Test
    void applyTo_missingSubnet_isAConflictNamingThePath() {
        KeaConfigPatch p = new KeaConfigPatch(List.of(new RemoveElement(List.of(new Member("Dhcp4"), new Member("subnet4")),
                new Key(Map.of("id", "9")))));
        assertThatThrownBy(() -> p.applyTo(json(CONFIG_GET)))
                .isInstanceOfSatisfying(UserError.class, e -> assertThat(e.kind()).isEqualTo(UserError.Kind.CONFLICT))
                .hasMessageContaining("Dhcp4 > subnet4[id=9]");
    }

    @Test
    void json_roundTrip_givesTheSamePatch() {
        JsonNode before = json(CONFIG_GET);
        JsonNode after = before.deepCopy();
        subnet(after, 0).put("valid-lifetime", 900).remove("comment");
        ((ArrayNode) subnet(after, 0).get("pools")).remove(0);
        ((ArrayNode) after.get("Dhcp4").get("subnet4")).addObject().put("id", 2).put("subnet", "198.51.100.0/24");
        KeaConfigPatch p = KeaConfigPatch.between(before, after);

        KeaConfigPatch back = KeaConfigPatch.fromJson("patch", json(p.toJson().toString()));

        assertThat(back).isEqualTo(p);
        assertThat(back.applyTo(before)).isEqualTo(after);
    }

    @Test
    void fromJson_badOperation_namesTheField() {
        assertThatThrownBy(() -> KeaConfigPatch.fromJson("patch", json("[{\"op\": \"set\", \"path\": [\"Dhcp4\"], \"value\": 1}]")))
                .isInstanceOfSatisfying(UserError.class, e -> assertThat(e.field()).isEqualTo("patch[0].member"));
        assertThatThrownBy(() -> KeaConfigPatch.fromJson("patch", json("[{\"op\": \"move\", \"path\": []}]")))
                .isInstanceOfSatisfying(UserError.class, e -> assertThat(e.field()).isEqualTo("patch[0].op"));
        assertThatThrownBy(() -> KeaConfigPatch.fromJson("patch", json("[{\"op\": \"remove\", \"path\": [3], \"member\": \"a\"}]")))
                .isInstanceOfSatisfying(UserError.class, e -> assertThat(e.field()).isEqualTo("patch[0].path[0]"));
        assertThatThrownBy(() -> KeaConfigPatch.fromJson("patch", json("[{\"op\": \"remove\", \"path\": [], \"member\": \"a\", \"x\": 1}]")))
                .isInstanceOfSatisfying(UserError.class, e -> assertThat(e.field()).isEqualTo("patch[0].x"));
        assertThatThrownBy(() -> KeaConfigPatch.fromJson("patch", json("{}")))
                .isInstanceOfSatisfying(UserError.class, e -> assertThat(e.field()).isEqualTo("patch"));
    }

    @Test
    void property_randomEdits_patchOfBeforeAndAfterAppliedToBeforeYieldsAfter() {
        for (long seed = 1; seed <= 400; seed++) {
            Random r = new Random(seed);
            JsonNode before = KeaConfigs.generate(r);
            JsonNode after = KeaConfigs.edit(before, r, 1 + r.nextInt(6));
            KeaConfigPatch p = KeaConfigPatch.between(before, after);
            JsonNode again = KeaConfigPatch.fromJson("patch", p.toJson()).applyTo(before);
            assertThat(again).as("seed %d, patch %s", seed, p).isEqualTo(after);
        }
    }
}
