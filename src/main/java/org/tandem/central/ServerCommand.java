package org.tandem.central;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.tandem.auth.AuthService;
import org.tandem.common.UserError;
import org.tandem.store.Database;
import org.tandem.store.SecretBox;
import org.tandem.tls.ServerIdentity;
import org.tandem.web.WebUi;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tandem server}: runs Tandem Central until stopped. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Runs Tandem Central: the API (JSON-RPC at /mmws/json, REST at /mmws/api/v2), its database and background jobs.")
public final class ServerCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "8080", description = "TCP port to listen on (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "0.0.0.0", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--data", defaultValue = "./data", description = "Data directory; holds the embedded database (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--db", description = "JDBC URL of the database, e.g. jdbc:postgresql://db/tandem?user=tandem (default: the embedded SQLite database tandem.db in --data).")
    String db;

    @Option(names = "--restore", paramLabel = "FILE", description = "Before starting, put back this backup (tandem backup FILE) as the"
            + " embedded database; the current one is kept as tandem.db.before-restore-TIME. Central must be stopped.")
    Path restore;

    @Option(names = "--config", description = "YAML config file; every key is checked at start (keys: DHCPSyncInterval, SessionTimeout, SessionMaxAge, MaxRequestBytes, FailoverStatePollInterval, ServerStepTimeout, Tls, TlsCertificate, TlsPrivateKey, TrustedCertificates; see docs/central.md and docs/tls.md).")
    Path config;

    @Override
    public Integer call() {
        if (port < 0 || port > 65535) {
            System.err.println("tandem server: --port must be from 0 to 65535, not " + port);
            return 2;
        }
        Central central;
        try {
            CentralConfig settings = config == null ? CentralConfig.defaults() : CentralConfig.load(config);
            String url = db;
            // The data directory holds the secret key and the TLS key even when the database is PostgreSQL.
            Files.createDirectories(data);
            restrictDirectory(data);
            SecretBox secrets = SecretBox.load(data, System.getenv(SecretBox.ENV));
            if (url == null) {
                url = Database.embeddedUrl(data);
            } else if (url.startsWith("jdbc:h2:")) {
                System.err.println("tandem server: --db: Central no longer runs on H2; leave --db out and give --data the directory"
                        + " of the H2 database (tandem.mv.db): it is moved to SQLite on start");
                return 2;
            } else {
                try {
                    Database.kindOf(url);
                } catch (IllegalArgumentException e) {
                    System.err.println("tandem server: --db: " + e.getMessage());
                    return 2;
                }
            }
            // Before anything opens the database: an older Tandem's H2 file is moved to SQLite once, a backup put back.
            if (db == null) {
                org.tandem.store.H2Import.runIfNeeded(data, Clock.systemUTC(), System.out);
            }
            if (restore != null) {
                org.tandem.store.SqliteBackup.restore(restore, url, Clock.systemUTC(), System.out);
            }
            // The self-signed certificate lives in the data directory even when the database is PostgreSQL.
            ServerIdentity tls = settings.tls().identity(data, Clock.systemUTC());
            central = Central.start(new Central.Options(host, port, url, settings, Clock.systemUTC(),
                    List.of(new org.tandem.sync.SyncExtension(), new WebUi()), administratorPassword(), tls, secrets));
            restrictFiles(data);
        } catch (UserError e) {
            System.err.println("tandem server: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            System.err.println("tandem server: cannot create data directory " + data + ": " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            // The database cannot be opened (wrong URL, locked by another Central, unreachable) or the
            // port is taken: say which, with the cause's own words, instead of a stack trace.
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            System.err.println("tandem server: cannot start on port " + port + " with database " + (db == null ? data : db)
                    + ": " + root.getMessage());
            return 1;
        }
        if (central.administratorCreated()) {
            if (fromEnv() != null) {
                System.out.println("Created user \"" + AuthService.ADMINISTRATOR + "\" with the password from TANDEM_ADMIN_PASSWORD.");
            } else {
                // Printed once, on first start only; it is stored only as a bcrypt hash.
                System.out.println("Created user \"" + AuthService.ADMINISTRATOR + "\" with password: " + generated);
                System.out.println("This password is shown only now; keep it safe.");
            }
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            central.close();
            stopped.countDown();
        }, "central-shutdown"));
        System.out.println("Tandem Central is ready on " + central.scheme() + "://" + host + ":" + central.port()
                + "/ (web UI /ui, JSON-RPC /mmws/json, REST /mmws/api and /mmws/api/v2, OpenAPI " + Central.OPENAPI_PATH + ")");
        System.out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private String generated;

    /** The data directory 0700: the database, the secret key and the TLS key are nobody else's business. */
    private static void restrictDirectory(Path dir) throws IOException {
        // Only when needed: a chmod fails on a read-only mount, and Central's own check must name that (issue 15).
        if (Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class)
                && !Files.getPosixFilePermissions(dir).equals(PosixFilePermissions.fromString("rwx------"))) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }

    /** The files in the data directory 0600, including a database created 0644 by the umask or by an older Tandem. */
    private static void restrictFiles(Path dir) {
        try (var files = Files.list(dir)) {
            if (!Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class)) {
                return;
            }
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
                }
            }
        } catch (IOException e) {
            // Central is up and the directory is 0700; a file left readable is worth a warning, not a stop.
            System.err.println("tandem server: warning: cannot make the files in " + dir + " private (0600): " + e.getMessage());
        }
    }

    private static String fromEnv() {
        String v = System.getenv("TANDEM_ADMIN_PASSWORD");
        return v == null || v.isEmpty() ? null : v;
    }

    private String administratorPassword() {
        if (fromEnv() != null) {
            return fromEnv();
        }
        byte[] bytes = new byte[15];
        new SecureRandom().nextBytes(bytes);
        generated = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        return generated;
    }
}
