package org.tandem.tls;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/** Small facts about certificates for logs and messages. */
public final class Certificates {

    private Certificates() {}

    /** SHA-256 of the DER encoding as colon-separated hex, as {@code openssl x509 -fingerprint -sha256} prints it. */
    public static String fingerprint(X509Certificate cert) {
        try {
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK and a parsed certificate has an encoding", e);
        }
    }
}
