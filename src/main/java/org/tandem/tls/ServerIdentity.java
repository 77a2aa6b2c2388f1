package org.tandem.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tandem.common.UserError;

/**
 * The certificate chain and private key a Tandem server (Central or agent) presents over HTTPS: either files the
 * administrator gave, or a self-signed EC P-256 certificate generated on first start and kept in a directory.
 */
public record ServerIdentity(List<X509Certificate> chain, PrivateKey key) {

    /** File names of a generated identity inside its directory. */
    public static final String CERTIFICATE_FILE = "tls-certificate.pem";
    public static final String KEY_FILE = "tls-private-key.pem";
    /** Long enough that nobody has to think about renewal of a certificate nobody else signed; an expired one is replaced at start. */
    static final Duration SELF_SIGNED_VALIDITY = Duration.ofDays(3650);

    private static final Logger log = LoggerFactory.getLogger(ServerIdentity.class);

    public ServerIdentity {
        chain = List.copyOf(chain);
        Objects.requireNonNull(key, "key");
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a certificate chain has at least the server's own certificate");
        }
    }

    /** The server's own certificate (the first of the chain). */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** Reads a PEM chain and its key; {@code certField} and {@code keyField} name the config key or option in errors. */
    public static ServerIdentity fromFiles(String certField, Path certificateFile, String keyField, Path keyFile) {
        List<X509Certificate> chain = Pem.certificates(certField, certificateFile);
        PrivateKey key = Pem.privateKey(keyField, keyFile);
        if (!belongTogether(chain.get(0), key)) {
            throw UserError.invalid(keyField, keyFile + " is not the private key of the first certificate in " + certificateFile
                    + " (" + certField + ")");
        }
        return new ServerIdentity(chain, key);
    }

    /**
     * The self-signed identity kept in {@code dir}: generated (and written, the key with mode 0600) when the directory
     * has none or its certificate has expired, else read back, so clients that trusted it once keep trusting it.
     */
    public static ServerIdentity selfSigned(String field, Path dir, Clock clock) {
        Path cert = dir.resolve(CERTIFICATE_FILE);
        Path key = dir.resolve(KEY_FILE);
        boolean haveCert = Files.exists(cert);
        boolean haveKey = Files.exists(key);
        if (haveCert != haveKey) {
            throw UserError.invalid(field, (haveCert ? cert : key) + " exists without " + (haveCert ? key : cert)
                    + "; delete it to generate a new self-signed certificate, or restore the other file");
        }
        if (haveCert) {
            ServerIdentity kept = fromFiles(field, cert, field, key);
            if (kept.certificate().getNotAfter().toInstant().isAfter(clock.instant())) {
                return kept;
            }
            log.warn("the self-signed certificate {} expired on {}; generating a new one", cert, kept.certificate().getNotAfter());
        }
        Set<String> names = localNames();
        ServerIdentity fresh = generate(names, clock.instant());
        try {
            Files.createDirectories(dir);
            fresh.write(cert, key);
        } catch (IOException e) {
            throw UserError.invalid(field, "cannot write the self-signed certificate to " + dir + " (" + e.getMessage() + ")");
        }
        log.info("generated a self-signed certificate {} for {} (SHA-256 fingerprint {})", cert,
                String.join(", ", names), Certificates.fingerprint(fresh.certificate()));
        return fresh;
    }

    /** A new EC P-256 key and a self-signed certificate for {@code names} (host names and IP addresses). */
    public static ServerIdentity generate(Set<String> names, Instant now) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = g.generateKeyPair();
            String first = names.iterator().next();
            X500Name subject = new X500Name("CN=" + first.replaceAll("[,=+<>#;\"\\\\]", "_") + ",O=Tandem self-signed");
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, new BigInteger(128, new SecureRandom()),
                    java.util.Date.from(now.minus(Duration.ofHours(1))), java.util.Date.from(now.plus(SELF_SIGNED_VALIDITY)),
                    subject, pair.getPublic());
            List<GeneralName> alt = new ArrayList<>();
            for (String n : names) {
                alt.add(new GeneralName(isIpAddress(n) ? GeneralName.iPAddress : GeneralName.dNSName, n));
            }
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alt.toArray(GeneralName[]::new)));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            X509Certificate cert = new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            return new ServerIdentity(List.of(cert), pair.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
            throw new IllegalStateException("EC P-256 and SHA256withECDSA are part of every JDK", e);
        }
    }

    /**
     * The names a client may use for this machine: localhost, the host name and every address of every interface that is
     * up, as they were when the certificate was made (a client connecting by another name must be given a real certificate).
     */
    static Set<String> localNames() {
        Set<String> names = new LinkedHashSet<>();
        try {
            names.add(InetAddress.getLocalHost().getHostName());
        } catch (UnknownHostException e) {
            log.debug("no host name for the self-signed certificate: {}", e.getMessage());
        }
        names.add("localhost");
        names.add("127.0.0.1");
        names.add("::1");
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (nic.isUp()) {
                    for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                        if (!a.isLinkLocalAddress() && !a.isLoopbackAddress()) {
                            String text = a.getHostAddress();
                            names.add(text.contains("%") ? text.substring(0, text.indexOf('%')) : text);
                        }
                    }
                }
            }
        } catch (SocketException e) {
            log.debug("cannot list network interfaces for the self-signed certificate: {}", e.getMessage());
        }
        return names;
    }

    /** Writes the chain and the key as PEM, each file replaced atomically, the key created with mode 0600. */
    public void write(Path certificateFile, Path keyFile) throws IOException {
        writeAtomically(keyFile, Pem.encode(key), true);
        writeAtomically(certificateFile, Pem.encode(chain.toArray()), false);
    }

    /** The chain and key as an in-memory key store for Jetty, under {@code password}. */
    public KeyStore keyStore(char[] password) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("tandem", key, password, chain.toArray(X509Certificate[]::new));
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("an in-memory PKCS12 key store cannot fail to build", e);
        }
    }

    private static boolean belongTogether(X509Certificate cert, PrivateKey key) {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null || !cert.getPublicKey().getAlgorithm().equals(key.getAlgorithm())
                && !(key.getAlgorithm().startsWith("Ed") && cert.getPublicKey().getAlgorithm().startsWith("Ed"))) {
            return false;
        }
        try {
            byte[] probe = "tandem key check".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(algorithm);
            s.initSign(key);
            s.update(probe);
            byte[] signature = s.sign();
            Signature v = Signature.getInstance(algorithm);
            v.initVerify(cert.getPublicKey());
            v.update(probe);
            return v.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static boolean isIpAddress(String name) {
        return name.matches("[0-9.]+") || name.contains(":");
    }

    private static void writeAtomically(Path file, String text, boolean secret) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        if (secret) {
            // Created with mode 0600 before a byte of the key is written, so it is never readable by others.
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(tmp, text, StandardCharsets.US_ASCII);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "ServerIdentity[" + certificate().getSubjectX500Principal() + "]";
    }
}
