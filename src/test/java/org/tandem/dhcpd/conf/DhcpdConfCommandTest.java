package org.tandem.dhcpd.conf;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandem.Main;
import picocli.CommandLine;

class DhcpdConfCommandTest {

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void check_corpusFile_exitsZero() {
        Run r = run("dhcpd-conf", "check", Corpus.dir().resolve("realworld-campus.conf").toString());

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("OK (").contains("renders back byte-identical");
    }

    @Test
    void check_brokenFile_printsFileLineColumnAndExitsOne() throws IOException {
        Path file = dir.resolve("broken.conf");
        Files.writeString(file, "authoritative;\nsubnet 10.0.0.0 netmask 255.0.0.0 {\n  option routers 10.0.0.1\n}\n");

        Run r = run("dhcpd-conf", "check", file.toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith(file + ":3:3: this statement is missing its ';'");
    }

    @Test
    void check_missingFile_exitsTwo() {
        Run r = run("dhcpd-conf", "check", dir.resolve("nope.conf").toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("no such file");
    }

    @Test
    void checkJson_printsTheModelView() throws IOException {
        Run r = run("dhcpd-conf", "check", "--json", Corpus.dir().resolve("failover-primary.conf").toString());

        assertThat(r.exit()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.at("/subnets/1/subnet").asText()).isEqualTo("198.18.1.0/24");
        assertThat(json.at("/subnets/1/pools/0/failoverPeer").asText()).isEqualTo("dhcp-fo");
        assertThat(json.at("/subnets/1/pools/0/ranges/1/first").asText()).isEqualTo("198.18.1.30");
        assertThat(json.at("/failoverPeers/0/role").asText()).isEqualTo("primary");
        assertThat(json.at("/failoverPeers/0/peerPort").asInt()).isEqualTo(847);
        assertThat(json.at("/failoverPeers/0/split").asInt()).isEqualTo(128);
    }
}
