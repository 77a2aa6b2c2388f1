package org.tandem.change;

/** The journal on the embedded SQLite database, as a single-node Central runs it. */
class SqliteChangeJournalTest extends AbstractChangeJournalTest {

    @Override
    TestDatabases database() {
        return TestDatabases.sqlite();
    }
}
