package org.tandem.dhcpd.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DhcpdConfParserTest {

    static Stream<Path> corpus() {
        return Corpus.files().stream();
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void parseRender_corpusFile_givesBackIdenticalBytes(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);

        assertThat(DhcpdConf.parse(bytes).renderBytes()).isEqualTo(bytes);
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void corpusFile_isAcceptedByRealDhcpd(Path file) throws IOException {
        RealDhcpd.Result r = RealDhcpd.syntaxCheck(Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1),
                Corpus.includeTarget());

        assertThat(r.ok()).as(r.output()).isTrue();
    }

    @Test
    void parse_trickyConstructs_keepsRecordBracesInsideOptionAndKeySemicolonInBlock() {
        DhcpdConf conf = DhcpdConf.parse(Corpus.text("tricky.conf"));
        List<Statement> top = conf.statements();

        Statement record = top.stream().filter(s -> s.words().contains("my-pair")).findFirst().orElseThrow();
        assertThat(record.isBlock()).isFalse();
        assertThat(record.text()).isEqualTo("option my-pair code 250 = { ip-address, unsigned integer 16 };");
        Statement key = top.stream().filter(s -> s.keyword().equals("key")).findFirst().orElseThrow();
        assertThat(key.isBlock()).isTrue();
        assertThat(key.text()).endsWith("};");
        assertThat(top).extracting(Statement::keyword).contains("if", "elsif", "else", "on", "switch", "define", "zone",
                "class", "subclass", "group", "shared-network", "include");
        Statement multiLine = top.stream().filter(s -> s.words().contains("motd") && s.words().size() == 3)
                .findFirst().orElseThrow();
        assertThat(multiLine.words().get(2)).isEqualTo("\"first line\nsecond line; with { braces } and # no comment\"");
    }

    @Test
    void parse_keywordsInAnyCase_areRecognised() {
        DhcpdConf conf = DhcpdConf.parse("SUBNET 10.0.0.0 NetMask 255.0.0.0 { Pool { RANGE 10.0.0.1 10.0.0.9; } }\n");

        assertThat(conf.model().subnets()).hasSize(1);
        assertThat(conf.model().subnets().get(0).pools().get(0).ranges()).hasSize(1);
    }

    @Test
    void parse_unclosedString_pointsAtTheOpeningQuote() {
        assertThatThrownBy(() -> DhcpdConf.parse("a 1;\noption domain-name \"oops;\n"))
                .isInstanceOfSatisfying(DhcpdConfParseException.class, e -> {
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.column()).isEqualTo(20);
                    assertThat(e.problem()).contains("string is never closed");
                });
    }

    @Test
    void parse_missingSemicolonBeforeBrace_namesTheStatement() {
        assertThatThrownBy(() -> DhcpdConf.parse("subnet 10.0.0.0 netmask 255.0.0.0 {\n  option routers 10.0.0.1\n}\n"))
                .isInstanceOfSatisfying(DhcpdConfParseException.class, e -> {
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.column()).isEqualTo(3);
                    assertThat(e.problem()).contains("missing its ';'").contains("line 3");
                });
    }

    @Test
    void parse_unclosedBlock_pointsAtItsBrace() {
        assertThatThrownBy(() -> DhcpdConf.parse("# x\npool {\n  range 10.0.0.1;\n"))
                .isInstanceOfSatisfying(DhcpdConfParseException.class, e -> {
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.column()).isEqualTo(6);
                    assertThat(e.problem()).contains("never closed");
                });
    }

    @Test
    void parse_strayClosingBrace_isRefused() {
        assertThatThrownBy(() -> DhcpdConf.parse("a;\n}\n"))
                .isInstanceOfSatisfying(DhcpdConfParseException.class, e -> {
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.column()).isEqualTo(1);
                });
    }

    @Test
    void parse_semicolonAfterPoolBlock_isRefusedLikeDhcpd() {
        String conf = "subnet 10.0.0.0 netmask 255.0.0.0 { pool { range 10.0.0.1; }; }\n";

        assertThatThrownBy(() -> DhcpdConf.parse(conf))
                .isInstanceOfSatisfying(DhcpdConfParseException.class, e -> assertThat(e.column()).isEqualTo(61));
        assertThat(RealDhcpd.syntaxCheck(conf).ok()).isFalse();
    }

    @Test
    void parse_statementWithoutEnd_isRefused() {
        assertThatThrownBy(() -> DhcpdConf.parse("authoritative;\nddns-update-style none"))
                .isInstanceOfSatisfying(DhcpdConfParseException.class, e -> {
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.problem()).contains("never ends");
                });
    }

    @Test
    void parse_emptyInputAndOnlyComments_renderBack() {
        assertThat(DhcpdConf.parse("").render()).isEmpty();
        assertThat(DhcpdConf.parse("# only\n  # comments").render()).isEqualTo("# only\n  # comments");
    }
}
