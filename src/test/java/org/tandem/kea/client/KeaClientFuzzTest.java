package org.tandem.kea.client;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Instant;
import org.tandem.kea.config.KeaConfig;

/**
 * Any bytes a server (or an impostor) might answer are either a checked answer or a KeaProtocolError; nothing else
 * escapes. Runs its seeds in every build; `JAZZER_FUZZ=1` fuzzes.
 */
class KeaClientFuzzTest {

    private static final KeaClient CLIENT = new KeaClient("fuzz", KeaEndpoint.UnixSocket.of(java.nio.file.Path.of("/nonexistent")));

    @FuzzTest(maxDuration = "30s")
    void parse_anyBytes_isAnAnswerOrAProtocolError(byte[] body) {
        try {
            CLIENT.parse("status-get", body, p -> p.readValueAsTree());
        } catch (KeaProtocolError expected) {
            // the only allowed failure
        }
    }

    @FuzzTest(maxDuration = "30s")
    void configGet_anyBytes_isAConfigOrAProtocolError(byte[] body) {
        try {
            CLIENT.parse("config-get", body, p -> KeaConfig.fromKea(p, Instant.EPOCH));
        } catch (KeaProtocolError expected) {
            // the only allowed failure
        }
    }
}
