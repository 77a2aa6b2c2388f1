package org.tandem.dhcpd.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.tandem.common.UserError;
import org.tandem.dhcpd.conf.DhcpdConfModel.Role;
import org.tandem.net.Ipv4Range;

class DhcpdConfEditorTest {

    private static final Ipv4Range NET0 = Ipv4Range.parseCidr("s", "198.18.0.0/24");
    private static final Ipv4Range NET1 = Ipv4Range.parseCidr("s", "198.18.1.0/24");

    private static final String TWO_SCOPES = """
            # office
            authoritative;

            # first floor
            subnet 198.18.0.0 netmask 255.255.255.0 {
              option routers 198.18.0.1;
              pool {
                # the dynamic part
                range 198.18.0.100 198.18.0.199;
              }
            }

            subnet 198.18.1.0 netmask 255.255.255.0 {
              pool { range 198.18.1.10 198.18.1.20; }
            }
            """;

    static FailoverPeerSpec primary() {
        return FailoverPeerSpec.builder("fo1", Role.PRIMARY, "198.18.0.1", "198.18.0.2").peerPort(847).build();
    }

    private static void assertDhcpdAccepts(DhcpdConf conf) {
        RealDhcpd.Result r = RealDhcpd.syntaxCheck(conf.render());
        assertThat(r.ok()).as("dhcpd -t on:\n" + conf.render() + "\n---\n" + r.output()).isTrue();
    }

    @Test
    void enableFailover_primary_writesBlockAboveTheScopesCommentAndReferencesEveryPool() {
        DhcpdConf conf = DhcpdConf.parse(TWO_SCOPES);

        new DhcpdConfEditor(conf).enableFailover(NET0, primary());

        assertThat(conf.render()).isEqualTo("""
                # office
                authoritative;

                failover peer "fo1" {
                  primary;
                  address 198.18.0.1;
                  port 647;
                  peer address 198.18.0.2;
                  peer port 847;
                  max-response-delay 60;
                  max-unacked-updates 10;
                  mclt 3600;
                  split 128;
                  load balance max seconds 3;
                }

                # first floor
                subnet 198.18.0.0 netmask 255.255.255.0 {
                  option routers 198.18.0.1;
                  pool {
                    failover peer "fo1";
                    # the dynamic part
                    range 198.18.0.100 198.18.0.199;
                  }
                }

                subnet 198.18.1.0 netmask 255.255.255.0 {
                  pool { range 198.18.1.10 198.18.1.20; }
                }
                """);
        assertDhcpdAccepts(conf);
    }

    @Test
    void enableFailover_secondary_neverWritesMcltOrSplit() {
        DhcpdConf conf = DhcpdConf.parse(TWO_SCOPES);

        new DhcpdConfEditor(conf).enableFailover(NET1, primary().mirror());

        String out = conf.render();
        assertThat(out).contains("  secondary;\n  address 198.18.0.2;\n  port 847;\n  peer address 198.18.0.1;\n  peer port 647;\n")
                .doesNotContain("mclt").doesNotContain("split").doesNotContain("hba")
                .contains("pool { failover peer \"fo1\"; range 198.18.1.10 198.18.1.20; }");
        assertDhcpdAccepts(conf);
    }

    @Test
    void enableFailover_twoScopesThenDisableOne_keepsBlockUntilTheLastGoes() {
        DhcpdConf conf = DhcpdConf.parse(TWO_SCOPES);
        DhcpdConfEditor editor = new DhcpdConfEditor(conf);
        editor.enableFailover(NET0, primary());
        editor.enableFailover(NET1, primary());
        assertThat(conf.model().poolsReferencing("fo1")).hasSize(2);
        assertThat(conf.render()).containsOnlyOnce("failover peer \"fo1\" {");

        editor.disableFailover(NET0, "fo1");
        assertThat(conf.model().failoverPeer("fo1")).isPresent();
        assertDhcpdAccepts(conf);

        editor.disableFailover(NET1, "fo1");
        assertThat(conf.render()).isEqualTo(TWO_SCOPES).doesNotContain("no failover");
        assertDhcpdAccepts(conf);
    }

