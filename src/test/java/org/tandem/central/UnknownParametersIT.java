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
 * REST arguments, from the query string or the body, are checked the same way.
 */
class UnknownParametersIT {

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
        assertThat(unknownServer.path("error").path("code").asInt()).isEqualTo(2049);
        assertThat(unknownServer.path("error").path("message").asText()).contains("\"no-such-server\"");
    }

    @Test
    void rest_dryRunOnAWriteWithoutOne_isRefusedNotIgnored() {
        String auth = "Bearer " + admin;
        TestCentral.Answer inBody = central.send("POST", "/mmws/api/Ranges", "{\"range\":{\"subnet\":\"198.19.250.0/24\"},\"dryRun\":true}", auth);
        assertThat(inBody.status()).isEqualTo(400);
        assertThat(inBody.body().path("error").path("message").asText()).startsWith("dryRun: is not a known field");
        TestCentral.Answer inQuery = central.send("POST", "/mmws/api/ranges?dryRun=true", "{\"range\":{\"subnet\":\"198.19.250.0/24\"}}", auth);
        assertThat(inQuery.status()).isEqualTo(400);
        TestCentral.Answer read = central.send("GET", "/mmws/api/Ranges?limit=5&sortOrder=descending&colour=blue", null, auth);
        assertThat(read.status()).isEqualTo(400);
        assertThat(read.body().path("error").path("message").asText()).startsWith("colour: is not a known field");
        assertThat(central.send("GET", "/mmws/api/Ranges", null, auth).body().path("result").path("totalResults").asInt()).isZero();
    }
}
