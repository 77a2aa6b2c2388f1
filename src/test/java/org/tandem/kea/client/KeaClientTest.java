package org.tandem.kea.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tandem.common.UserError;
import org.tandem.kea.FakeKea;
import org.tandem.kea.ha.KeaHaStatus;

class KeaClientTest {

    private final FakeKea fake = newFake();

    private static FakeKea newFake() {
        try {
            return new FakeKea();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    private KeaClient agent() {
        return new KeaClient("kea1", KeaEndpoint.ControlAgent.of(fake.url()));
    }

    @Test
    void versionGet_kea22Agent_sendsServiceWithJsonContentTypeAndFixedLength() {
        fake.answerFile("version-get", "kea22-version-get.json");
        KeaVersion v = agent().version();
        assertThat(v.toString()).isEqualTo("2.2.0");
        assertThat(v.hasConfigHashGet()).isFalse();
        FakeKea.Request r = fake.requests().get(0);
        assertThat(r.body()).contains("\"service\":[\"dhcp4\"]");
        assertThat(r.contentType()).isEqualTo("application/json");
        assertThat(r.contentLength()).isEqualTo(String.valueOf(r.body().length()));
    }

    @Test
    void basicAuth_isSentWhenConfigured() {
        fake.answerFile("version-get", "kea22-version-get.json");
        new KeaClient("kea1", new KeaEndpoint.ControlAgent(fake.url(), new KeaEndpoint.BasicAuth("admin", "1234"), Duration.ofSeconds(5))).version();
        assertThat(fake.requests().get(0).authorization()).isEqualTo("Basic YWRtaW46MTIzNA==");
    }

    @Test
    void tandemAgent_sendsBearerTokenAndNoService_andItsErrorMessageIsShown() {
        fake.answerFile("version-get", "kea22-version-get.json");
        KeaClient c = new KeaClient("kea1", new KeaEndpoint.Agent(fake.url(), "agent-token-0123456789", Duration.ofSeconds(5)));
        assertThat(c.version().toString()).isEqualTo("2.2.0");
        assertThat(fake.requests().get(0).authorization()).isEqualTo("Bearer agent-token-0123456789");
        assertThat(fake.requests().get(0).body()).doesNotContain("service");
        fake.answer("status-get", "{\"kind\": \"UNREACHABLE\", \"message\": \"kea-dhcp4 does not answer on its control socket\"}")
                .status("status-get", 502);
        assertThatThrownBy(() -> c.call("status-get", null)).isInstanceOf(KeaProtocolError.class)
                .hasMessageContaining("HTTP status 502 from Tandem agent").hasMessageContaining("does not answer on its control socket")
                .hasMessageNotContaining("\"kind\"");
    }

    @Test
    void daemonHttp_kea3_sendsNoServiceAndReadsBareAnswer() {
        fake.answerFile("status-get", "kea3-status-get-daemon-http.json").answerFile("version-get", "kea3-version-get-daemon-http.json");
        KeaClient c = new KeaClient("kea1", new KeaEndpoint.DaemonHttp(fake.url(), null, Duration.ofSeconds(5)));
        assertThat(c.version().hasConfigHashGet()).isTrue();
        KeaHaStatus s = KeaHaStatus.fromKea("kea1", c.ok("status-get", null, false).arguments());
        assertThat(fake.requests().get(0).body()).doesNotContain("service");
        assertThat(s.localState()).isEqualTo("load-balancing");
        assertThat(s.remote().lastScopes()).containsExactly("server2");
    }

    @Test
    void statusGet_kea22HotStandby_parsesBothPeers() {
        fake.answerFile("status-get", "kea22-status-get-hot-standby-primary.json");
        KeaHaStatus s = KeaHaStatus.fromKea("kea1", agent().ok("status-get", null, false).arguments());
        assertThat(s.mode()).isEqualTo("hot-standby");
        assertThat(s.localState()).isEqualTo("hot-standby");
        assertThat(s.localRole()).isEqualTo("primary");
        assertThat(s.localScopes()).containsExactly("server1");
        assertThat(s.remote().role()).isEqualTo("standby");
        assertThat(s.remote().inTouch()).isTrue();
        assertThat(s.serves()).isTrue();
    }

    @Test
    void resultCodes_areTypedOutcomes() {
        fake.answerFile("config-hash-get", "kea22-config-hash-get-unsupported.json")
                .answerFile("lease4-get-page", "kea22-lease4-get-page-empty.json")
                .answerFile("config-test", "kea22-config-test-spurious.json");
        KeaClient c = agent();
        assertThat(c.call("config-hash-get", null).result()).isEqualTo(KeaResult.UNSUPPORTED);
        assertThat(c.call("lease4-get-page", null).result()).isEqualTo(KeaResult.EMPTY);
        KeaResponse bad = c.call("config-test", null);
        assertThat(bad.result()).isEqualTo(KeaResult.ERROR);
        assertThatThrownBy(() -> bad.requireSuccess(false)).isInstanceOf(UserError.class)
                .hasMessageContaining("Kea server \"kea1\" refused 'config-test'").hasMessageContaining("bogus");
        assertThatThrownBy(() -> c.ok("config-hash-get", null, false)).hasMessageContaining("does not support 'config-hash-get'");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not JSON             | <html>oops</html>                          | not valid JSON",
            "empty body           | ''                                         | the answer is empty",
            "empty list           | []                                         | empty list",
            "two answers          | [{\"result\":0},{\"result\":0}]            | more than one answer",
            "result is a string   | [{\"result\":\"0\"}]                       | \"result\" is a string",
            "no result            | [{\"text\":\"fine\"}]                      | no \"result\"",
            "a bare number        | 42                                         | not a JSON object",
            "list of numbers      | [1]                                        | holds a number",
            "trailing garbage     | [{\"result\":0}] {}                        | trailing data",
            "truncated            | [{\"result\":0,\"text\":\"abc              | not valid JSON",
            "text is an object    | [{\"result\":0,\"text\":{}}]               | \"text\" is an object",
    })
    void malformedAnswer_isAClearError(String scenario, String body, String expected) {
        fake.answer("status-get", body);
        assertThatThrownBy(() -> agent().call("status-get", null))
                .isInstanceOf(KeaProtocolError.class)
                .hasMessageContaining("Kea server \"kea1\" gave an unusable answer to 'status-get'")
                .hasMessageContaining(expected);
    }

    @Test
    void hugeAnswer_isRefusedAtTheLimit() {
        fake.answer("config-get", "[{\"result\":0,\"arguments\":{\"Dhcp4\":{\"x\":\"" + "a".repeat(20_000) + "\"}}}]");
        KeaClient small = new KeaClient("kea1", KeaEndpoint.ControlAgent.of(fake.url()), 10_000);
        assertThatThrownBy(() -> small.call("config-get", null)).isInstanceOf(KeaProtocolError.class)
                .hasMessageContaining("larger than 10000 bytes");
    }

    @Test
    void httpStatus_401_isAnAuthenticationError() {
        fake.answer("status-get", "{ \"result\": 401, \"text\": \"Unauthorized\" }").status("status-get", 401);
        assertThatThrownBy(() -> agent().call("status-get", null)).isInstanceOf(UserError.class)
                .satisfies(e -> assertThat(((UserError) e).kind()).isEqualTo(UserError.Kind.AUTHENTICATION))
                .hasMessageContaining("rejected the credentials");
    }

    @Test
    void httpStatus_400_fromAgent_namesTheStatusAndBody() {
        fake.answer("status-get", FakeKea.resource("kea22-agent-no-content-type.json")).status("status-get", 400);
        assertThatThrownBy(() -> agent().call("status-get", null)).isInstanceOf(KeaProtocolError.class)
                .hasMessageContaining("HTTP status 400").hasMessageContaining("Bad Request");
    }

    @Test
    void nothingListening_isUnreachable() throws Exception {
        java.net.URI dead;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            dead = java.net.URI.create("http://127.0.0.1:" + s.getLocalPort() + "/");
        }
        KeaClient c = new KeaClient("kea1", new KeaEndpoint.ControlAgent(dead, null, Duration.ofSeconds(2)));
        assertThatThrownBy(() -> c.call("status-get", null)).isInstanceOf(KeaProtocolError.class)
                .hasMessageContaining("could not be reached");
    }
}
