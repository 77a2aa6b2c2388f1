package org.tandem.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tandem.common.UserError;
import org.tandem.web.View.Field;

class PagesTest {

    private static final Pages.DialogSpec SPEC = new Pages.DialogSpec("Add", "/x", "Add", v -> List.of(
            Field.number("percentage", "Percentage", v.getOrDefault("percentage", ""), null),
            Field.number("maxResponseDelay", "Max response delay (s)", v.getOrDefault("maxResponseDelay", ""), null),
            Field.text("addresses", "IP address", v.getOrDefault("addresses", ""))));

    private static View.Field errorAt(Map<String, String> values, UserError e, String field) {
        View.Dialog d = Pages.withError(SPEC, values, e);
        assertThat(d.error()).isNull();
        return d.fields().stream().filter(f -> f.name().equals(field)).findFirst().orElseThrow();
    }

    @Test
    void withError_webRangeCheck_isShownAtTheFieldWithoutRepeatingItsLabel() {
        Map<String, String> v = Map.of("percentage", "150", "maxResponseDelay", "0");
        UserError percentage = catchThrowableOfType(UserError.class, () -> Pages.number(v, "percentage", "Percentage", 0, 100));
        assertThat(errorAt(v, percentage, "percentage").error()).isEqualTo("Percentage must be from 0 to 100, not 150");
        UserError delay = catchThrowableOfType(UserError.class, () -> Pages.number(v, "maxResponseDelay", "Max response delay", 1, 3600));
        assertThat(errorAt(v, delay, "maxResponseDelay").error()).isEqualTo("Max response delay must be from 1 to 3600, not 0");
    }

    @Test
    void withError_apiFieldPath_isReplacedByTheFieldsLabel() {
        UserError e = UserError.invalid("reservation.addresses", "10.31.0.5 is outside the scope 10.30.0.0/24");
        assertThat(errorAt(Map.of(), e, "addresses").error()).isEqualTo("IP address: 10.31.0.5 is outside the scope 10.30.0.0/24");
    }
}
