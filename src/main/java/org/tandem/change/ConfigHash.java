package org.tandem.change;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The SHA-256 of a configuration text, the fingerprint the engine and the agents compare. */
public final class ConfigHash {

    private ConfigHash() {
    }

    /** Lowercase hex SHA-256 of the text's UTF-8 bytes, the same as {@code sha256sum} of the file. */
    public static String sha256(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must ship SHA-256.
            throw new IllegalStateException(e);
        }
    }
}
