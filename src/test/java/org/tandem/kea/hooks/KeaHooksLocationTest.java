package org.tandem.kea.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tandem.central.CentralConfig;
import org.tandem.central.TestCentral;
import org.tandem.common.UserError;
import org.tandem.kea.FakeKea;
import org.tandem.testing.Cleanup;

/**
 * The hook directory preference from where a user sets it to the locator's error: a server's own keaHooksLocation
 * (checked when the server is registered) is tried first, else Central's KeaHooksLocation, and when neither host has
 * the libraries the error names the place tried first and both settings as the user writes them.
 */
class KeaHooksLocationTest {

    @Test
    void location_acceptsAbsoluteDirectories_refusesTheRestNamingTheField() {
        assertThat(KeaHookLocator.location("f", "/usr/lib64/kea/hooks")).isEqualTo(Path.of("/usr/lib64/kea/hooks"));
        for (String bad : List.of("", "kea/hooks", "/a/../b", "/a/./b", "/a/\"b", "/a\\b", "/a\nb", "/" + "x".repeat(1000))) {
            assertThatThrownBy(() -> KeaHookLocator.location("keaHooksLocation", bad)).as(bad).isInstanceOf(UserError.class)
                    .hasMessageStartingWith("keaHooksLocation: ");
        }
    }

    @Test
    void serversOwnSetting_isTriedFirst_andTheErrorNamesBothSettings() throws Exception {
        try (FakeKea a = withoutHooks(); FakeKea b = withoutHooks(); TestCentral central = new TestCentral()) {
            String admin = central.adminSession();
            ok(central.rpc("AddDHCPServer", "{\"session\":\"" + admin + "\",\"dhcpServer\":{\"name\":\"kea-a\",\"type\":\"Kea\","
                    + "\"address\":\"127.0.0.1\",\"port\":" + a.url().getPort() + ",\"keaHooksLocation\":\"/srv/kea-a/hooks\"}}"));
            ok(central.rpc("AddDHCPServer", "{\"session\":\"" + admin + "\",\"dhcpServer\":{\"name\":\"kea-b\",\"type\":\"Kea\","
                    + "\"address\":\"127.0.0.1\",\"port\":" + b.url().getPort() + "}}"));
            JsonNode servers = central.rpc("GetDHCPServers", "{\"session\":\"" + admin + "\"}").path("result").path("dhcpServers");
            assertThat(servers.get(0).path("keaHooksLocation").asText()).isEqualTo("/srv/kea-a/hooks");
            assertThat(servers.get(1).has("keaHooksLocation")).isFalse();

            String message = addRelationship(central, admin);
            assertThat(message).startsWith("Kea server \"kea-a\" has no libdhcp_ha.so and libdhcp_lease_cmds.so in any of [/srv/kea-a/hooks, ")
                    .contains("(the first from the server's keaHooksLocation)")
                    .contains("as the server's keaHooksLocation (tandem servers modify kea-a --kea-hooks-location DIR, or ModifyDHCPServer)")
                    .contains("or as KeaHooksLocation in Central's config file");
            assertThat(a.requests().stream().filter(r -> r.body().contains("/srv/kea-a/hooks/libdhcp_ha.so")).count()).isEqualTo(1);
        }
    }

    @Test
    void modifyDhcpServer_setsAndClearsTheServersOwnSetting_recordedInHistory_andIsUsedByTheNextPlan() throws Exception {
        try (FakeKea a = withoutHooks(); FakeKea b = withoutHooks();
             TestCentral central = new TestCentral(CentralConfig.defaults().withKeaHooksLocation(Path.of("/opt/kea/hooks")))) {
            String admin = central.adminSession();
            for (String[] s : new String[][] {{"kea-a", Integer.toString(a.url().getPort())}, {"kea-b", Integer.toString(b.url().getPort())}}) {
                ok(central.rpc("AddDHCPServer", "{\"session\":\"" + admin + "\",\"dhcpServer\":{\"name\":\"" + s[0] + "\",\"type\":\"Kea\","
                        + "\"address\":\"127.0.0.1\",\"port\":" + s[1] + "}}"));
            }
            ok(central.rpc("ModifyDHCPServer", "{\"session\":\"" + admin + "\",\"dhcpServerRef\":\"kea-a\",\"saveComment\":\"hooks moved\","
                    + "\"properties\":{\"keaHooksLocation\":\"/srv/kea/hooks\"}}"));
            assertThat(central.rpc("GetDHCPServer", "{\"session\":\"" + admin + "\",\"dhcpServerRef\":\"kea-a\"}").path("result")
                    .path("dhcpServer").path("keaHooksLocation").asText()).isEqualTo("/srv/kea/hooks");
            assertThat(addRelationship(central, admin)).contains("in any of [/srv/kea/hooks, ").contains("the server's keaHooksLocation");
            JsonNode history = central.rpc("GetChangeHistory", "{\"session\":\"" + admin + "\",\"filter\":\"saveComment=hooks moved\"}")
                    .path("result").path("changes");
            assertThat(history).hasSize(1);
            assertThat(history.get(0).path("objType").asText()).isEqualTo("DHCPServer");
            assertThat(history.get(0).path("after").path("keaHooksLocation").asText()).isEqualTo("/srv/kea/hooks");

            TestCentral.Answer clear = central.send("PUT", "/mmws/api/v2/dhcpServers/kea-a", "{\"properties\":{\"keaHooksLocation\":null}}",
                    "Bearer " + admin);
            assertThat(clear.status()).as(clear.text()).isEqualTo(204);
            assertThat(addRelationship(central, admin)).contains("in any of [/opt/kea/hooks, ");

            JsonNode missing = central.rpc("ModifyDHCPServer", "{\"session\":\"" + admin + "\",\"dhcpServerRef\":\"kea-a\",\"properties\":{}}");
            assertThat(missing.path("error").path("message").asText()).startsWith("properties.keaHooksLocation: is required");
            JsonNode relative = central.rpc("ModifyDHCPServer", "{\"session\":\"" + admin + "\",\"dhcpServerRef\":\"kea-a\","
                    + "\"properties\":{\"keaHooksLocation\":\"hooks\"}}");
            assertThat(relative.path("error").path("message").asText()).startsWith("properties.keaHooksLocation: must be an absolute path");
            JsonNode other = central.rpc("ModifyDHCPServer", "{\"session\":\"" + admin + "\",\"dhcpServerRef\":\"kea-a\","
                    + "\"properties\":{\"name\":\"x\"}}");
            assertThat(other.path("error").path("message").asText()).startsWith("properties.name: is not a known field");
        }
    }

