package org.tandem.central;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tandem.http.ErrorCodes;

/**
 * Every JSON-RPC command, enumerated from the dispatcher, refuses a parameter it does not know with an error naming
 * it, before doing anything: on reads as on writes (a read that ignored a misspelt filter answered more than asked).
 */
class RpcParametersIT {

    private static TestCentral central;
    private static String admin;

    @BeforeAll
    static void start() {
        central = new TestCentral();
        admin = central.adminSession();
    }

    @AfterAll
    static void stop() {
        central.close();
    }

    @Test
    void everyCommand_unknownParameter_isRefusedNamingIt() {
        int checked = 0;
        for (String method : central.central.rpc().methods()) {
            JsonNode a = central.rpc(method, "{\"session\":\"" + admin + "\",\"noSuchParameter\":1}");
            assertThat(a.path("error").path("code").asInt()).as("%s: %s", method, a).isEqualTo(ErrorCodes.INVALID_PARAMS);
            assertThat(a.path("error").path("message").asText()).as(method).startsWith("noSuchParameter: is not a known field")
                    .contains("session");
            checked++;
        }
        assertThat(checked).isEqualTo(central.central.rpc().methods().size()).isGreaterThan(40);
    }

    @Test
    void getDhcpScopes_knownParameters_stillAnswer() {
        JsonNode a = central.rpc("GetDHCPScopes", "{\"session\":\"" + admin + "\",\"filter\":\"name=@\\\"x\\\"\",\"limit\":5,\"offset\":0,"
                + "\"sortBy\":\"available\",\"sortOrder\":\"descending\"}");
        assertThat(a.has("error")).as("%s", a).isFalse();
        JsonNode unknownServer = central.rpc("GetDHCPScopes", "{\"session\":\"" + admin + "\",\"dhcpServerRef\":\"no-such-server\"}");
        assertThat(unknownServer.path("error").path("message").asText()).startsWith("dhcpServerRef");
    }
}
