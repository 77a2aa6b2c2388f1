package org.tandem.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.tandem.dhcpd.conf.DhcpdConf;
import org.tandem.kea.config.KeaConfig;

class ImportedConfigTest {

    @Test
    void fromDhcpd_poolsSubnetRangesAndHosts_becomeScopeContents() {
        ImportedConfig c = ImportedConfig.fromDhcpd(DhcpdConf.parse("""
                subnet 10.0.0.0 netmask 255.255.255.0 {
                  range 10.0.0.5 10.0.0.9;
                  pool { failover peer "fo"; range 10.0.0.100 10.0.0.149; range 10.0.0.150 10.0.0.199; }
                  host printer { hardware ethernet 00:11:22:AA:BB:CC; fixed-address 10.0.0.20; }
                  host byname { hardware ethernet 00:11:22:aa:bb:cd; fixed-address printer.example.com; }
                }
                host top { hardware ethernet 00-11-22-aa-bb-ce; fixed-address 10.0.0.21; }
                host nowhere { hardware ethernet 00:11:22:aa:bb:cf; fixed-address 192.168.9.9; }
                """).model());
        assertThat(c.subnets()).hasSize(1);
        ImportedConfig.Subnet s = c.subnets().get(0);
        assertThat(s.pools()).extracting(r -> r.first() + "-" + r.last())
                .containsExactly("10.0.0.100-10.0.0.149", "10.0.0.150-10.0.0.199", "10.0.0.5-10.0.0.9");
        assertThat(s.reservations()).extracting(h -> h.name() + " " + h.identifier() + " " + h.address())
                .containsExactly("printer 00:11:22:aa:bb:cc 10.0.0.20", "top 00:11:22:aa:bb:ce 10.0.0.21");
        assertThat(c.skipped()).hasSize(2);
        assertThat(c.skipped().get(0)).contains("byname").contains("line 5");
        assertThat(c.skipped().get(1)).contains("nowhere").contains("no subnet holds");
    }

    @Test
    void fromKea_subnetsPoolsAndReservations_haClassesDropped() {
        String json = """
                {"Dhcp4": {"subnet4": [{"id": 7, "subnet": "192.0.2.0/24",
                  "pools": [{"pool": "192.0.2.10 - 192.0.2.99", "client-class": "HA_server1"}, {"pool": "192.0.2.100-192.0.2.189"}],
                  "reservations": [{"hw-address": "AA:BB:CC:00:11:22", "ip-address": "192.0.2.5", "hostname": "cam"},
                                   {"client-id": "01:02", "ip-address": "192.0.2.6"},
                                   {"duid": "0A0B0C0D", "ip-address": "192.0.2.7"},
                                   {"circuit-id": "'charter950'", "ip-address": "192.0.2.8"},
                                   {"flex-id": "'s0mEVaLue'", "ip-address": "192.0.2.9"},
                                   {"hw-address": "aa:bb:cc:00:11:33", "ip-address": "10.9.9.9"},
                                   {"ip-address": "192.0.2.11", "hostname": "no-identifier"}]}]}}
                """;
        ImportedConfig c = ImportedConfig.fromKea(KeaConfig.fromJson(json.getBytes(StandardCharsets.UTF_8), Instant.EPOCH));
        ImportedConfig.Subnet s = c.subnets().get(0);
        assertThat(s.range().first().toString()).isEqualTo("192.0.2.0");
        assertThat(s.pools()).extracting(r -> r.first() + "-" + r.last()).containsExactly("192.0.2.10-192.0.2.99", "192.0.2.100-192.0.2.189");
        assertThat(s.reservations()).extracting(h -> h.name() + " " + h.method() + " " + h.identifier()).containsExactly(
                "cam HardwareAddress aa:bb:cc:00:11:22", "kea-7-192.0.2.6 ClientIdentifier 01:02", "kea-7-192.0.2.7 DUID 0a:0b:0c:0d",
                "kea-7-192.0.2.8 CircuitId 63:68:61:72:74:65:72:39:35:30", "kea-7-192.0.2.9 FlexId 73:30:6d:45:56:61:4c:75:65");
        assertThat(c.skipped()).hasSize(2);
        assertThat(c.skipped().get(0)).contains("reservation 6 of subnet 192.0.2.0/24 (id 7)").contains("hw-address aa:bb:cc:00:11:33")
                .contains("inside the subnet");
        assertThat(c.skipped().get(1)).contains("reservation 7 of subnet 192.0.2.0/24 (id 7)").contains("none of hw-address");
    }

    @Test
    void fromKea_subnetTandemDisabled_isListedDisabledAndEnablingGivesItsPoolsBack() {
        String json = """
                {"Dhcp4": {"subnet4": [{"id": 7, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10 - 192.0.2.99"}]},
                                       {"id": 8, "subnet": "192.0.3.0/24", "pools": [{"pool": "192.0.3.10 - 192.0.3.99"}]}]}}
                """;
        KeaConfig running = KeaConfig.fromJson(json.getBytes(StandardCharsets.UTF_8), Instant.EPOCH);
        var doc = running.edit();
        doc.disableSubnet(org.tandem.net.Ipv4Range.parseCidr("s", "192.0.3.0/24"));
        ImportedConfig c = ImportedConfig.fromKea(KeaConfig.fromJson(doc.toBytes(), Instant.EPOCH));
        assertThat(c.subnets()).extracting(x -> x.range().toString()).containsExactly("192.0.2.0/24");
        assertThat(c.disabled()).extracting(Object::toString).containsExactly("192.0.3.0/24");

        doc.enableSubnet(org.tandem.net.Ipv4Range.parseCidr("s", "192.0.3.0/24"));
        assertThat(KeaConfig.fromJson(doc.toBytes(), Instant.EPOCH).subnets()).isEqualTo(running.subnets());
    }
}
