package org.tandem.dhcpd.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tandem.common.UserError;
import org.tandem.failover.ScopeOptionWrites;
import org.tandem.net.Ipv4Range;
import org.tandem.scope.DhcpOption;

/**
 * A scope's options in dhcpd.conf: set and removed as {@code option} statements of the subnet itself, in place, every
 * other statement (options Tandem does not model, pools, hosts, comments) kept byte for byte; hostile values are refused
 * naming the field, or written so that the real {@code dhcpd -t} accepts the file and the value reads back unchanged.
 */
class SubnetOptionsTest {

    private static final Ipv4Range NET = Ipv4Range.parseCidr("s", "198.18.0.0/24");
    private static final String CONF = """
            option domain-name "global.example";
            option wpad-url code 252 = text;
            subnet 198.18.0.0 netmask 255.255.255.0 {
              # the lab's gateway
              option routers 198.18.0.1;
              option wpad-url "http://wpad.example/wpad.dat";   # not modelled: stays
              option domain-name "old.example";
              default-lease-time 600;
              pool {
                option domain-name-servers 198.18.0.9;
                range 198.18.0.100 198.18.0.199;
              }
              host printer { hardware ethernet 00:11:22:33:44:55; fixed-address 198.18.0.5; }
            }
            subnet 198.18.1.0 netmask 255.255.255.0 {
              option routers 198.18.1.1;
            }
            """;

    private static DhcpOption.Value value(int code, String text) {
        return DhcpOption.byCode(code).orElseThrow().parse("dhcpOptions[0].value", text);
    }

    @Test
    void setAndRemove_editsOnlyTheSubnetsOwnStatements_unmodelledOptionsPoolsHostsAndCommentsStay() {
        DhcpdConf conf = DhcpdConf.parse(CONF);
        DhcpdConfEditor e = new DhcpdConfEditor(conf);
        e.setSubnetOption(NET, "routers", ScopeOptionWrites.toDhcpd(value(3, "192.0.2.1")));
        e.setSubnetOption(NET, "domain-name-servers", ScopeOptionWrites.toDhcpd(value(6, "192.0.2.53, 192.0.2.54")));
        e.removeSubnetOption(NET, "domain-name");
        assertThat(conf.render()).isEqualTo("""
                option domain-name "global.example";
                option wpad-url code 252 = text;
                subnet 198.18.0.0 netmask 255.255.255.0 {
                  # the lab's gateway
                  option routers 192.0.2.1;
                  option wpad-url "http://wpad.example/wpad.dat";   # not modelled: stays
                  option domain-name-servers 192.0.2.53, 192.0.2.54;
                  default-lease-time 600;
                  pool {
                    option domain-name-servers 198.18.0.9;
                    range 198.18.0.100 198.18.0.199;
                  }
                  host printer { hardware ethernet 00:11:22:33:44:55; fixed-address 198.18.0.5; }
                }
                subnet 198.18.1.0 netmask 255.255.255.0 {
                  option routers 198.18.1.1;
                }
                """);
        List<ScopeOptionWrites.Shown> shown = e.subnetOptions(NET).stream().map(ScopeOptionWrites::fromDhcpd).toList();
        assertThat(shown).containsExactly(new ScopeOptionWrites.Shown("::3", "192.0.2.1"),
                new ScopeOptionWrites.Shown("wpad-url", "\"http://wpad.example/wpad.dat\""),
                new ScopeOptionWrites.Shown("::6", "192.0.2.53,192.0.2.54"));
        RealDhcpd.requireInstalled();
        RealDhcpd.Result r = RealDhcpd.syntaxCheck(conf.render());
        assertThat(r.ok()).as(r.output()).isTrue();
    }

