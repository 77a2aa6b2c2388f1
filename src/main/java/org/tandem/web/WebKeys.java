package org.tandem.web;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web UI's signing key, kept in the database: a key drawn per process made every node of a cluster refuse the
 * others' forms, and every restart refuse the forms already open in browsers (issue 17, finding 8).
 */
final class WebKeys {

    private static final Logger log = LoggerFactory.getLogger(WebKeys.class);
    static final String CSRF = "csrf";

    private WebKeys() {
    }

    /** The named key, made on first use; two nodes starting at once agree on the one that was stored first. */
    static byte[] get(Jdbi jdbi, String name) {
        Optional<String> stored = read(jdbi, name);
        if (stored.isEmpty()) {
            byte[] fresh = new byte[32];
            new SecureRandom().nextBytes(fresh);
            try {
                jdbi.useHandle(h -> h.createUpdate("INSERT INTO web_keys (name, secret) VALUES (:name, :secret)")
                        .bind("name", name).bind("secret", Base64.getEncoder().encodeToString(fresh)).execute());
                log.info("made the web UI's {} key", name);
            } catch (RuntimeException e) {
                // Another node inserted it between our read and our insert (the primary key refused ours): use theirs.
                log.debug("web key {} was made by another node", name, e);
            }
            stored = read(jdbi, name);
        }
        return Base64.getDecoder().decode(stored.orElseThrow(() -> new IllegalStateException("web key " + name + " could not be stored")));
    }

    private static Optional<String> read(Jdbi jdbi, String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT secret FROM web_keys WHERE name = :name").bind("name", name)
                .mapTo(String.class).findOne());
    }
}
