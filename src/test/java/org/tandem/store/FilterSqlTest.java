package org.tandem.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.tandem.common.UserError;

class FilterSqlTest {

    private static final Fields FIELDS = Fields.withId("id").text("name", "name").bool("enabled", "enabled")
            .ref("rangeRef", "range_id", "ranges").ipv4("from", "first_ip").number("port", "port");

    @Test
    void equals_withoutAnchors_comparesWholeValue() {
        var c = FilterSql.translate("name=office", FIELDS);
        assertThat(c.sql()).isEqualTo("name = :f0");
        assertThat(c.params()).containsEntry("f0", "office");
    }

    @Test
    void colon_isContains_andAnchorsNarrowIt() {
        assertThat(FilterSql.translate("name:off", FIELDS).params()).containsEntry("f0", "%off%");
        assertThat(FilterSql.translate("name:^10.1.", FIELDS).params()).containsEntry("f0", "10.1.%");
        assertThat(FilterSql.translate("name:/24$", FIELDS).params()).containsEntry("f0", "%/24");
        assertThat(FilterSql.translate("name=^a$", FIELDS).sql()).isEqualTo("name = :f0");
    }

    @Test
    void and_joinsTerms_outsideQuotes() {
        var c = FilterSql.translate("name=\"a AND b\" AND enabled=true AND rangeRef=ranges/7", FIELDS);
        assertThat(c.sql()).isEqualTo("name = :f0 AND enabled = :f1 AND range_id = :f2");
        assertThat(c.params()).containsEntry("f0", "a AND b").containsEntry("f1", true).containsEntry("f2", 7L);
    }

    @Test
    void likeWildcardsInValues_areEscaped() {
        assertThat(FilterSql.translate("name:50%_x", FIELDS).params()).containsEntry("f0", "%50\\%\\_x%");
    }

    @Test
    void injectionAttempt_staysABoundValue() {
        var c = FilterSql.translate("name='; DROP TABLE users; --", FIELDS);
        assertThat(c.sql()).isEqualTo("name = :f0");
        assertThat(c.params()).containsEntry("f0", "'; DROP TABLE users; --");
    }

    @Test
    void unknownField_isRefusedNamingIt() {
        assertThatThrownBy(() -> FilterSql.translate("password=x", FIELDS))
                .isInstanceOf(UserError.class).hasMessageContaining("filter").hasMessageContaining("\"password\"");
    }

    @Test
    void typedFields_refuseValuesOfTheWrongType() {
        assertThatThrownBy(() -> FilterSql.translate("enabled=yes", FIELDS)).hasMessageContaining("true or false");
        assertThatThrownBy(() -> FilterSql.translate("from=10.0.0", FIELDS)).isInstanceOf(UserError.class);
        assertThatThrownBy(() -> FilterSql.translate("rangeRef=dhcpScopes/1", FIELDS)).hasMessageContaining("ranges/12");
        assertThatThrownBy(() -> FilterSql.translate("port:^80", FIELDS)).hasMessageContaining("compared whole");
        assertThat(FilterSql.translate("from=10.0.0.1", FIELDS).params()).containsEntry("f0", 0x0A000001L);
    }

    @Test
    void malformedTerms_areRefused() {
        assertThatThrownBy(() -> FilterSql.translate("name", FIELDS)).hasMessageContaining("field=value");
        assertThatThrownBy(() -> FilterSql.translate("name=\"open", FIELDS)).hasMessageContaining("unclosed");
    }

    @Test
    void sortBy_unknownField_isRefusedNamingSortBy() {
        assertThatThrownBy(() -> FilterSql.orderBy(new ListQuery(null, 0, 10, "nope", false), FIELDS))
                .isInstanceOf(UserError.class).hasMessageStartingWith("sortBy:");
        assertThat(FilterSql.orderBy(new ListQuery(null, 0, 10, "name", true), FIELDS)).isEqualTo("name DESC NULLS FIRST, id DESC");
    }

    @Test
    void micetroPrefixOperators_containsEndsWithStartsWith_beforeAQuotedValue() {
        assertThat(FilterSql.translate("name=@\"off ice\"", FIELDS).params()).containsEntry("f0", "%off ice%");
        assertThat(FilterSql.translate("name=$\"/24\"", FIELDS).params()).containsEntry("f0", "%/24");
        assertThat(FilterSql.translate("name=^\"10.1.\"", FIELDS).params()).containsEntry("f0", "10.1.%");
        assertThat(FilterSql.translate("name=@50%", FIELDS).params()).containsEntry("f0", "%50\\%%");
        assertThatThrownBy(() -> FilterSql.translate("port=@80", FIELDS)).hasMessageContaining("compared whole");
    }

    @Test
    void refs_matchTheirResourceInAnyCase() {
        assertThat(FilterSql.translate("rangeRef=Ranges/6", FIELDS).params()).containsEntry("f0", 6L);
        assertThat(FilterSql.translate("name=N AND rangeRef=RANGES/7", FIELDS).params()).containsEntry("f1", 7L);
    }

    @Test
    void bareAddressOrSubnet_onRowsHoldingAddresses_matchesTheRowsThatHoldIt() {
        Fields ranges = Fields.withId("id").text("name", "name").holding("first_ip", "last_ip");
        var cidr = FilterSql.translate("192.0.2.0/24", ranges);
        assertThat(cidr.sql()).isEqualTo("(first_ip <= :f0a AND last_ip >= :f0b)");
        assertThat(cidr.params()).containsEntry("f0a", 0xC0000200L).containsEntry("f0b", 0xC00002FFL);
        assertThat(FilterSql.translate("192.0.2.7", ranges).params()).containsEntry("f0a", 0xC0000207L).containsEntry("f0b", 0xC0000207L);
        assertThat(FilterSql.translate("examplenet", ranges).sql()).isEqualTo("name = :f0");
        assertThatThrownBy(() -> FilterSql.translate("192.0.2.7/24", ranges)).hasMessageContaining("host bits");
        assertThatThrownBy(() -> FilterSql.translate("192.0.2.300", ranges)).isInstanceOf(UserError.class).hasMessageStartingWith("filter");
        assertThatThrownBy(() -> FilterSql.translate("192.0.2.0/24", FIELDS)).hasMessageContaining("field=value");
    }
}