    @Test
    void setOnSubnetWithoutOptions_opensTheSubnet_andASecondStatementForTheSameOptionGoes() {
        DhcpdConf conf = DhcpdConf.parse("""
                subnet 198.18.0.0 netmask 255.255.255.0 {
                  pool { range 198.18.0.10 198.18.0.20; }
                }
                subnet 198.18.1.0 netmask 255.255.255.0 {
                  option ntp-servers 198.18.1.1;
                  option ntp-servers 198.18.1.2;
                }
                """);
        DhcpdConfEditor e = new DhcpdConfEditor(conf);
        e.setSubnetOption(NET, "domain-name", ScopeOptionWrites.toDhcpd(value(15, "lab.example")));
        e.setSubnetOption(NET, "bootfile-name", ScopeOptionWrites.toDhcpd(value(67, "pxelinux.0")));
        e.setSubnetOption(Ipv4Range.parseCidr("s", "198.18.1.0/24"), "ntp-servers", ScopeOptionWrites.toDhcpd(value(42, "192.0.2.123")));
        assertThat(conf.render()).isEqualTo("""
                subnet 198.18.0.0 netmask 255.255.255.0 {
                  option domain-name "lab.example";
                  option bootfile-name "pxelinux.0";
                  pool { range 198.18.0.10 198.18.0.20; }
                }
                subnet 198.18.1.0 netmask 255.255.255.0 {
                  option ntp-servers 192.0.2.123;
                }
                """);
    }

    @Test
    void hostileValues_refusedNamingTheField_orWrittenSoDhcpdAcceptsThemAndTheyReadBackUnchanged() {
        RealDhcpd.requireInstalled();
        List<String> payloads = InjectionPayloads.all();
        int accepted = 0;
        for (int code : List.of(3, 15, 66, 119, 26, 19)) {
            DhcpOption option = DhcpOption.byCode(code).orElseThrow();
            for (String p : payloads) {
                DhcpOption.Value v;
                try {
                    v = option.parse("dhcpOptions[0].value", p);
                } catch (UserError refused) {
                    assertThat(refused.field()).as("%s on %s", refused.getMessage(), p).isEqualTo("dhcpOptions[0].value");
                    assertThat(refused.getMessage()).contains("option " + code);
                    continue;
                }
                DhcpdConf conf = DhcpdConf.parse(CONF);
                DhcpdConfEditor e = new DhcpdConfEditor(conf);
                e.setSubnetOption(NET, option.dhcpdName(), ScopeOptionWrites.toDhcpd(v));
                String text = conf.render();
                RealDhcpd.Result r = RealDhcpd.syntaxCheck(text);
                assertThat(r.ok()).as("dhcpd -t on:\n%s\n---\n%s", text, r.output()).isTrue();
                DhcpdConfEditor back = new DhcpdConfEditor(DhcpdConf.parse(text));
                assertThat(back.subnetOptions(NET).stream().map(ScopeOptionWrites::fromDhcpd))
                        .contains(new ScopeOptionWrites.Shown(option.micetroId(), v.toMicetro()));
                assertThat(DhcpdConf.parse(text).model().subnets()).hasSize(2);
                accepted++;
            }
        }
        assertThat(accepted).isPositive();
    }

    @Test
    void optionNames_hostileOrWithClasses_refusedNamingTheField() {
        for (String name : List.of("routers; }", "3\n4", "vendor:user:3", "::999", "", "a\"b", "option routers 1.2.3.4")) {
            assertThatThrownBy(() -> DhcpOption.parseName("dhcpOptions[1].option", name)).isInstanceOfSatisfying(UserError.class,
                    e -> assertThat(e.field()).isEqualTo("dhcpOptions[1].option"));
        }
        assertThat(DhcpOption.parseName("f", "::3").known()).contains(DhcpOption.byCode(3).orElseThrow());
        assertThat(DhcpOption.parseName("f", "003").known()).contains(DhcpOption.byCode(3).orElseThrow());
        assertThat(DhcpOption.parseName("f", "Routers").known()).contains(DhcpOption.byCode(3).orElseThrow());
        assertThat(DhcpOption.parseName("f", "boot-file-name").known()).contains(DhcpOption.byCode(67).orElseThrow());
        assertThat(DhcpOption.parseName("f", "wpad-url").known()).isEmpty();
        assertThatThrownBy(() -> new DhcpdConfEditor(DhcpdConf.parse(CONF)).setSubnetOption(NET, "routers", "1.2.3.4; deny unknown-clients"))
                .isInstanceOf(UserError.class);
    }
}
