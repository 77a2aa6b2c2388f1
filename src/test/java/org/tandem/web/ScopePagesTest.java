package org.tandem.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScopePagesTest {

    @Test
    void natural_numbersInNames_sortByValueNotByCharacter() {
        List<String> names = new ArrayList<>(List.of("net-10", "net-2", "Net-1", "net-02a", "office", "net-2"));
        names.sort(ScopePages::natural);
        assertThat(names).containsExactly("Net-1", "net-2", "net-2", "net-02a", "net-10", "office");
    }
}
