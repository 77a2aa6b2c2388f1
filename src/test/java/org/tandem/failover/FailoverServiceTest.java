package org.tandem.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.tandem.common.UserError;

class FailoverServiceTest {

    @Test
    void relationshipName_withDhcpdSyntax_isRefusedNamingTheField() {
        assertThatThrownBy(() -> FailoverService.relationshipName("dhcpFailoverRelationship.name", "fo\"; } subnet"))
                .isInstanceOfSatisfying(UserError.class, e -> assertThat(e.field()).isEqualTo("dhcpFailoverRelationship.name"));
        assertThatThrownBy(() -> FailoverService.relationshipName("n", "x".repeat(65))).isInstanceOf(UserError.class);
        assertThat(FailoverService.relationshipName("n", "fo-1.site_a")).isEqualTo("fo-1.site_a");
    }

    @Test
    void deconfigureAction_missingIsNone_unknownIsRefused() {
        assertThat(FailoverService.DeconfigureAction.parse("a", null)).isEqualTo(FailoverService.DeconfigureAction.None);
        assertThat(FailoverService.DeconfigureAction.parse("a", "Disable")).isEqualTo(FailoverService.DeconfigureAction.Disable);
        assertThatThrownBy(() -> FailoverService.DeconfigureAction.parse("a", "delete"))
                .isInstanceOf(UserError.class).hasMessageContaining("None, Disable or Delete");
    }
}
