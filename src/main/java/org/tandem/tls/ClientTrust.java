package org.tandem.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The certificates Tandem's HTTPS clients (Central to agents and Kea Control Agents, the command line to Central) accept:
 * the JDK's public CAs plus an optional PEM bundle ({@code TrustedCertificates}, {@code $TANDEM_CA_FILE}), which may hold
 * a CA or a self-signed server certificate itself.
 *
 * <p>Central's clients are made in many places from a stored server row, so the Central process installs its trust once at
 * start ({@link #install}) and every client takes {@link #sslContext()}; one Central runs per process.
 */
public final class ClientTrust {

    private static volatile ClientTrust current = new ClientTrust("TrustedCertificates", List.of(), null);

    private final String field;
    private final List<X509Certificate> extra;
    private final Path source;
    private final SSLContext context;

    private ClientTrust(String field, List<X509Certificate> extra, Path source) {
        this.field = field;
        this.extra = List.copyOf(extra);
        this.source = source;
        this.context = build(this.extra);
    }

    /** The JDK's CAs plus every certificate in {@code bundle} (null: the JDK's CAs only); {@code field} names it in errors. */
    public static ClientTrust of(String field, Path bundle) {
        return bundle == null ? new ClientTrust(field, List.of(), null) : new ClientTrust(field, Pem.certificates(field, bundle), bundle);
    }

    /** Makes {@code trust} the one every client of this process uses from now on. */
    public static void install(ClientTrust trust) {
        current = trust;
    }

    /** The trust installed for this process (the JDK's CAs until something is installed). */
    public static ClientTrust current() {
        return current;
    }

    /** The TLS context for {@code HttpClient.Builder.sslContext}. */
    public SSLContext sslContext() {
        return context;
    }

    /** The extra certificates trusted beyond the JDK's CAs. */
    public List<X509Certificate> extraCertificates() {
        return extra;
    }

    /**
     * A message a person can act on when a TLS handshake with {@code who} failed, or null when {@code e} is no TLS
     * failure. The JDK's own words ("PKIX path building failed") say nothing to an administrator.
     */
    public String explain(IOException e, String who) {
        Throwable t = e;
        while (t != null && !(t instanceof SSLException)) {
            t = t.getCause();
        }
        if (t == null) {
            return null;
        }
        String detail = String.valueOf(t.getMessage());
        String trusted = source == null ? "the JDK's public CAs only" : "the JDK's public CAs and " + source;
        if (detail.contains("PKIX") || detail.contains("certification path") || detail.contains("unable to find valid")) {
            return who + " presented a certificate that is not trusted (trusted: " + trusted + "); add its CA or its"
                    + " self-signed certificate to the PEM bundle given in " + field;
        }
        if (detail.contains("No subject alternative") || detail.contains("No name matching")) {
            return who + " presented a certificate that is not issued for the address used to reach it (" + detail
                    + "); register the server under a name or address its certificate lists";
        }
        if (detail.contains("expired") || detail.contains("NotAfter")) {
            return who + " presented an expired certificate (" + detail + ")";
        }
        if (detail.contains("plaintext") || detail.contains("Unsupported or unrecognized SSL message")) {
            return who + " does not speak TLS on that port; register it without TLS or enable TLS on it";
        }
        return "TLS handshake with " + who + " failed: " + detail;
    }

    private static SSLContext build(List<X509Certificate> extra) {
        try {
            TrustManagerFactory jdk = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            jdk.init((KeyStore) null);
            List<TrustManager> managers = new ArrayList<>();
            if (extra.isEmpty()) {
                managers.add(jdk.getTrustManagers()[0]);
            } else {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                for (X509Certificate ca : ((X509TrustManager) jdk.getTrustManagers()[0]).getAcceptedIssuers()) {
                    ks.setCertificateEntry("jdk-" + ks.size(), ca);
                }
                for (X509Certificate c : extra) {
                    ks.setCertificateEntry("extra-" + ks.size(), c);
                }
                TrustManagerFactory both = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                both.init(ks);
                managers.add(both.getTrustManagers()[0]);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, managers.toArray(TrustManager[]::new), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("the JDK's default trust and an in-memory key store cannot fail to load", e);
        }
    }
}
