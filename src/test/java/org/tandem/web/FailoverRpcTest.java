package org.tandem.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tandem.http.Json;

class FailoverRpcTest {

    @Test
    void collectDiffs_listOfServerDiffs_keepsEachServersDiff() throws Exception {
        List<View.ServerDiff> out = new ArrayList<>();
        FailoverRpc.collectDiffs(Json.MAPPER.readTree("{\"dryRun\":true,\"changes\":[{\"server\":\"dhcp1\",\"diff\":\"+a\"},"
                + "{\"server\":\"dhcp2\",\"diff\":\"-b\"}]}"), out);
        assertThat(out).containsExactly(new View.ServerDiff("dhcp1", "+a"), new View.ServerDiff("dhcp2", "-b"));
    }

    @Test
    void collectDiffs_mapFromServerToDiff_namesEachServer() throws Exception {
        List<View.ServerDiff> out = new ArrayList<>();
        FailoverRpc.collectDiffs(Json.MAPPER.readTree("{\"diffs\":{\"kea1\":\"+x\",\"kea2\":\"\"}}"), out);
        assertThat(out).containsExactly(new View.ServerDiff("kea1", "+x"), new View.ServerDiff("kea2", ""));
    }
}