    @Test
    void updateFailoverPeer_changesOnlyTheChangedStatementsAndKeepsComments() {
        String text = Corpus.text("realworld-campus.conf");
        DhcpdConf conf = DhcpdConf.parse(text.replace("        mclt 1800;\n", "        mclt 1800;   # agreed with ops\n"));
        FailoverPeerSpec spec = FailoverPeerSpec.builder("campus-fo", Role.PRIMARY, "198.18.10.1", "198.18.10.2")
                .maxResponseDelay(30).mclt(900).percentage(25).autoPartnerDown(0).maxLeaseMisbalance(15)
                .maxLeaseOwnership(10).minBalance(60).maxBalance(3600).build();

        new DhcpdConfEditor(conf).updateFailoverPeer(spec);

        String expected = text.replace("        mclt 1800;\n", "        mclt 900;   # agreed with ops\n")
                .replace("split 128;", "split 64;");
        assertThat(conf.render()).isEqualTo(expected);
        assertDhcpdAccepts(conf);
    }

    @Test
    void updateFailoverPeer_primaryBecomesSecondary_dropsMcltAndSplit() {
        DhcpdConf conf = DhcpdConf.parse(Corpus.text("failover-primary.conf"));
        FailoverPeerSpec spec = FailoverPeerSpec.builder("dhcp-fo", Role.SECONDARY, "198.18.0.1", "198.18.0.2")
                .peerPort(847).build();

        new DhcpdConfEditor(conf).updateFailoverPeer(spec);

        DhcpdConfModel.FailoverPeer peer = conf.model().failoverPeer("dhcp-fo").orElseThrow();
        assertThat(peer.role()).isEqualTo(Role.SECONDARY);
        assertThat(peer.mclt()).isNull();
        assertThat(peer.split()).isNull();
        assertThat(conf.render()).contains("  secondary;\n  address 198.18.0.1;");
        assertDhcpdAccepts(conf);
    }

    @Test
    void enableFailover_peerDeclaredAfterFirstUse_movesBlockAboveIt() {
        String text = """
                subnet 198.18.0.0 netmask 255.255.255.0 {
                  pool { failover peer "fo1"; range 198.18.0.10 198.18.0.20; }
                }
                failover peer "fo1" { primary; address 198.18.0.1; peer address 198.18.0.2; mclt 60; split 128; }
                """;
        assertThat(RealDhcpd.syntaxCheck(text).ok()).isFalse();
        DhcpdConf conf = DhcpdConf.parse(text);

        new DhcpdConfEditor(conf).enableFailover(NET0, primary());

        assertThat(conf.render()).startsWith("failover peer \"fo1\" {");
        assertDhcpdAccepts(conf);
    }

    @Test
    void enableFailover_subnetInSharedNetworkWithCrlf_keepsCrlfAndIndentation() {
        String text = "shared-network \"lan\" {\r\n\tsubnet 198.18.0.0 netmask 255.255.255.0 {\r\n\t\tpool {\r\n"
                + "\t\t\trange 198.18.0.10 198.18.0.20;\r\n\t\t}\r\n\t}\r\n}\r\n";
        DhcpdConf conf = DhcpdConf.parse(text);

        new DhcpdConfEditor(conf).enableFailover(NET0, primary());

        String out = conf.render();
        assertThat(out.replace("\r\n", "")).doesNotContain("\n");
        assertThat(out).contains("\t\tpool {\r\n\t\t\tfailover peer \"fo1\";\r\n\t\t\trange")
                .startsWith("failover peer \"fo1\" {\r\n\tprimary;\r\n");
        assertDhcpdAccepts(conf);
    }

    @Test
    void enableFailover_dynamicBootpRangeInPool_isRefusedAndChangesNothing() {
        String text = "subnet 198.18.0.0 netmask 255.255.255.0 { pool { range dynamic-bootp 198.18.0.10 198.18.0.20; } }\n";
        DhcpdConf conf = DhcpdConf.parse(text);

        assertThatThrownBy(() -> new DhcpdConfEditor(conf).enableFailover(NET0, primary()))
                .isInstanceOf(UserError.class).hasMessageContaining("dynamic-bootp");
        assertThat(conf.render()).isEqualTo(text);
    }

