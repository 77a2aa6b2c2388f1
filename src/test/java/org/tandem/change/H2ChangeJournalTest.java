package org.tandem.change;

/** The journal on the embedded H2 database in PostgreSQL mode, as a single-node Central runs it. */
class H2ChangeJournalTest extends AbstractChangeJournalTest {

    @Override
    TestDatabases database() {
        return TestDatabases.h2();
    }
}
