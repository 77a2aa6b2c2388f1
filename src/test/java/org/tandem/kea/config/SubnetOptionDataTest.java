package org.tandem.kea.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tandem.common.UserError;
import org.tandem.dhcpd.conf.InjectionPayloads;
import org.tandem.failover.ScopeOptionWrites;
import org.tandem.net.Ipv4Range;
import org.tandem.scope.DhcpOption;

/**
 * A scope's options in Kea: the subnet's {@code option-data} elements are edited one by one (data only, every other key
 * of an element kept), options Tandem does not model and every other key of the config stay; hostile values are refused
 * naming the field or stay one JSON string.
 */
class SubnetOptionDataTest {

    private static final Ipv4Range NET = Ipv4Range.parseCidr("s", "198.18.0.0/24");
    private static final String CONFIG = """
            {"Dhcp4": {
              "option-data": [{"name": "domain-name-servers", "data": "198.18.9.9"}],
              "subnet4": [
                {"id": 1, "subnet": "198.18.0.0/24", "pools": [{"pool": "198.18.0.100 - 198.18.0.199"}],
                 "option-data": [
                   {"name": "routers", "code": 3, "space": "dhcp4", "csv-format": true, "always-send": true, "data": "198.18.0.1",
                    "user-context": {"note": "gateway"}},
                   {"name": "vendor-thing", "code": 222, "space": "vendor-x", "data": "ab:cd", "csv-format": false},
                   {"code": 252, "data": "http://wpad.example/wpad.dat"},
                   {"name": "domain-name", "code": 15, "space": "dhcp4", "data": "old.example"},
                   {"name": "ntp-servers", "code": 42, "csv-format": false, "data": "C0000201"}
                 ],
                 "user-context": {"site": "lab"}},
                {"id": 2, "subnet": "198.18.1.0/24", "option-data": [{"name": "routers", "data": "198.18.1.1"}]}
              ]}}
            """;

    private static KeaConfigDocument doc() {
        return KeaConfigDocument.parse(CONFIG.getBytes(StandardCharsets.UTF_8));
    }

    private static DhcpOption.Value value(int code, String text) {
        return DhcpOption.byCode(code).orElseThrow().parse("dhcpOptions[0].value", text);
    }

    private static ArrayNode options(KeaConfigDocument d, int subnet) {
        return (ArrayNode) d.dhcp4().get("subnet4").get(subnet).get("option-data");
    }

    @Test
    void setAndRemove_changeOnlyTheElementsNamed_everyOtherKeyAndOptionStays() {
        KeaConfigDocument d = doc();
        d.setSubnetOption(NET, "routers", 3, ScopeOptionWrites.toKea(value(3, "192.0.2.1")));
        d.setSubnetOption(NET, "domain-name-servers", 6, ScopeOptionWrites.toKea(value(6, "192.0.2.53,192.0.2.54")));
        d.setSubnetOption(NET, "ntp-servers", 42, ScopeOptionWrites.toKea(value(42, "192.0.2.123")));
        d.removeSubnetOption(NET, "domain-name", 15, "dhcp4");

        KeaConfigDocument expected = doc();
        ArrayNode want = options(expected, 0);
        ((ObjectNode) want.get(0)).put("data", "192.0.2.1");
        ((ObjectNode) want.get(4)).put("csv-format", true).put("data", "192.0.2.123");
        want.remove(3);
        want.addObject().put("name", "domain-name-servers").put("code", 6).put("space", "dhcp4").put("data", "192.0.2.53, 192.0.2.54");
        assertThat(d.toPrettyString()).isEqualTo(expected.toPrettyString());

        List<ScopeOptionWrites.Shown> shown = d.subnetOptions(NET).stream().map(ScopeOptionWrites::fromKea).toList();
        assertThat(shown).containsExactly(new ScopeOptionWrites.Shown("::3", "192.0.2.1"),
                new ScopeOptionWrites.Shown("vendor-x.vendor-thing", "ab:cd"),
                new ScopeOptionWrites.Shown("::252", "http://wpad.example/wpad.dat"),
                new ScopeOptionWrites.Shown("::42", "192.0.2.123"),
                new ScopeOptionWrites.Shown("::6", "192.0.2.53,192.0.2.54"));
    }

    @Test
    void removeByCodeOfAnUnmodelledOption_removesOnlyThatElement() {
        KeaConfigDocument d = doc();
        assertThat(d.removeSubnetOption(NET, null, 252, "dhcp4")).isEqualTo(1);
        assertThat(d.subnetOptions(NET)).extracting(KeaConfigDocument.OptionData::code).containsExactly(3, 222, 15, 42);
        assertThat(options(d, 1)).hasSize(1);
    }

    @Test
    void hostileValues_refusedNamingTheField_orKeptAsOneJsonString() {
        for (int code : List.of(3, 15, 66, 119, 51, 19)) {
            DhcpOption option = DhcpOption.byCode(code).orElseThrow();
            for (String p : InjectionPayloads.all()) {
                DhcpOption.Value v;
                try {
                    v = option.parse("dhcpOptions[2].value", p);
                } catch (UserError refused) {
                    assertThat(refused.field()).isEqualTo("dhcpOptions[2].value");
                    continue;
                }
                KeaConfigDocument d = doc();
                d.setSubnetOption(NET, option.keaName(), code, ScopeOptionWrites.toKea(v));
                KeaConfigDocument back = KeaConfigDocument.parse(d.toBytes());
                assertThat(back.subnets()).hasSize(2);
                JsonNode routers = options(back, 0);
                assertThat(back.subnetOptions(NET).stream().map(ScopeOptionWrites::fromKea))
                        .contains(new ScopeOptionWrites.Shown(option.micetroId(), v.toMicetro()));
                assertThat(routers.size()).isBetween(5, 6);
            }
        }
    }
}
