package org.tandem.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the client commands print for a write's answer, and how they read a piped password; no Central needed. */
class ClientOutputTest {

    private static JsonNode json(String text) throws Exception {
        return TandemClient.json().readTree(text);
    }

    private static String printWrite(boolean asJson, boolean dryRun, String answer) throws Exception {
        ClientOptions client = new ClientOptions();
        client.json = asJson;
        StringWriter text = new StringWriter();
        client.printWrite(new PrintWriter(text, true), dryRun, json(answer), "Added it.");
        return text.toString();
    }

    @Test
    void printWrite_dryRun_printsEachDiffThenTheDryRunLineNeverTheSuccessMessage() throws Exception {
        String out = printWrite(false, true, "{\"dryRun\":true,\"changes\":[{\"server\":\"b\",\"diff\":\"+x\\n\"},{\"server\":\"a\",\"diff\":\"-y\"}]}");
        assertThat(out.lines().toList()).containsExactly("--- b", "+x", "--- a", "-y", ClientOptions.DRY_RUN_DONE);
    }

    @Test
    void printWrite_dryRunOfSeveral_printsTheDiffsOfEveryResult() throws Exception {
        String out = printWrite(false, true, "{\"results\":[{\"dryRun\":true,\"changes\":[{\"server\":\"a\",\"diff\":\"-p\"}]},"
                + "{\"dryRun\":true,\"changes\":[{\"server\":\"c\",\"diff\":\"-q\"}]}]}");
        assertThat(out.lines().toList()).containsExactly("--- a", "-p", "--- c", "-q", ClientOptions.DRY_RUN_DONE);
    }

    @Test
    void printWrite_dryRunWithoutChanges_saysSoAndStillNothingWritten() throws Exception {
        assertThat(printWrite(false, true, "{\"dryRun\":true,\"changes\":[]}").lines().toList())
                .containsExactly("(no server configuration would change)", ClientOptions.DRY_RUN_DONE);
    }

    @Test
    void printWrite_realWrite_printsTheDiffsThenTheSuccessMessage() throws Exception {
        assertThat(printWrite(false, false, "{\"dryRun\":false,\"changes\":[{\"server\":\"a\",\"diff\":\"+x\"}]}").lines().toList())
                .containsExactly("--- a", "+x", "Added it.");
    }

    @Test
    void printWrite_json_printsTheAnswerOnly() throws Exception {
        String out = printWrite(true, true, "{\"dryRun\":true,\"changes\":[]}");
        assertThat(json(out).path("dryRun").asBoolean()).isTrue();
        assertThat(out).doesNotContain(ClientOptions.DRY_RUN_DONE);
    }

    @Test
    void firstLine_takesOneLineWithoutItsEnd() throws Exception {
        assertThat(LoginCommand.firstLine(in("s3cret\nnext line\n"))).isEqualTo("s3cret");
        assertThat(LoginCommand.firstLine(in("s3cret\r\n"))).isEqualTo("s3cret");
        assertThat(LoginCommand.firstLine(in("no line end"))).isEqualTo("no line end");
        assertThat(LoginCommand.firstLine(in("pässword\n"))).isEqualTo("pässword");
        assertThat(LoginCommand.firstLine(in(""))).isEmpty();
    }

    @Test
    void settings_kindsAndRanges_namedByOption() {
        FailoverCommand.Settings s = new FailoverCommand.Settings();
        s.heartbeatDelay = 10_000;
        s.maxAckDelay = 10_000;
        s.maxUnackedClients = 0;
        s.autoFailover = false;
        JsonNode kea = s.toRpc("ha");
        assertThat(kea.path("heartbeatDelay").asInt()).isEqualTo(10_000);
        assertThat(kea.path("maxUnackedClients").asInt()).isZero();
        assertThat(kea.path("autoFailover").isBoolean()).isTrue();
        s.peerAddress = "192.0.2.2";
        assertThatThrownBy(() -> s.toRpc("ha")).isInstanceOf(ClientOptions.Usage.class)
                .hasMessage("--peer-address is an ISC dhcpd failover setting and --heartbeat-delay a Kea HA one; a relationship is one or the other");

        FailoverCommand.Settings isc = new FailoverCommand.Settings();
        isc.address = "192.0.2.1";
        isc.peerAddress = "192.0.2.2";
        JsonNode r = isc.toRpc("fo");
        assertThat(r.path("primaryAddress").asText()).isEqualTo("192.0.2.1");
        assertThat(r.path("secondaryAddress").asText()).isEqualTo("192.0.2.2");
        isc.address = "192.0.2.01";
        assertThatThrownBy(() -> isc.toRpc("fo")).hasMessageStartingWith("--address must be an IPv4 address");
    }

    private static ByteArrayInputStream in(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
