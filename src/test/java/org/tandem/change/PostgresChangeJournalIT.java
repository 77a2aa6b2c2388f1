package org.tandem.change;

/** The journal on PostgreSQL ({@code TANDEM_TEST_PG_URL}), as several Central nodes share it. */
class PostgresChangeJournalIT extends AbstractChangeJournalTest {

    @Override
    TestDatabases database() {
        return TestDatabases.postgres();
    }
}