    @Test
    void centralsSetting_appliesToServersWithoutTheirOwn() throws Exception {
        try (FakeKea a = withoutHooks(); FakeKea b = withoutHooks();
             TestCentral central = new TestCentral(CentralConfig.defaults().withKeaHooksLocation(Path.of("/opt/kea/hooks")))) {
            String admin = central.adminSession();
            for (String[] s : new String[][] {{"kea-a", Integer.toString(a.url().getPort())}, {"kea-b", Integer.toString(b.url().getPort())}}) {
                ok(central.rpc("AddDHCPServer", "{\"session\":\"" + admin + "\",\"dhcpServer\":{\"name\":\"" + s[0] + "\",\"type\":\"Kea\","
                        + "\"address\":\"127.0.0.1\",\"port\":" + s[1] + "}}"));
            }
            assertThat(addRelationship(central, admin)).contains("in any of [/opt/kea/hooks, ")
                    .contains("(the first from KeaHooksLocation in Central's config file)");
        }
    }

    @Test
    void serversOwnSetting_onAnIscServerOrRelative_isRefusedNamingTheField() throws Exception {
        TestCentral central = new TestCentral();
        try {
            String admin = central.adminSession();
            JsonNode isc = central.rpc("AddDHCPServer", "{\"session\":\"" + admin + "\",\"dhcpServer\":{\"name\":\"isc\",\"type\":\"ISC\","
                    + "\"address\":\"127.0.0.1\",\"agentToken\":\"tok-tok-tok\",\"keaHooksLocation\":\"/x\"}}");
            assertThat(isc.path("error").path("message").asText()).startsWith("dhcpServer.keaHooksLocation: is for a Kea server");
            JsonNode relative = central.rpc("AddDHCPServer", "{\"session\":\"" + admin + "\",\"dhcpServer\":{\"name\":\"k\",\"type\":\"Kea\","
                    + "\"address\":\"127.0.0.1\",\"keaHooksLocation\":\"hooks\"}}");
            assertThat(relative.path("error").path("message").asText()).startsWith("dhcpServer.keaHooksLocation: must be an absolute path");
            JsonNode modifyIsc = central.rpc("ModifyDHCPServer", "{\"session\":\"" + admin + "\",\"dhcpServer\":{\"name\":\"isc2\"}}");
            // A parameter the command does not know is refused naming it, before the missing ref is noticed.
            assertThat(modifyIsc.path("error").path("message").asText()).startsWith("dhcpServer: is not a known field");
            ok(central.rpc("AddDHCPServer", "{\"session\":\"" + admin + "\",\"dhcpServer\":{\"name\":\"isc\",\"type\":\"ISC\","
                    + "\"address\":\"127.0.0.1\",\"agentToken\":\"tok-tok-tok\"}}"));
            JsonNode onIsc = central.rpc("ModifyDHCPServer", "{\"session\":\"" + admin + "\",\"dhcpServerRef\":\"isc\","
                    + "\"properties\":{\"keaHooksLocation\":\"/x\"}}");
            assertThat(onIsc.path("error").path("message").asText())
                    .isEqualTo("properties.keaHooksLocation: is for a Kea server; \"isc\" is an ISC DHCP server");
        } finally {
            Cleanup.close(central);
        }
    }

    /** A Kea 2.2 without HA whose config-test says every hook path it is given is missing. */
    private static FakeKea withoutHooks() throws Exception {
        FakeKea f = new FakeKea();
        String plain = FakeKea.resource("kea22-config-get-hot-standby.json").replace("libdhcp_ha.so", "libdhcp_bootp.so");
        f.answerFile("version-get", "kea22-version-get.json").answer("config-get", plain)
                .answerFile("config-test", "kea22-config-test-missing-hook.json");
        return f;
    }

    private static String addRelationship(TestCentral central, String admin) {
        JsonNode r = central.rpc("AddDHCPFailoverRelationship", "{\"session\":\"" + admin + "\",\"dhcpFailoverRelationship\":{\"name\":\"ha\","
                + "\"primaryServer\":\"kea-a\",\"secondaryServer\":\"kea-b\",\"failoverMode\":\"HotStandby\"},\"dryRun\":true}");
        assertThat(r.has("error")).as("%s", r).isTrue();
        return r.path("error").path("message").asText();
    }

    private static void ok(JsonNode answer) {
        assertThat(answer.has("error")).as("%s", answer).isFalse();
    }
}