    @Test
    void enableFailover_rangeOutsidePoolOrNoPoolOrOtherPeer_isRefused() {
        String outside = "subnet 198.18.0.0 netmask 255.255.255.0 { range 198.18.0.5; pool { range 198.18.0.10; } }\n";
        String noPool = "subnet 198.18.0.0 netmask 255.255.255.0 { option routers 198.18.0.1; }\n";
        String other = "failover peer \"x\" { primary; peer address 198.18.0.9; mclt 60; split 1; }\n"
                + "subnet 198.18.0.0 netmask 255.255.255.0 { pool { failover peer \"x\"; range 198.18.0.10; } }\n";
        for (String text : new String[] {outside, noPool, other}) {
            DhcpdConf conf = DhcpdConf.parse(text);
            assertThatThrownBy(() -> new DhcpdConfEditor(conf).enableFailover(NET0, primary()))
                    .isInstanceOfSatisfying(UserError.class, e -> assertThat(e.kind()).isEqualTo(UserError.Kind.CONFLICT));
            assertThat(conf.render()).isEqualTo(text);
        }
        DhcpdConf conf = DhcpdConf.parse(TWO_SCOPES);
        assertThatThrownBy(() -> new DhcpdConfEditor(conf).enableFailover(Ipv4Range.parseCidr("s", "10.0.0.0/8"), primary()))
                .isInstanceOfSatisfying(UserError.class, e -> assertThat(e.kind()).isEqualTo(UserError.Kind.NOT_FOUND));
    }

    @Test
    void splitForPercentage_roundsAndCapsAt255() {
        assertThat(FailoverPeerSpec.splitForPercentage(0)).isZero();
        assertThat(FailoverPeerSpec.splitForPercentage(50)).isEqualTo(128);
        assertThat(FailoverPeerSpec.splitForPercentage(33)).isEqualTo(84);
        assertThat(FailoverPeerSpec.splitForPercentage(100)).isEqualTo(255);
        assertThatThrownBy(() -> FailoverPeerSpec.splitForPercentage(101)).isInstanceOf(UserError.class)
                .hasMessageStartingWith("percentage:");
    }

    @Test
    void hbaInsteadOfSplit_isWrittenOnThePrimaryAndAcceptedByDhcpd() {
        DhcpdConf conf = DhcpdConf.parse(TWO_SCOPES);
        String hba = "ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00";

        new DhcpdConfEditor(conf).enableFailover(NET0,
                FailoverPeerSpec.builder("fo1", Role.PRIMARY, "198.18.0.1", "198.18.0.2").hba(hba).build());

        assertThat(conf.model().failoverPeer("fo1").orElseThrow().hba()).isEqualTo(hba);
        assertThat(conf.render()).doesNotContain("split");
        assertDhcpdAccepts(conf);
    }

    @Test
    void addSubnet_copiedFromPrimary_thenEnableFailover_givesTheSecondaryTheSameScope() {
        DhcpdConf primaryConf = DhcpdConf.parse(Corpus.text("realworld-campus.conf"));
        Ipv4Range voip = Ipv4Range.parseCidr("s", "10.20.0.0/24");
        String scope = new DhcpdConfEditor(primaryConf).subnetText(voip).orElseThrow();
        DhcpdConf secondary = DhcpdConf.parse(TWO_SCOPES);
        DhcpdConfEditor editor = new DhcpdConfEditor(secondary);
        FailoverPeerSpec spec = FailoverPeerSpec.builder("campus-fo", Role.SECONDARY, "198.18.10.2", "198.18.10.1").build();

        editor.addSubnet(scope, null);
        editor.enableFailover(voip, spec);

        assertThat(secondary.render()).startsWith(TWO_SCOPES + "\nfailover peer \"campus-fo\" {\n  secondary;\n")
                .endsWith("  load balance max seconds 3;\n}\n\n" + scope + "\n");
        assertThat(FailoverChecks.samePools(primaryConf.model(), secondary.model(), "campus-fo")
                .stream().filter(f -> f.message().contains("10.20.0.0"))).isEmpty();
        String classes = "class \"voip\" { match if substring(option vendor-class-identifier, 0, 4) = \"Cisc\"; }\n"
                + "option voip-tftp code 150 = array of ip-address;\n";
        RealDhcpd.Result r = RealDhcpd.syntaxCheck(classes + secondary.render());
        assertThat(r.ok()).as(r.output()).isTrue();
    }

