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
        assertThat(s.reservations()).extracting(h -> h.name() + " " + h.mac() + " " + h.address())
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
                                   {"client-id": "01:02", "ip-address": "192.0.2.6"}]}]}}
                """;
        ImportedConfig c = ImportedConfig.fromKea(KeaConfig.fromJson(json.getBytes(StandardCharsets.UTF_8), Instant.EPOCH));
        ImportedConfig.Subnet s = c.subnets().get(0);
        assertThat(s.range().first().toString()).isEqualTo("192.0.2.0");
        assertThat(s.pools()).extracting(r -> r.first() + "-" + r.last()).containsExactly("192.0.2.10-192.0.2.99", "192.0.2.100-192.0.2.189");
        assertThat(s.reservations()).extracting(h -> h.name() + " " + h.mac()).containsExactly("cam aa:bb:cc:00:11:22");
        assertThat(c.skipped()).singleElement().asString().contains("reservation 2 of subnet id 7");
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
