package org.tandem.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.tandem.agent.AgentApi.LeaseView;
import org.tandem.common.UserError;
import org.tandem.migrate.LeaseCarry.Carried;
import org.tandem.migrate.LeaseCarry.Result;
import org.tandem.migrate.LeaseCarry.Skipped;
import org.tandem.net.Ipv4Address;
import org.tandem.net.Ipv4Range;

class LeaseCarryTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final Ipv4Range NET = Ipv4Range.parseCidr("subnet", "192.0.2.0/24");
    private static final long NET_ID = 3_221_225_984L;
    private static final Map<Ipv4Range, Long> SUBNETS = Map.of(NET, NET_ID);
    private static final String HW_A = "ethernet 00:11:22:33:44:aa";
    private static final String HW_B = "ethernet 00:11:22:33:44:bb";

    /** n hours before now: a client transaction or lease start. */
    private static Instant ago(int hours) {
        return NOW.minus(Duration.ofHours(hours));
    }

    /** n hours after now: a lease end. */
    private static Instant in(int hours) {
        return NOW.plus(Duration.ofHours(hours));
    }

    private static LeaseView lease(String address, String state, Instant cltt, Instant ends, Instant starts, String hw) {
        return new LeaseView(address, state, null, starts, ends, cltt, hw, null, null);
    }

    private static LeaseView active(String address, String hw) {
        return lease(address, "active", ago(1), in(2), ago(1), hw);
    }

    private static LeaseView withUid(LeaseView l, String uid) {
        return new LeaseView(l.address(), l.bindingState(), l.nextBindingState(), l.starts(), l.ends(), l.cltt(),
                l.hardware(), uid, l.clientHostname());
    }

    private static LeaseView withHost(LeaseView l, String host) {
        return new LeaseView(l.address(), l.bindingState(), l.nextBindingState(), l.starts(), l.ends(), l.cltt(),
                l.hardware(), l.uid(), host);
    }

    private static LeaseView withState(LeaseView l, String state, String hw) {
        return new LeaseView(l.address(), state, l.nextBindingState(), l.starts(), l.ends(), l.cltt(), hw, l.uid(),
                l.clientHostname());
    }

    private static Result merge(List<LeaseView> first, List<LeaseView> second) {
        return LeaseCarry.merge(first, second, SUBNETS, NOW);
    }

    private static Carried only(Result r) {
        assertThat(r.leases()).hasSize(1);
        return r.leases().get(0);
    }

    /** Pairs of records of one address, the second newer by exactly the tie-break named. */
    static Stream<Arguments> olderNewer() {
        String a = "192.0.2.20";
        return Stream.of(
                Arguments.of("cltt decides over later ends and starts",
                        lease(a, "active", ago(5), in(9), ago(1), HW_A), lease(a, "active", ago(4), in(1), ago(9), HW_B)),
                Arguments.of("equal cltt, ends decides over later starts",
                        lease(a, "active", ago(4), in(5), ago(1), HW_A), lease(a, "active", ago(4), in(6), ago(9), HW_B)),
                Arguments.of("equal cltt and ends, starts decides",
                        lease(a, "active", ago(4), in(6), ago(8), HW_A), lease(a, "active", ago(4), in(6), ago(7), HW_B)),
                Arguments.of("missing cltt is older than any cltt",
                        lease(a, "active", null, in(9), ago(1), HW_A), lease(a, "active", ago(40), in(1), ago(40), HW_B)),
                Arguments.of("equal cltt, missing ends is older",
                        lease(a, "active", ago(4), null, ago(1), HW_A), lease(a, "active", ago(4), in(1), ago(9), HW_B)),
                Arguments.of("equal cltt and ends, missing starts is older",
                        lease(a, "active", ago(4), in(6), null, HW_A), lease(a, "active", ago(4), in(6), ago(9), HW_B)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("olderNewer")
    void merge_bothPeersActive_newerRecordWinsOnEitherPeer(String scenario, LeaseView older, LeaseView newer) {
        assertThat(only(merge(List.of(older), List.of(newer))).hwAddress()).isEqualTo("00:11:22:33:44:bb");
        assertThat(only(merge(List.of(newer), List.of(older))).hwAddress()).isEqualTo("00:11:22:33:44:bb");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("olderNewer")
    void merge_newerReleasedBeatsOlderActive_onEitherPeer(String scenario, LeaseView older, LeaseView newer) {
        for (String state : List.of("released", "expired", "free")) {
            LeaseView gaveUp = withState(newer, state, HW_B);
            assertThat(merge(List.of(older), List.of(gaveUp)).leases()).as(state).isEmpty();
            assertThat(merge(List.of(gaveUp), List.of(older)).leases()).as(state).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("olderNewer")
    void merge_olderReleasedLosesToNewerActive_onEitherPeer(String scenario, LeaseView older, LeaseView newer) {
        LeaseView gaveUp = withState(older, "released", HW_A);
        assertThat(only(merge(List.of(gaveUp), List.of(newer))).hwAddress()).isEqualTo("00:11:22:33:44:bb");
        assertThat(only(merge(List.of(newer), List.of(gaveUp))).hwAddress()).isEqualTo("00:11:22:33:44:bb");
    }

    @Test
    void merge_fullTieBetweenActiveAndFree_carriesTheActive() {
        LeaseView act = active("192.0.2.20", HW_A);
        LeaseView free = withState(act, "free", HW_B);

        assertThat(only(merge(List.of(free), List.of(act))).hwAddress()).isEqualTo("00:11:22:33:44:aa");
        assertThat(only(merge(List.of(act), List.of(free))).hwAddress()).isEqualTo("00:11:22:33:44:aa");
    }

    @Test
    void merge_lastRecordInOneFileIsThatPeersView_evenWithAnOlderCltt() {
        LeaseView act = lease("192.0.2.20", "active", ago(1), in(2), ago(1), HW_A);
        LeaseView freed = lease("192.0.2.20", "free", ago(3), ago(1), ago(5), HW_A);

        assertThat(merge(List.of(act, freed), List.of()).leases()).isEmpty();
        assertThat(only(merge(List.of(), List.of(freed, act))).hwAddress()).isEqualTo("00:11:22:33:44:aa");
    }

    @Test
    void merge_leaseEndedByNow_isNotCarried() {
        LeaseView ended = lease("192.0.2.20", "active", ago(3), ago(1), ago(3), HW_A);
        LeaseView endsNow = lease("192.0.2.21", "active", ago(3), NOW, ago(3), HW_A);
        LeaseView endsLater = lease("192.0.2.22", "active", ago(3), NOW.plusSeconds(1), ago(3), HW_A);

        Result r = merge(List.of(ended, endsNow, endsLater), List.of());

        assertThat(r.leases()).extracting(c -> c.address().toString()).containsExactly("192.0.2.22");
        assertThat(r.skipped()).isEmpty();
    }

    @Test
    void merge_nonActiveStates_areNotCarried() {
        List<LeaseView> leases = new ArrayList<>();
        int i = 30;
        for (String state : List.of("free", "backup", "expired", "released", "abandoned", "reset", "bootp")) {
            leases.add(lease("192.0.2." + i++, state, ago(1), in(2), ago(1), HW_A));
        }
        assertThat(merge(leases, leases).leases()).isEmpty();
    }

    @Test
    void merge_leasesOfBothPeers_comeOutOnceEachInNumericAddressOrder() {
        Result r = merge(List.of(active("192.0.2.10", HW_A), active("192.0.2.9", HW_A)),
                List.of(active("192.0.2.100", HW_B), active("192.0.2.10", HW_A)));

        assertThat(r.leases()).extracting(c -> c.address().toString())
                .containsExactly("192.0.2.9", "192.0.2.10", "192.0.2.100");
    }

    @Test
    void merge_activeLeaseOutsidePlannedSubnets_isSkippedWithReason() {
        Result r = merge(List.of(active("198.51.100.7", HW_A), active("192.0.2.7", HW_A)), List.of());

        assertThat(r.leases()).extracting(c -> c.address().toString()).containsExactly("192.0.2.7");
        assertThat(r.skipped()).singleElement().satisfies(s -> {
            assertThat(s.address()).isEqualTo(Ipv4Address.parse("a", "198.51.100.7"));
            assertThat(s.reason()).contains("none of the subnets planned for Kea");
        });
    }

    @Test
    void merge_endedLeaseOutsideSubnets_isNeitherCarriedNorSkipped() {
        LeaseView ended = lease("198.51.100.7", "active", ago(3), ago(1), ago(3), HW_A);
        Result r = merge(List.of(ended), List.of());
        assertThat(r.leases()).isEmpty();
        assertThat(r.skipped()).isEmpty();
    }

    @Test
    void merge_nestedPlannedRanges_takeTheNarrowestSubnetId() {
        Map<Ipv4Range, Long> subnets = Map.of(NET, 1L, Ipv4Range.parseCidr("s", "192.0.2.128/25"), 2L);

        Result r = LeaseCarry.merge(List.of(active("192.0.2.7", HW_A), active("192.0.2.200", HW_A)), List.of(),
                subnets, NOW);

        assertThat(r.leases()).extracting(Carried::subnetId).containsExactly(1L, 2L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " "})
    void merge_activeLeaseWithoutHardware_isSkipped(String hw) {
        Result r = merge(List.of(active("192.0.2.7", hw.isEmpty() ? null : hw), active("192.0.2.8", hw)), List.of());

        assertThat(r.leases()).isEmpty();
        assertThat(r.skipped()).extracting(Skipped::reason)
                .hasSize(2).allSatisfy(reason -> assertThat(reason).contains("no hardware (MAC) address"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ethernet", "00:11:22:33:44:55", "ethernet 00:11:zz", "ethernet 00::11", "ethernet 00:11:",
            "ethernet 001:11", "ether\"net 00:11", "ethernet 00:11 22", "ethernet 00:11:22\u0007",
            "ethernet 00:01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f:10:11:12:13:14"})
    void merge_malformedHardware_isSkippedNamingItSafely(String hw) {
        Result r = merge(List.of(active("192.0.2.7", hw)), List.of());

        assertThat(r.leases()).isEmpty();
        assertThat(r.skipped()).singleElement().satisfies(s -> {
            assertThat(s.reason()).contains("is not a type followed by").doesNotContain("\u0007");
        });
    }

    @Test
    void merge_otherHardwareTypesAndLooseHex_carryTheNormalizedBytes() {
        Result r = merge(List.of(active("192.0.2.7", "token-ring 0a:0B:c"), active("192.0.2.8", "ethernet 0:A:b:c:d:e"),
                active("192.0.2.9", "infiniband 00:01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f:10:11:12:13")), List.of());

        assertThat(r.leases()).extracting(Carried::hwAddress).containsExactly("0a:0b:0c", "00:0a:0b:0c:0d:0e",
                "00:01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f:10:11:12:13");
        assertThat(r.skipped()).isEmpty();
    }

    @Test
    void merge_uid_becomesClientId() {
        Result r = merge(List.of(withUid(active("192.0.2.7", HW_A), "01:00:11:22:33:44:AA"),
                active("192.0.2.8", HW_A)), List.of());

        assertThat(r.leases()).extracting(Carried::clientId).containsExactly("01:00:11:22:33:44:aa", null);
        assertThat(r.notes()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"01", "zz:01", "01::02", "01:02,03"})
    void merge_uidKeaWouldRefuse_carriesWithoutClientIdAndNotes(String uid) {
        Result r = merge(List.of(withUid(active("192.0.2.7", HW_A), uid)), List.of());

        assertThat(only(r).clientId()).isNull();
        assertThat(r.notes()).singleElement().satisfies(n -> assertThat(n.note()).contains("client identifier"));
    }

    @Test
    void merge_validHostname_isCarried() {
        Result r = merge(List.of(withHost(active("192.0.2.7", HW_A), "pc-17.example.org")), List.of());
        assertThat(only(r).hostname()).isEqualTo("pc-17.example.org");
        assertThat(r.notes()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Tom's iPhone", "x\",\"force-create\":false,\"a\":\"", "ab\u0000c", "caf\u00e9", "a_b"})
    void merge_hostnameKeaWouldRefuse_carriesWithoutHostnameAndNotes(String host) {
        Result r = merge(List.of(withHost(active("192.0.2.7", HW_A), host)), List.of());

        Carried c = only(r);
        assertThat(c.hostname()).isNull();
        assertThat(c.toLease4Update().has("hostname")).isFalse();
        assertThat(c.toLease4Update().path("force-create").asBoolean()).isTrue();
        assertThat(r.notes()).singleElement().satisfies(n -> {
            assertThat(n.address()).isEqualTo(c.address());
            assertThat(n.note()).contains("carried without a host name").doesNotContain("\u0000");
        });
        assertThat(r.skipped()).isEmpty();
    }

    @Test
    void merge_hostnameOf254Characters_isRefused() {
        String longName = "a".repeat(254);
        Result r = merge(List.of(withHost(active("192.0.2.7", HW_A), longName),
                withHost(active("192.0.2.8", HW_A), longName.substring(1))), List.of());
        assertThat(r.leases()).extracting(Carried::hostname).containsExactly(null, longName.substring(1));
    }

    @Test
    void merge_lifetimeFromClttElseStartsElseNow() {
        Result r = merge(List.of(
                lease("192.0.2.1", "active", ago(1), in(2), ago(7), HW_A),
                lease("192.0.2.2", "active", null, in(2), ago(7), HW_A),
                lease("192.0.2.3", "active", null, in(2), null, HW_A),
                lease("192.0.2.4", "active", in(5), in(2), null, HW_A)), List.of());

        assertThat(r.leases()).extracting(Carried::validLifetime).containsExactly(3 * 3600L, 9 * 3600L, 2 * 3600L, 1L);
        assertThat(r.leases()).extracting(Carried::expire).containsOnly(in(2).getEpochSecond());
    }

    @Test
    void merge_endsNever_carriesKeaInfiniteLifetimeKeepingCltt() {
        LeaseView never = lease("192.0.2.7", "active", ago(3), null, ago(9), HW_A);
        LeaseView neverNoCltt = lease("192.0.2.8", "active", null, null, ago(9), HW_A);

        Result r = merge(List.of(never, neverNoCltt), List.of());

        assertThat(r.leases()).extracting(Carried::validLifetime).containsOnly(0xFFFF_FFFFL);
        assertThat(r.leases()).extracting(c -> c.expire() - c.validLifetime())
                .containsExactly(ago(3).getEpochSecond(), ago(9).getEpochSecond());
    }

    @Test
    void toLease4Update_hasExactlyKeaFields() {
        LeaseView full = withHost(withUid(lease("192.0.2.7", "active", ago(1), in(2), ago(1), HW_A), "01:00:11"), "pc7");

        ObjectNode json = only(merge(List.of(full), List.of())).toLease4Update();

        assertThat(fieldNames(json)).containsExactlyInAnyOrder("ip-address", "hw-address", "client-id", "subnet-id",
                "valid-lft", "expire", "hostname", "force-create");
        assertThat(json.path("ip-address").textValue()).isEqualTo("192.0.2.7");
        assertThat(json.path("hw-address").textValue()).isEqualTo("00:11:22:33:44:aa");
        assertThat(json.path("client-id").textValue()).isEqualTo("01:00:11");
        assertThat(json.path("subnet-id").isIntegralNumber()).isTrue();
        assertThat(json.path("subnet-id").longValue()).isEqualTo(NET_ID);
        assertThat(json.path("valid-lft").longValue()).isEqualTo(3 * 3600L);
        assertThat(json.path("expire").longValue()).isEqualTo(in(2).getEpochSecond());
        assertThat(json.path("hostname").textValue()).isEqualTo("pc7");
        assertThat(json.path("force-create").isBoolean()).isTrue();
        assertThat(json.path("force-create").booleanValue()).isTrue();
    }

    @Test
    void toLease4Update_withoutUidOrHostname_leavesThoseFieldsOut() {
        ObjectNode json = only(merge(List.of(active("192.0.2.7", HW_A)), List.of())).toLease4Update();

        assertThat(fieldNames(json)).containsExactlyInAnyOrder("ip-address", "hw-address", "subnet-id", "valid-lft",
                "expire", "force-create");
    }

    private static Set<String> fieldNames(JsonNode json) {
        Set<String> names = new HashSet<>();
        json.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void delta_listsNewAndChangedLeasesOnly() {
        LeaseView same = active("192.0.2.1", HW_A);
        LeaseView renewedBefore = active("192.0.2.2", HW_A);
        LeaseView renewedAfter = lease("192.0.2.2", "active", NOW, in(4), NOW, HW_A);
        LeaseView gone = active("192.0.2.3", HW_A);
        LeaseView fresh = active("192.0.2.4", HW_B);

        List<Carried> before = merge(List.of(same, renewedBefore, gone), List.of()).leases();
        List<Carried> after = merge(List.of(same, renewedAfter), List.of(fresh)).leases();

        assertThat(LeaseCarry.delta(before, after)).extracting(c -> c.address().toString())
                .containsExactly("192.0.2.2", "192.0.2.4");
        assertThat(LeaseCarry.delta(after, after)).isEmpty();
        assertThat(LeaseCarry.delta(List.of(), after)).isEqualTo(after);
    }

    @Test
    void merge_badInput_isAUserError() {
        assertThatThrownBy(() -> merge(List.of(active("192.0.2.300", HW_A)), List.of()))
                .isInstanceOf(UserError.class).hasMessageContaining("192.0.2.300");
        assertThatThrownBy(() -> merge(List.of(active(null, HW_A)), List.of())).isInstanceOf(UserError.class);
        assertThatThrownBy(() -> merge(null, List.of())).isInstanceOf(UserError.class);
        assertThatThrownBy(() -> merge(List.of(), Collections.singletonList(null))).isInstanceOf(UserError.class);
        assertThatThrownBy(() -> LeaseCarry.merge(List.of(), List.of(), Map.of(NET, 0L), NOW))
                .isInstanceOf(UserError.class).hasMessageContaining("subnet id");
        assertThatThrownBy(() -> LeaseCarry.merge(List.of(), List.of(), Map.of(NET, 1L << 32), NOW))
                .isInstanceOf(UserError.class);
        assertThatThrownBy(() -> LeaseCarry.merge(List.of(), List.of(), null, NOW)).isInstanceOf(UserError.class);
        assertThatThrownBy(() -> LeaseCarry.merge(List.of(), List.of(), SUBNETS, null)).isInstanceOf(UserError.class);
        assertThatThrownBy(() -> LeaseCarry.delta(null, List.of())).isInstanceOf(UserError.class);
    }

    // --- property: shuffled files of both peers -------------------------------------------------------------

    private static final List<Instant> CLTTS = java.util.Arrays.asList(null, ago(9), ago(5), ago(2));
    private static final List<Instant> ENDS = java.util.Arrays.asList(null, ago(1), NOW, in(1), in(3));
    private static final List<Instant> STARTS = java.util.Arrays.asList(null, ago(9), ago(4));
    private static final List<String> STATES = List.of("active", "active", "free", "released", "expired", "backup");

    /** The definition, written out plainly: later cltt, then ends, then starts; a missing time is oldest. */
    private static int age(LeaseView a, LeaseView b) {
        Comparator<Instant> c = Comparator.nullsFirst(Comparator.naturalOrder());
        int r = c.compare(a.cltt(), b.cltt());
        if (r == 0) {
            r = c.compare(a.ends(), b.ends());
        }
        if (r == 0) {
            r = c.compare(a.starts(), b.starts());
        }
        return r;
    }

    @Test
    void merge_shuffledFilesOfBothPeers_carryEachAddressOnceFromItsNewestCurrentRecord() {
        Map<Ipv4Range, Long> subnets = Map.of(Ipv4Range.parseCidr("s", "192.0.2.0/28"), 7L);
        for (long seed = 0; seed < 200; seed++) {
            Random random = new Random(seed);
            List<LeaseView> first = new ArrayList<>();
            List<LeaseView> second = new ArrayList<>();
            // Distinct times per record of one address, so the newest is never a tie between two records.
            Map<String, Set<List<Instant>>> usedTimes = new HashMap<>();
            int addresses = 1 + random.nextInt(24); // 192.0.2.0-15 are planned, 16-23 are not
            for (int a = 0; a < addresses; a++) {
                String address = "192.0.2." + random.nextInt(24);
                Set<List<Instant>> used = usedTimes.computeIfAbsent(address, x -> new HashSet<>());
                int records = 1 + random.nextInt(5);
                for (int k = 0; k < records; k++) {
                    Instant cltt = CLTTS.get(random.nextInt(CLTTS.size()));
                    Instant ends = ENDS.get(random.nextInt(ENDS.size()));
                    Instant starts = STARTS.get(random.nextInt(STARTS.size()));
                    if (!used.add(java.util.Arrays.asList(cltt, ends, starts))) {
                        continue;
                    }
                    String hw = String.format("ethernet 02:%02x:%02x:%02x:00:01", seed & 0xff, a, k);
                    LeaseView l = lease(address, STATES.get(random.nextInt(STATES.size())), cltt, ends, starts, hw);
                    int where = random.nextInt(3);
                    if (where != 1) {
                        first.add(l);
                    }
                    if (where != 0) {
                        second.add(l);
                    }
                }
            }
            Collections.shuffle(first, random);
            Collections.shuffle(second, random);

            Result r = LeaseCarry.merge(first, second, subnets, NOW);

            Map<String, LeaseView> expected = new HashMap<>();
            for (Map<String, LeaseView> current : List.of(lastOf(first), lastOf(second))) {
                current.forEach((address, l) -> expected.merge(address, l, (x, y) -> age(x, y) >= 0 ? x : y));
            }
            Map<String, Carried> carried = new LinkedHashMap<>();
            Ipv4Address previous = null;
            for (Carried c : r.leases()) {
                assertThat(previous == null || previous.compareTo(c.address()) < 0)
                        .as("seed %d: %s after %s", seed, c.address(), previous).isTrue();
                previous = c.address();
                carried.put(c.address().toString(), c);
            }
            Set<String> skipped = new HashSet<>();
            r.skipped().forEach(s -> skipped.add(s.address().toString()));
            for (Map.Entry<String, LeaseView> e : expected.entrySet()) {
                LeaseView newest = e.getValue();
                boolean live = newest.bindingState().equals("active")
                        && (newest.ends() == null || newest.ends().isAfter(NOW));
                boolean planned = Integer.parseInt(e.getKey().substring("192.0.2.".length())) < 16;
                Carried c = carried.get(e.getKey());
                assertThat(c != null).as("seed %d: %s carried (newest %s)", seed, e.getKey(), newest)
                        .isEqualTo(live && planned);
                assertThat(skipped.contains(e.getKey())).as("seed %d: %s skipped", seed, e.getKey())
                        .isEqualTo(live && !planned);
                if (c != null) {
                    assertThat("ethernet " + c.hwAddress()).as("seed %d: %s", seed, e.getKey())
                            .isEqualTo(newest.hardware());
                    assertThat(c.expire()).isEqualTo(newest.ends() == null
                            ? newest.cltt() == null ? newest.starts() == null ? NOW.getEpochSecond() + 0xFFFF_FFFFL
                                    : newest.starts().getEpochSecond() + 0xFFFF_FFFFL
                                    : newest.cltt().getEpochSecond() + 0xFFFF_FFFFL
                            : newest.ends().getEpochSecond());
                    assertThat(c.subnetId()).isEqualTo(7L);
                }
            }
            assertThat(carried.keySet()).as("seed %d", seed).isSubsetOf(expected.keySet());
        }
    }

    /** Each address's last record in file order. */
    private static Map<String, LeaseView> lastOf(List<LeaseView> file) {
        Map<String, LeaseView> last = new HashMap<>();
        for (int i = file.size() - 1; i >= 0; i--) {
            last.putIfAbsent(file.get(i).address(), file.get(i));
        }
        return last;
    }
}