    @Test
    void addSubnet_intoSharedNetwork_isIndentedLikeItsSubnets() {
        DhcpdConf conf = DhcpdConf.parse(Corpus.text("realworld-campus.conf"));

        new DhcpdConfEditor(conf).addSubnet("subnet 10.10.5.0 netmask 255.255.255.0 {\n    pool {\n        range 10.10.5.10 10.10.5.20;\n    }\n}", "vlan10");

        assertThat(conf.render()).contains("""
                            range 10.10.4.20 10.10.4.250;
                        }
                    }
                    subnet 10.10.5.0 netmask 255.255.255.0 {
                        pool {
                            range 10.10.5.10 10.10.5.20;
                        }
                    }
                }
                """);
        assertThat(conf.model().subnet(Ipv4Range.parseCidr("s", "10.10.5.0/24")).orElseThrow().sharedNetwork()).isEqualTo("vlan10");
    }

    @Test
    void addSubnet_overlappingOrNotOneSubnet_isRefused() {
        DhcpdConf conf = DhcpdConf.parse(TWO_SCOPES);
        DhcpdConfEditor editor = new DhcpdConfEditor(conf);

        assertThatThrownBy(() -> editor.addSubnet("subnet 198.18.0.0 netmask 255.255.0.0 { }", null))
                .isInstanceOfSatisfying(UserError.class, e -> assertThat(e.kind()).isEqualTo(UserError.Kind.CONFLICT));
        assertThatThrownBy(() -> editor.addSubnet("subnet 10.0.0.0 netmask 255.0.0.0 { } authoritative;", null))
                .isInstanceOf(UserError.class).hasMessageContaining("exactly one statement");
        assertThatThrownBy(() -> editor.addSubnet("host x { }", null))
                .isInstanceOf(UserError.class).hasMessageContaining("subnet");
        assertThat(conf.render()).isEqualTo(TWO_SCOPES);
    }

    @Test
    void removeSubnet_lastScopeOfRelationship_removesThePeerBlockToo() {
        DhcpdConf conf = DhcpdConf.parse(Corpus.text("failover-primary.conf"));
        DhcpdConfEditor editor = new DhcpdConfEditor(conf);

        editor.removeSubnet(NET0);
        assertThat(conf.model().failoverPeer("dhcp-fo")).isPresent();
        assertDhcpdAccepts(conf);
        editor.removeSubnet(NET1);

        assertThat(conf.render()).isEqualTo("# Primary of the failover pair \"dhcp-fo\".\nauthoritative;\nomapi-port 7911;\n");
        assertDhcpdAccepts(conf);
    }

    @Test
    void disableThenEnableSubnet_restoresTheExactBytes() {
        String text = Corpus.text("realworld-campus.conf");
        DhcpdConf conf = DhcpdConf.parse(text);
        DhcpdConfEditor editor = new DhcpdConfEditor(conf);
        Ipv4Range inShared = Ipv4Range.parseCidr("s", "10.10.4.0/24");
        Ipv4Range servers = Ipv4Range.parseCidr("s", "10.30.0.0/24");

        editor.disableSubnet(inShared);
        editor.disableSubnet(servers);

        assertThat(conf.render()).contains("    # tandem:disabled-subnet 10.10.4.0/24 ")
                .contains("\n    #subnet 10.10.4.0 netmask 255.255.255.0 {\n#        option routers 10.10.4.1;\n");
        assertThat(conf.model().subnets()).extracting(DhcpdConfModel.Subnet::range).doesNotContain(inShared, servers);
        assertThat(conf.model().disabledSubnets()).extracting(DhcpdConfModel.DisabledSubnet::range)
                .containsExactly(inShared, servers);
        assertDhcpdAccepts(conf);
        DhcpdConf reparsed = DhcpdConf.parse(conf.render());
        DhcpdConfEditor again = new DhcpdConfEditor(reparsed);

        again.enableSubnet(servers);
        again.enableSubnet(inShared);

        assertThat(reparsed.render()).isEqualTo(text);
    }

