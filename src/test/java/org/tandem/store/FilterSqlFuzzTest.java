package org.tandem.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.tandem.common.UserError;

/**
 * Any filter text either translates to SQL whose only literal text comes from the whitelist, or is
 * refused with a {@link UserError}; nothing else may escape. Runs its seeds as a normal test; set
 * JAZZER_FUZZ=1 to fuzz.
 */
class FilterSqlFuzzTest {

    private static final Fields FIELDS = Fields.withId("id").text("name", "name").bool("enabled", "enabled")
            .ref("rangeRef", "range_id", "ranges").ipv4("from", "first_ip").number("port", "port");

    @FuzzTest(maxDuration = "30s")
    void translate_onlyWhitelistedSqlOrUserError(FuzzedDataProvider data) {
        String filter = data.consumeRemainingAsString();
        FilterSql.Condition c;
        try {
            c = FilterSql.translate(filter, FIELDS);
        } catch (UserError e) {
            return;
        }
        String stripped = c.sql().replaceAll(":f[0-9]+", "").replaceAll("ESCAPE '\\\\'", "")
                .replaceAll("\\b(name|enabled|range_id|first_ip|port|LIKE|AND)\\b", "").replaceAll("1=1", "");
        assertThat(stripped).matches("[ =]*");
    }
}
