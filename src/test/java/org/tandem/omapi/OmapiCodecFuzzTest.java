package org.tandem.omapi;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * Fuzzes the OMAPI decoder with arbitrary bytes from a "server": it may only succeed, run out of
 * input, or refuse with {@link OmapiException}; never allocate past the limits or throw anything
 * else. Seeds in {@code src/test/resources/org/tandem/omapi/OmapiCodecFuzzTestInputs/decode} are
 * replies captured from dhcpd 4.4.3.
 */
class OmapiCodecFuzzTest {

    private static final OmapiCodec.Limits SMALL = new OmapiCodec.Limits(64, 4096, 32, 16 * 1024, 32);

    @FuzzTest(maxDuration = "60s")
    void decode(byte[] input) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(input));
        OmapiKey key = OmapiKey.ofBase64("k", "c2VjcmV0");
        try {
            while (true) {
                OmapiCodec.decode(in::readFully, SMALL, key.signer());
            }
        } catch (EOFException | OmapiException expected) {
            // the only two ways a hostile byte stream may end
        }
    }
}
