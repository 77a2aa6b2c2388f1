package org.tandem.omapi;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.tandem.common.UserError;

/**
 * An OMAPI key: the name dhcpd knows it by ({@code omapi-key NAME;}) and its HMAC-MD5 secret.
 * Only HMAC-MD5 is supported, the algorithm omshell and every dhcpd howto use.
 */
public final class OmapiKey {

    /** The algorithm name the client announces; dhcpd normalises {@code hmac-md5} in a key block to this. */
    static final String HMAC_MD5_WIRE_NAME = "hmac-md5.SIG-ALG.REG.INT.";

    private static final Pattern KEY_BLOCK = Pattern.compile(
            "\\A\\s*(?:#[^\\n]*\\n\\s*)*key\\s+(\"[^\"\\\\\\n]+\"|[A-Za-z0-9_.-]+)\\s*\\{(.*?)\\}\\s*;?\\s*\\z", Pattern.DOTALL);
    private static final Pattern ALGORITHM = Pattern.compile("\\balgorithm\\s+([A-Za-z0-9._-]+)\\s*;");
    private static final Pattern SECRET = Pattern.compile("\\bsecret\\s+(\"[A-Za-z0-9+/=\\s]+\"|[A-Za-z0-9+/=]+)\\s*;");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,128}");

    private final String name;
    private final byte[] secret;

    public OmapiKey(String name, byte[] secret) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw UserError.invalid("omapi key name", "must be 1 to 128 letters, digits, '.', '_' or '-'");
        }
        if (secret == null || secret.length == 0) {
            throw UserError.invalid("omapi key secret", "must not be empty");
        }
        this.name = name;
        this.secret = secret.clone();
    }

    /** A key from its name and base64 secret, as omshell's {@code key NAME SECRET} takes them. */
    public static OmapiKey ofBase64(String name, String base64Secret) {
        try {
            return new OmapiKey(name, Base64.getDecoder().decode(base64Secret.strip()));
        } catch (IllegalArgumentException e) {
            throw UserError.invalid("omapi key secret", "is not valid base64");
        }
    }

    /**
     * Parses a key file holding one dhcpd-style block:
     * {@code key NAME { algorithm hmac-md5; secret "BASE64"; };} (comments before it allowed).
     */
    public static OmapiKey parseKeyFile(String text) {
        Matcher block = KEY_BLOCK.matcher(text);
        if (!block.matches()) {
            throw UserError.invalid("omapi key file",
                    "expected one block: key NAME { algorithm hmac-md5; secret \"BASE64\"; };");
        }
        String name = unquote(block.group(1));
        String body = block.group(2);
        Matcher alg = ALGORITHM.matcher(body);
        if (!alg.find()) {
            throw UserError.invalid("omapi key file", "the key block has no \"algorithm hmac-md5;\" statement");
        }
        if (!alg.group(1).equalsIgnoreCase("hmac-md5") && !alg.group(1).equalsIgnoreCase(HMAC_MD5_WIRE_NAME)) {
            throw UserError.invalid("omapi key file", "algorithm " + alg.group(1) + " is not supported; use hmac-md5");
        }
        Matcher sec = SECRET.matcher(body);
        if (!sec.find()) {
            throw UserError.invalid("omapi key file", "the key block has no secret \"BASE64\"; statement");
        }
        return ofBase64(name, unquote(sec.group(1)).replaceAll("\\s", ""));
    }

    private static String unquote(String s) {
        return s.startsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    public String name() {
        return name;
    }

    OmapiCodec.Signer signer() {
        return new OmapiCodec.Signer() {
            @Override
            public int length() {
                return 16;
            }

            @Override
            public byte[] sign(byte[] data, int off, int len) {
                try {
                    Mac mac = Mac.getInstance("HmacMD5");
                    mac.init(new SecretKeySpec(secret, "HmacMD5"));
                    mac.update(data, off, len);
                    return mac.doFinal();
                } catch (NoSuchAlgorithmException | InvalidKeyException e) {
                    throw new IllegalStateException("HmacMD5 is part of every JDK", e);
                }
            }
        };
    }

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "OmapiKey[" + name + "]";
    }
}
