package org.tandem.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.tandem.common.UserError;

/** PEM files of certificates and private keys, read with the config key or option that named them in every error. */
public final class Pem {

    /** A certificate bundle or key is a few kilobytes; a larger file is not one. */
    private static final long MAX_BYTES = 1_000_000;

    private Pem() {}

    /** Every certificate in {@code file}, in order (a chain starts with the server's own); at least one. */
    public static List<X509Certificate> certificates(String field, Path file) {
        List<X509Certificate> out = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (PEMParser parser = new PEMParser(reader(field, file))) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof X509CertificateHolder holder) {
                    out.add(converter.getCertificate(holder));
                }
            }
        } catch (IOException | CertificateException | RuntimeException e) {
            throw UserError.invalid(field, file + " is not a readable PEM file (" + e.getMessage() + ")");
        }
        if (out.isEmpty()) {
            throw UserError.invalid(field, file + " holds no \"BEGIN CERTIFICATE\" block");
        }
        return List.copyOf(out);
    }

    /** The one private key in {@code file} (PKCS#8 "PRIVATE KEY", or OpenSSL's "EC PRIVATE KEY" / "RSA PRIVATE KEY"). */
    public static PrivateKey privateKey(String field, Path file) {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (PEMParser parser = new PEMParser(reader(field, file))) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof PEMKeyPair pair) {
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                    // A passphrase would have to sit in the config next to the key, which protects nothing.
                    throw UserError.invalid(field, file + " holds an encrypted private key; give it unencrypted"
                            + " (openssl pkey -in KEY -out PLAIN) and protect the file with mode 0600");
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof UserError u) {
                throw u;
            }
            throw UserError.invalid(field, file + " is not a readable PEM file (" + e.getMessage() + ")");
        }
        throw UserError.invalid(field, file + " holds no \"BEGIN PRIVATE KEY\" block");
    }

    /** PEM text of {@code objects}: certificates, and private keys as unencrypted PKCS#8 ("PRIVATE KEY", which OpenSSL and Kea read). */
    public static String encode(Object... objects) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            for (Object o : objects) {
                if (o instanceof PrivateKey key) {
                    // JcaPEMWriter would write OpenSSL's "EC PRIVATE KEY" without the curve, which the JDK cannot read back.
                    w.writeObject(new JcaPKCS8Generator(key, null));
                } else {
                    w.writeObject(o);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("writing PEM to memory cannot fail", e);
        }
        return out.toString();
    }

    private static Reader reader(String field, Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                throw UserError.invalid(field, file + " does not exist or is not a file");
            }
            if (Files.size(file) > MAX_BYTES) {
                throw UserError.invalid(field, file + " is larger than 1 MB; it is not a PEM certificate or key");
            }
            return new StringReader(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw UserError.invalid(field, "cannot read " + file + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
    }
}
