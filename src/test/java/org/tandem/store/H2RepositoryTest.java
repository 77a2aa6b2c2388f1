package org.tandem.store;

import java.util.UUID;

/** The repository suite on the embedded H2 database (in memory, in PostgreSQL mode as Central runs it). */
class H2RepositoryTest extends AbstractRepositoryTest {

    @Override
    protected String freshDatabase() {
        return Database.inMemoryUrl("repo-" + UUID.randomUUID());
    }

    @Override
    protected void dropDatabase() {
        // Database.close() shut the in-memory database down; nothing is left.
    }
}
