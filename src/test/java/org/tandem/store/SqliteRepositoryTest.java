package org.tandem.store;

import java.util.UUID;

/** The repository suite on the embedded SQLite database, in a temporary file as Central runs it in its data directory. */
class SqliteRepositoryTest extends AbstractRepositoryTest {

    @Override
    protected String freshDatabase() {
        return Database.temporaryUrl("repo-" + UUID.randomUUID());
    }

    @Override
    protected void dropDatabase() {
        // Database.close() removed the temporary file; nothing is left.
    }
}