    @Test
    void disableSubnet_crlfFile_enableRestoresExactBytes() {
        String text = Corpus.text("crlf.conf");
        Ipv4Range net = Ipv4Range.parseCidr("s", "192.0.2.0/24");
        DhcpdConf conf = DhcpdConf.parse(text);
        new DhcpdConfEditor(conf).disableSubnet(net);
        assertThat(conf.render()).doesNotContain("failover peer \"win-fo\" {");
        assertThat(conf.render().replace("\r\n", "")).doesNotContain("\n");
        assertDhcpdAccepts(conf);

        // The peer block went with its last pool, so enabling must refuse rather than write a dangling reference.
        assertThatThrownBy(() -> new DhcpdConfEditor(conf).enableSubnet(net))
                .isInstanceOf(UserError.class).hasMessageContaining("win-fo");
    }

    @Test
    void removeSubnet_disabledSubnet_removesItsCommentedBlock() {
        DhcpdConf conf = DhcpdConf.parse(TWO_SCOPES);
        DhcpdConfEditor editor = new DhcpdConfEditor(conf);
        editor.disableSubnet(NET1);

        editor.removeSubnet(NET1);

        assertThat(conf.render()).doesNotContain("tandem:").doesNotContain("198.18.1.");
        assertThat(conf.model().disabledSubnets()).isEmpty();
        assertDhcpdAccepts(conf);
    }

    @Test
    void injection_peerNamesAndAddressesWithSyntax_areRefusedNamingTheField() {
        String[] names = {"fo\"; }", "a{b", "a;b", "a\nb", "a#b", "a b", "", "\\"};
        for (String name : names) {
            assertThatThrownBy(() -> FailoverPeerSpec.builder(name, Role.PRIMARY, "198.18.0.1", "198.18.0.2").build())
                    .isInstanceOfSatisfying(UserError.class, e -> assertThat(e.field()).isEqualTo("name"));
        }
        String[] addresses = {"198.18.0.1; }", "1.2.3.4\n", "host#x", "\"a\"", "300.1.1.1", "a{"};
        for (String address : addresses) {
            assertThatThrownBy(() -> FailoverPeerSpec.builder("fo", Role.PRIMARY, address, "198.18.0.2").build())
                    .isInstanceOfSatisfying(UserError.class, e -> assertThat(e.field()).isEqualTo("address"));
            assertThatThrownBy(() -> FailoverPeerSpec.builder("fo", Role.PRIMARY, "198.18.0.1", address).build())
                    .isInstanceOfSatisfying(UserError.class, e -> assertThat(e.field()).isEqualTo("peerAddress"));
        }
        assertThatThrownBy(() -> FailoverPeerSpec.builder("fo", Role.PRIMARY, "198.18.0.1", "198.18.0.2").port(0).build())
                .isInstanceOfSatisfying(UserError.class, e -> assertThat(e.field()).isEqualTo("port"));
        DhcpdConf conf = DhcpdConf.parse(TWO_SCOPES);
        assertThatThrownBy(() -> new DhcpdConfEditor(conf).disableFailover(NET0, "x\"; }"))
                .isInstanceOfSatisfying(UserError.class, e -> assertThat(e.field()).isEqualTo("peerName"));
        assertThatThrownBy(() -> new DhcpdConfEditor(conf).addSubnet("subnet 10.0.0.0 netmask 255.0.0.0 { } }", null))
                .isInstanceOf(UserError.class);
        assertThat(conf.render()).isEqualTo(TWO_SCOPES);
    }

    @Test
    void hostNameAddress_isAcceptedAndWrittenAsIs() {
        DhcpdConf conf = DhcpdConf.parse(TWO_SCOPES);

        new DhcpdConfEditor(conf).enableFailover(NET0,
                FailoverPeerSpec.builder("fo1", Role.PRIMARY, "dhcp1.example.org", "dhcp2.example.org").build());

        assertThat(conf.model().failoverPeer("fo1").orElseThrow().peerAddress()).isEqualTo("dhcp2.example.org");
        assertDhcpdAccepts(conf);
    }

