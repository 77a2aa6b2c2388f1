package org.tandem.omapi;

/** Human words for the isc_result_t codes dhcpd puts in OMAPI STATUS replies (isc result.h, omapip/result.h). */
final class OmapiResults {

    private OmapiResults() {}

    static String describe(long code) {
        return switch ((int) code) {
            case 23 -> "not found";
            case 0x60009 -> "no authenticator on message (the server requires an OMAPI key)";
            case 0x6000b -> "invalid key (wrong secret or algorithm)";
            default -> "isc result 0x" + Long.toHexString(code);
        };
    }
}
