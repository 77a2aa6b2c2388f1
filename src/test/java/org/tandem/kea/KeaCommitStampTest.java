package org.tandem.kea;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.tandem.kea.client.KeaClient;

/** Reading a commit stamp from Kea 2.2's status-get and statistic-get answers (captured), and comparing two. */
class KeaCommitStampTest {

    /** Central's System.nanoTime when it got the captured answers. */
    private static final long NOW = 7_000_000_000_000L;
    private static final long SECOND = 1_000_000_000L;

    private static JsonNode arguments(String resource) {
        try {
            return KeaClient.mapper().readTree(FakeKea.resource(resource)).get(0).get("arguments");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static final JsonNode STATUS = arguments("kea22-status-get-after-config-set.json");
    private static final JsonNode STATISTIC = arguments("kea22-statistic-get-declined-after-config-set.json");

    /** The captured status-get as Kea would answer it {@code seconds} later, with the last commit {@code reload} seconds ago. */
    private static JsonNode status(long later, long reload) {
        ObjectNode s = STATUS.deepCopy();
        return s.put("uptime", STATUS.path("uptime").asLong() + later).put("reload", reload);
    }

    private static JsonNode statistic(String latestSample) {
        ObjectNode s = KeaClient.mapper().createObjectNode();
        s.putArray("declined-addresses").addArray().add(0).add(latestSample);
        return s;
    }

    private static KeaCommitStamp stamp(JsonNode status, JsonNode statistic, long at) {
        return KeaCommitStamp.of(status, statistic, at).orElseThrow();
    }

    @Test
    void capturedAnswers_giveTheProcessTheCommitsOffsetAndTheLatestSample() {
        KeaCommitStamp s = stamp(STATUS, STATISTIC, NOW);

        assertThat(s.pid()).isEqualTo(21014);
        assertThat(s.commitOffsetSeconds()).isEqualTo(2);
        assertThat(s.startedNanos()).isEqualTo(NOW - 2 * SECOND);
        assertThat(s.leasesCountedAt()).isEqualTo("2026-12-03 17:11:33.096086");
    }

    @Test
    void sameCommit_askedAgainMinutesLater_isTheSame() {
        KeaCommitStamp then = stamp(STATUS, STATISTIC, NOW);

        KeaCommitStamp later = stamp(status(300, 300), STATISTIC, NOW + 300 * SECOND + 700_000_000L);

        assertThat(then.sameCommit(later)).isTrue();
    }

    @Test
    void sameCommit_aCommitInALaterSecond_isNot() {
        KeaCommitStamp then = stamp(STATUS, STATISTIC, NOW);

        KeaCommitStamp later = stamp(status(5, 1), statistic("2026-12-03 17:11:37.000512"), NOW + 5 * SECOND);

        assertThat(then.sameCommit(later)).isFalse();
    }

    @Test
    void sameCommit_aCommitInTheSameSecond_isNotByItsLeaseCount() {
        KeaCommitStamp then = stamp(STATUS, STATISTIC, NOW);

        KeaCommitStamp later = stamp(status(0, 0), statistic("2026-12-03 17:11:33.190007"), NOW + 100_000_000L);

        assertThat(then.sameCommit(later)).isFalse();
    }

    @Test
    void sameCommit_restartedWithTheSamePidAndOffset_isNot() {
        KeaCommitStamp then = stamp(STATUS, STATISTIC, NOW);

        KeaCommitStamp restarted = stamp(status(0, 0), STATISTIC, NOW + 60 * SECOND);

        assertThat(restarted.commitOffsetSeconds()).isEqualTo(then.commitOffsetSeconds());
        assertThat(then.sameCommit(restarted)).isFalse();
    }

    @Test
    void of_statusWithoutReload_givesNoStamp_andARefusedStatisticGivesNoSample() {
        ObjectNode old = STATUS.deepCopy();
        old.remove("reload");

        assertThat(KeaCommitStamp.of(old, STATISTIC, NOW)).isEmpty();
        assertThat(KeaCommitStamp.of(null, STATISTIC, NOW)).isEmpty();
        assertThat(stamp(STATUS, null, NOW).leasesCountedAt()).isNull();
        assertThat(stamp(STATUS, KeaClient.mapper().createObjectNode(), NOW).leasesCountedAt()).isNull();
    }
}