    @Test
    void updateFailoverPeer_unknownPeer_isNotFoundAndChangesNothing() {
        DhcpdConf conf = DhcpdConf.parse(TWO_SCOPES);

        assertThatThrownBy(() -> new DhcpdConfEditor(conf).updateFailoverPeer(primary()))
                .isInstanceOfSatisfying(UserError.class, e -> assertThat(e.kind()).isEqualTo(UserError.Kind.NOT_FOUND));
        assertThat(conf.render()).isEqualTo(TWO_SCOPES);
    }

    @Test
    void disableFailover_lastPoolInSharedNetwork_removesBlockAndSharedNetworkReference() {
        String text = """
                shared-network "lan" {
                  failover peer "fo1" { primary; address 198.18.0.1; peer address 198.18.0.2; mclt 60; split 128; }
                  failover peer "fo1";
                  subnet 198.18.0.0 netmask 255.255.255.0 {
                    pool {
                      failover peer "fo1";
                      range 198.18.0.10 198.18.0.20;
                    }
                  }
                }
                """;
        assertThat(RealDhcpd.syntaxCheck(text).ok()).isTrue();
        DhcpdConf conf = DhcpdConf.parse(text);

        new DhcpdConfEditor(conf).disableFailover(NET0, "fo1");

        assertThat(conf.render()).isEqualTo("""
                shared-network "lan" {
                  subnet 198.18.0.0 netmask 255.255.255.0 {
                    pool {
                      range 198.18.0.10 198.18.0.20;
                    }
                  }
                }
                """);
        assertDhcpdAccepts(conf);
    }

    @Test
    void enableFailover_subnetInsideGroup_isFoundAndAcceptedByDhcpd() {
        String text = "group {\n  option routers 198.18.0.1;\n  subnet 198.18.0.0 netmask 255.255.255.0 {\n"
                + "    pool { range 198.18.0.10 198.18.0.20; }\n  }\n}\n";
        DhcpdConf conf = DhcpdConf.parse(text);

        new DhcpdConfEditor(conf).enableFailover(NET0, primary());

        assertThat(conf.model().poolsReferencing("fo1")).hasSize(1);
        assertThat(conf.render()).endsWith("\n\n" + text.replace("pool { range", "pool { failover peer \"fo1\"; range"));
        assertDhcpdAccepts(conf);
    }

    @Test
    void enableFailover_poolsOnlyAtSharedNetworkLevel_isRefusedWithAHint() {
        DhcpdConf conf = DhcpdConf.parse(Corpus.text("tricky.conf"));

        assertThatThrownBy(() -> new DhcpdConfEditor(conf).enableFailover(Ipv4Range.parseCidr("s", "203.0.113.0/25"), primary()))
                .isInstanceOf(UserError.class).hasMessageContaining("has no pool").hasMessageContaining("shared-network");
        assertThat(conf.render()).isEqualTo(Corpus.text("tricky.conf"));
    }

    // ---- pools and hosts (scope writes)

    @Test
    void addPoolAndHost_thenRemoveBoth_givesBackTheFileByteForByte() {
        DhcpdConf conf = DhcpdConf.parse(TWO_SCOPES);
        DhcpdConfEditor editor = new DhcpdConfEditor(conf);

        editor.addPool(NET0, Ipv4Range.parse("f", "198.18.0.20", "t", "198.18.0.29"), null);
        editor.addHost(NET0, "printer", "00:11:22:33:44:55", org.tandem.net.Ipv4Address.parse("a", "198.18.0.5"));

        assertThat(conf.render()).contains("""
                  pool {
                    range 198.18.0.20 198.18.0.29;
                  }
                  host printer {
                    hardware ethernet 00:11:22:33:44:55;
                    fixed-address 198.18.0.5;
                  }
                }""");
        assertDhcpdAccepts(conf);
        assertThat(editor.removePool(NET0, Ipv4Range.parse("f", "198.18.0.20", "t", "198.18.0.29"))).isTrue();
        assertThat(editor.removeHost("00:11:22:33:44:55", org.tandem.net.Ipv4Address.parse("a", "198.18.0.5"))).isTrue();
        assertThat(conf.render()).isEqualTo(TWO_SCOPES);
    }

