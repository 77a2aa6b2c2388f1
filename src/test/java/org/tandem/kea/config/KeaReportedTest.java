package org.tandem.kea.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * When a config read from Kea counts as the one Tandem set: Kea's defaults in what Tandem added and Kea's orderings
 * yes, anybody's edits no (a key added to what was there before included).
 */
class KeaReportedTest {

    /** What Kea reported before the write. */
    private static final String BEFORE = """
            {"Dhcp4": {"valid-lifetime": 4000, "subnet4": [
              {"id": 1, "subnet": "10.0.0.0/24", "valid-lifetime": 4000, "pools": [{"pool": "10.0.0.10-10.0.0.20", "option-data": []}],
               "reservations": [{"hw-address": "0a:00:5e:00:53:01", "ip-address": "10.0.0.5", "hostname": ""}]}]}}""";

    /** What Tandem set: a reservation added to subnet 1, and subnet 2 with a pool. */
    private static final String SET = """
            {"Dhcp4": {"valid-lifetime": 4000, "subnet4": [
              {"id": 1, "subnet": "10.0.0.0/24", "valid-lifetime": 4000, "pools": [{"pool": "10.0.0.10-10.0.0.20", "option-data": []}],
               "reservations": [{"hw-address": "0a:00:5e:00:53:01", "ip-address": "10.0.0.5", "hostname": ""},
                                {"hw-address": "0a:00:5e:00:53:02", "ip-address": "10.0.0.6"}]},
              {"id": 2, "subnet": "10.0.1.0/24", "pools": [{"pool": "10.0.1.10 - 10.0.1.20"}]}]}}""";

    /** What Kea 2.2 reports after it: defaults in the new reservation and subnet, its own order and pool format. */
    private static final String REPORTED = """
            {"Dhcp4": {"valid-lifetime": 4000, "subnet4": [
              {"id": 2, "subnet": "10.0.1.0/24", "valid-lifetime": 4000, "pools": [{"pool": "10.0.1.10-10.0.1.20", "option-data": []}]},
              {"id": 1, "subnet": "10.0.0.0/24", "valid-lifetime": 4000, "pools": [{"pool": "10.0.0.10-10.0.0.20", "option-data": []}],
               "reservations": [{"hw-address": "0a:00:5e:00:53:02", "ip-address": "10.0.0.6", "hostname": ""},
                                {"hw-address": "0a:00:5e:00:53:01", "ip-address": "10.0.0.5", "hostname": ""}]}]}}""";

    private static KeaConfig config(String json) {
        return KeaConfig.fromJson(json.getBytes(StandardCharsets.UTF_8), Instant.EPOCH);
    }

    private static boolean reports(String read) {
        return config(read).reports(config(SET), config(BEFORE));
    }

    @Test
    void theSameConfig_reportsIt() {
        assertThat(reports(SET)).isTrue();
    }

    @Test
    void defaultsInWhatTandemAdded_poolWithoutBlanks_inKeasOrder_reportIt() {
        assertThat(reports(REPORTED)).isTrue();
    }

    @Test
    void aKeyAddedToWhatWasThereBefore_doesNotReportIt() {
        assertThat(reports(REPORTED.replace("{\"valid-lifetime\": 4000, \"subnet4\"", "{\"valid-lifetime\": 4000, \"renew-timer\": 900, \"subnet4\""))).isFalse();
        assertThat(reports(REPORTED.replace("\"ip-address\": \"10.0.0.5\", \"hostname\": \"\"", "\"ip-address\": \"10.0.0.5\", \"hostname\": \"\", \"next-server\": \"10.0.0.1\""))).isFalse();
    }

    @Test
    void aValueChanged_doesNotReportIt() {
        assertThat(reports(REPORTED.replace("\"ip-address\": \"10.0.0.6\"", "\"ip-address\": \"10.0.0.7\""))).isFalse();
        assertThat(reports(REPORTED.replace("10.0.1.10-10.0.1.20", "10.0.1.10-10.0.1.30"))).isFalse();
        assertThat(reports(REPORTED.replace("\"ip-address\": \"10.0.0.5\", \"hostname\": \"\"", "\"ip-address\": \"10.0.0.5\", \"hostname\": \"printer\""))).isFalse();
    }

    @Test
    void anElementGoneOrAdded_doesNotReportIt() {
        String gone = REPORTED.replaceAll(",\\s*\\{\"hw-address\": \"0a:00:5e:00:53:01\"[^}]*}", "");
        assertThat(gone).isNotEqualTo(REPORTED);
        assertThat(reports(gone)).isFalse();
        assertThat(reports(REPORTED.replace("\"pools\": [{\"pool\": \"10.0.1.10-10.0.1.20\", \"option-data\": []}]",
                "\"pools\": [{\"pool\": \"10.0.1.10-10.0.1.20\", \"option-data\": []}, {\"pool\": \"10.0.1.30-10.0.1.40\"}]"))).isFalse();
    }

    @Test
    void aNumberOfAnotherWidth_isTheSameNumber() {
        KeaConfig before = config("{\"Dhcp4\": {}}");
        assertThat(config("{\"Dhcp4\": {\"valid-lifetime\": 4000.0}}").reports(config("{\"Dhcp4\": {\"valid-lifetime\": 4000}}"), before)).isTrue();
        assertThat(config("{\"Dhcp4\": {\"valid-lifetime\": \"4000\"}}").reports(config("{\"Dhcp4\": {\"valid-lifetime\": 4000}}"), before)).isFalse();
    }
}
