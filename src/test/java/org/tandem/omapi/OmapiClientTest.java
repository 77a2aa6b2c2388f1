package org.tandem.omapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.tandem.dhcpd.DhcpdFailoverState;

class OmapiClientTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Test
    void failoverState_dhcpd443PairNormal_readsNamedStatesAndAttributes() throws Exception {
        try (FakeOmapiServer fake = new FakeOmapiServer("read-state-normal.bin");
             OmapiClient c = fake.connect(FakeOmapiServer.captureKey(), TIMEOUT)) {
            FailoverStatus s = c.failoverState("tandem-fo");
            assertThat(s.name()).isEqualTo("tandem-fo");
            assertThat(s.localState()).isEqualTo(DhcpdFailoverState.NORMAL);
            assertThat(s.partnerState()).isEqualTo(DhcpdFailoverState.NORMAL);
            assertThat(s.bothNormal()).isTrue();
            assertThat(s.role()).isEqualTo(FailoverStatus.Role.PRIMARY);
            assertThat(s.mcltSeconds()).isEqualTo(30L);
            assertThat(s.localPort()).isEqualTo(647L);
            assertThat(s.partnerPort()).isEqualTo(647L);
            assertThat(s.maxResponseDelaySeconds()).isEqualTo(10L);
            assertThat(s.loadBalanceMaxSeconds()).isEqualTo(3L);
            // split 128: the first 128 bits of the hash bucket allocation belong to the primary.
            assertThat(s.loadBalanceHba()).startsWith("ff:ff").endsWith("00:00").hasSize(32 * 3 - 1);
            assertThat(s.localStos()).isAfter(Instant.parse("2026-01-01T00:00:00Z"));
            assertThat(s.attributes()).containsKeys("partner-address", "local-address", "skew");
        }
    }

    @Test
    void failoverState_partnerStopped_readsCommunicationsInterrupted() throws Exception {
        try (FakeOmapiServer fake = new FakeOmapiServer("read-state-interrupted.bin");
             OmapiClient c = fake.connect(FakeOmapiServer.captureKey(), TIMEOUT)) {
            FailoverStatus s = c.failoverState("tandem-fo");
            assertThat(s.localState()).isEqualTo(DhcpdFailoverState.COMMUNICATIONS_INTERRUPTED);
            assertThat(s.bothNormal()).isFalse();
        }
    }

    @Test
    void setLocalState_partnerDown_sendsUpdateAndReadsPartnerDownBack() throws Exception {
        try (FakeOmapiServer fake = new FakeOmapiServer("set-partner-down.bin");
             OmapiClient c = fake.connect(FakeOmapiServer.captureKey(), TIMEOUT)) {
            FailoverStatus s = c.setLocalState("tandem-fo", DhcpdFailoverState.PARTNER_DOWN);
            assertThat(s.localState()).isEqualTo(DhcpdFailoverState.PARTNER_DOWN);
        }
    }

    @Test
    void failoverState_unknownRelationship_isRefusedWithDhcpdsWords() throws Exception {
        try (FakeOmapiServer fake = new FakeOmapiServer("unknown-relationship.bin");
             OmapiClient c = fake.connect(FakeOmapiServer.captureKey(), TIMEOUT)) {
            assertThatThrownBy(() -> c.failoverState("no-such-peer"))
                    .isInstanceOfSatisfying(OmapiException.class, e -> {
                        assertThat(e.problem()).isEqualTo(OmapiException.Problem.REFUSED);
                        assertThat(e.resultCode()).isEqualTo(0x17);
                    })
                    .hasMessageContaining("no object matches");
        }
    }

    @Test
    void failoverState_wrongSecret_isRefusedAsInvalidKey() throws Exception {
        OmapiKey wrong = OmapiKey.ofBase64("tandem-lab", "d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldA==");
        try (FakeOmapiServer fake = new FakeOmapiServer("wrong-secret.bin");
             OmapiClient c = fake.connect(wrong, TIMEOUT)) {
            assertThatThrownBy(() -> c.failoverState("tandem-fo"))
                    .isInstanceOfSatisfying(OmapiException.class, e -> assertThat(e.resultCode()).isEqualTo(0x6000b))
                    .hasMessageContaining("invalid key");
        }
    }

    @Test
    void failoverState_noKeyAgainstKeyedServer_isRefusedAsNoAuthenticator() throws Exception {
        try (FakeOmapiServer fake = new FakeOmapiServer("no-key.bin");
             OmapiClient c = fake.connect(null, TIMEOUT)) {
            assertThatThrownBy(() -> c.failoverState("tandem-fo"))
                    .isInstanceOfSatisfying(OmapiException.class, e -> assertThat(e.resultCode()).isEqualTo(0x60009));
        }
    }

    @Test
    void failoverState_replyClaimsFourGigabyteValue_failsWithoutAllocating() throws Exception {
        // Reply 2 is the signed failover-state object; its first object value length sits right after
        // the header (24), the empty message list (2), the name length (2) and the name "name" (4).
        try (FakeOmapiServer fake = new FakeOmapiServer("read-state-normal.bin", (i, b) -> {
            if (i == 2) {
                b = b.clone();
                OmapiCodec.putU32(b, 32, 0xfffffff0L);
            }
            return b;
        }); OmapiClient c = fake.connect(FakeOmapiServer.captureKey(), TIMEOUT)) {
            assertThatThrownBy(() -> c.failoverState("tandem-fo"))
                    .isInstanceOfSatisfying(OmapiException.class,
                            e -> assertThat(e.problem()).isEqualTo(OmapiException.Problem.PROTOCOL))
                    .hasMessageContaining("over the limit");
        }
    }

    @Test
    void failoverState_tamperedReply_failsSignatureCheck() throws Exception {
        try (FakeOmapiServer fake = new FakeOmapiServer("read-state-normal.bin", (i, b) -> {
            if (i == 2) {
                b = b.clone();
                int at = indexOf(b, "local-state".getBytes()) + "local-state".length() + 4 + 3;
                b[at] = 4; // claim partner-down
            }
            return b;
        }); OmapiClient c = fake.connect(FakeOmapiServer.captureKey(), TIMEOUT)) {
            assertThatThrownBy(() -> c.failoverState("tandem-fo"))
                    .isInstanceOf(OmapiException.class)
                    .hasMessageContaining("signature does not match");
        }
    }

    @Test
    void failoverState_serverStopsMidReply_reportsClosedConnection() throws Exception {
        try (FakeOmapiServer fake = new FakeOmapiServer("read-state-normal.bin", (i, b) -> {
            if (i == 2) {
                return java.util.Arrays.copyOf(b, 100);
            }
            return b;
        }); OmapiClient c = fake.connect(FakeOmapiServer.captureKey(), Duration.ofMillis(500))) {
            fake.closeAfterWrites();
            assertThatThrownBy(() -> c.failoverState("tandem-fo"))
                    .isInstanceOfSatisfying(OmapiException.class,
                            e -> assertThat(e.problem()).isEqualTo(OmapiException.Problem.UNREACHABLE));
        }
    }

    @Test
    void failoverState_serverNeverAnswers_timesOut() throws Exception {
        try (FakeOmapiServer fake = new FakeOmapiServer("read-state-normal.bin", (i, b) -> i == 2 ? null : b);
             OmapiClient c = fake.connect(FakeOmapiServer.captureKey(), Duration.ofMillis(300))) {
            assertThatThrownBy(() -> c.failoverState("tandem-fo"))
                    .isInstanceOfSatisfying(OmapiException.class,
                            e -> assertThat(e.problem()).isEqualTo(OmapiException.Problem.UNREACHABLE))
                    .hasMessageContaining("timed out");
        }
    }

    @Test
    void connect_serverSpeaksOtherProtocolVersion_isRefusedClearly() throws Exception {
        try (FakeOmapiServer fake = new FakeOmapiServer("read-state-normal.bin", (i, b) -> {
            if (i == 0) {
                b = b.clone();
                OmapiCodec.putU32(b, 0, 99);
            }
            return b;
        })) {
            assertThatThrownBy(() -> fake.connect(FakeOmapiServer.captureKey(), TIMEOUT))
                    .isInstanceOf(OmapiException.class)
                    .hasMessageContaining("protocol version 99");
        }
    }

    @Test
    void connect_nothingListening_isUnreachable() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        assertThatThrownBy(() -> OmapiClient.connect("127.0.0.1", port, FakeOmapiServer.captureKey(), TIMEOUT))
                .isInstanceOfSatisfying(OmapiException.class,
                        e -> assertThat(e.problem()).isEqualTo(OmapiException.Problem.UNREACHABLE))
                .hasMessageContaining("127.0.0.1:" + port);
    }

    @Test
    void failoverState_replyForAnotherTransaction_isRejected() throws Exception {
        OmapiKey key = FakeOmapiServer.captureKey();
        try (FakeOmapiServer fake = new FakeOmapiServer("read-state-normal.bin", (i, b) -> {
            if (i == 2) {
                b = b.clone();
                OmapiCodec.putU32(b, 20, 4242);
                b = resign(b, key);
            }
            return b;
        }); OmapiClient c = fake.connect(key, TIMEOUT)) {
            assertThatThrownBy(() -> c.failoverState("tandem-fo"))
                    .isInstanceOfSatisfying(OmapiException.class,
                            e -> assertThat(e.problem()).isEqualTo(OmapiException.Problem.PROTOCOL))
                    .hasMessageContaining("answered transaction 4242");
        }
    }

    @Test
    void failoverState_unsignedReplyToSignedRequest_isRejected() throws Exception {
        try (FakeOmapiServer fake = new FakeOmapiServer("read-state-normal.bin", (i, b) -> {
            if (i == 2) {
                b = java.util.Arrays.copyOf(b, b.length - 16);
                OmapiCodec.putU32(b, 4, 0);
            }
            return b;
        }); OmapiClient c = fake.connect(FakeOmapiServer.captureKey(), TIMEOUT)) {
            assertThatThrownBy(() -> c.failoverState("tandem-fo"))
                    .isInstanceOf(OmapiException.class)
                    .hasMessageContaining("unsigned reply");
        }
    }

    /** Recomputes a captured reply's HMAC-MD5 after the test changed it, as a server holding the key would. */
    private static byte[] resign(byte[] message, OmapiKey key) {
        int bodyEnd = message.length - 16;
        byte[] sig = key.signer().sign(message, 4, bodyEnd - 4);
        System.arraycopy(sig, 0, message, bodyEnd, 16);
        return message;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
