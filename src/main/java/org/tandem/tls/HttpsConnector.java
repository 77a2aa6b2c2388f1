package org.tandem.tls;

import io.javalin.config.JavalinConfig;
import java.security.SecureRandom;
import java.util.Base64;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** Makes a Javalin server listen with HTTPS only, on the given address, presenting a {@link ServerIdentity}. */
public final class HttpsConnector {

    private HttpsConnector() {}

    /**
     * Replaces Javalin's plain HTTP connector: once a connector is added Javalin adds none of its own, so the port speaks
     * TLS only and a plain HTTP request gets no answer.
     */
    public static void install(JavalinConfig config, ServerIdentity identity, String host, int port) {
        config.jetty.addConnector((server, http) -> {
            // The key store lives only in memory; its password only satisfies the KeyStore API.
            byte[] random = new byte[18];
            new SecureRandom().nextBytes(random);
            char[] password = Base64.getEncoder().encodeToString(random).toCharArray();
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStore(identity.keyStore(password));
            ssl.setKeyStorePassword(new String(password));
            HttpConfiguration https = new HttpConfiguration(http);
            // Clients reach servers by IP address too, which sends no SNI; Jetty's SNI host check would refuse them.
            https.addCustomizer(new SecureRequestCustomizer(false));
            ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()),
                    new HttpConnectionFactory(https));
            connector.setHost(host);
            connector.setPort(port);
            return connector;
        });
    }
}