    @Test
    void addPool_withPeer_namesItAndRemovingTheLastReferenceRemovesThePeerBlock() {
        DhcpdConf conf = DhcpdConf.parse(TWO_SCOPES);
        DhcpdConfEditor editor = new DhcpdConfEditor(conf);
        editor.enableFailover(NET1, primary());
        Ipv4Range extra = Ipv4Range.parse("f", "198.18.1.30", "t", "198.18.1.40");

        editor.addPool(NET1, extra, "fo1");
        assertThat(conf.render()).containsPattern("pool \\{\\s+failover peer \"fo1\";\\s+range 198.18.1.30 198.18.1.40;");
        assertDhcpdAccepts(conf);

        editor.removePool(NET1, extra);
        editor.removePool(NET1, Ipv4Range.parse("f", "198.18.1.10", "t", "198.18.1.20"));
        assertThat(conf.render()).doesNotContain("failover peer");
        assertDhcpdAccepts(conf);
    }

    @Test
    void addPoolOrHost_refusals_changeNothing() {
        DhcpdConf conf = DhcpdConf.parse(TWO_SCOPES);
        DhcpdConfEditor editor = new DhcpdConfEditor(conf);
        assertThatThrownBy(() -> editor.addPool(NET0, Ipv4Range.parse("f", "198.18.0.150", "t", "198.18.0.160"), null))
                .isInstanceOf(UserError.class).hasMessageContaining("overlaps the range 198.18.0.100-198.18.0.199");
        assertThatThrownBy(() -> editor.addHost(NET0, "a b", "00:11:22:33:44:55", org.tandem.net.Ipv4Address.parse("a", "198.18.0.5")))
                .isInstanceOf(UserError.class).hasMessageContaining("cannot name a dhcpd host");
        editor.addHost(NET0, "pc", "00:11:22:33:44:55", org.tandem.net.Ipv4Address.parse("a", "198.18.0.5"));
        String once = conf.render();
        assertThatThrownBy(() -> editor.addHost(NET1, "pc", "00:11:22:33:44:66", org.tandem.net.Ipv4Address.parse("a", "198.18.1.5")))
                .isInstanceOf(UserError.class).hasMessageContaining("A host named \"pc\" already exists");
        assertThat(conf.render()).isEqualTo(once);
    }

    @Test
    void modifyHost_changesOnlyTheStatementsAsked_keepingCommentsAndOtherStatements() {
        String text = TWO_SCOPES.replace("subnet 198.18.0.0 netmask 255.255.255.0 {", """
                host printer { # the second floor
                  hardware ethernet 00:11:22:33:44:55;
                  fixed-address 198.18.0.5;
                  option host-name "printer-2f";   # kept as it is
                  server-name "old.example.org";
                }
                subnet 198.18.0.0 netmask 255.255.255.0 {""");
        DhcpdConf conf = DhcpdConf.parse(text);
        DhcpdConfEditor editor = new DhcpdConfEditor(conf);
        java.util.Map<String, String> params = new java.util.LinkedHashMap<>();
        params.put("filename", "pxelinux.0");
        params.put("server-name", null);
        params.put("next-server", "198.18.0.2");
        assertThat(editor.modifyHost("00:11:22:33:44:55", org.tandem.net.Ipv4Address.parse("a", "198.18.0.5"), "printer-b", null,
                org.tandem.net.Ipv4Address.parse("a", "198.18.0.6"), params)).isTrue();
        String after = conf.render();
        assertThat(after).contains("""
                host printer-b { # the second floor
                  hardware ethernet 00:11:22:33:44:55;
                  fixed-address 198.18.0.6;
                  option host-name "printer-2f";   # kept as it is
                  filename "pxelinux.0";
                  next-server 198.18.0.2;
                }""");
        assertDhcpdAccepts(conf);
        assertThat(editor.modifyHost("00:11:22:33:44:99", org.tandem.net.Ipv4Address.parse("a", "198.18.0.6"), null, null, null,
                java.util.Map.of())).as("no such host").isFalse();
    }
}
