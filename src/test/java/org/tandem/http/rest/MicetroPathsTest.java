package org.tandem.http.rest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MicetroPathsTest {

    @Test
    void unversionedPrefix_mapsOntoTheV2Routes() {
        assertThat(MicetroPaths.normalise("/mmws/api/Ranges")).isEqualTo("/mmws/api/v2/Ranges");
        assertThat(MicetroPaths.normalise("/mmws/api/ranges/6")).isEqualTo("/mmws/api/v2/ranges/6");
        assertThat(MicetroPaths.normalise("/mmws/api/v2/dhcpScopes")).isEqualTo("/mmws/api/v2/dhcpScopes");
        assertThat(MicetroPaths.normalise("/mmws/api/V2/dhcpScopes")).isEqualTo("/mmws/api/v2/dhcpScopes");
    }

    @Test
    void refAppendedToItsCollection_collapsesToTheRef() {
        assertThat(MicetroPaths.normalise("/mmws/api/Users/users/3")).isEqualTo("/mmws/api/v2/users/3");
        assertThat(MicetroPaths.normalise("/mmws/api/DHCPScopes/dhcpScopes/5/Options")).isEqualTo("/mmws/api/v2/dhcpScopes/5/Options");
        // A name equal to its collection is not a ref form: only numeric ids collapse.
        assertThat(MicetroPaths.normalise("/mmws/api/users/users")).isEqualTo("/mmws/api/v2/users/users");
        assertThat(MicetroPaths.normalise("/mmws/api/users/users/password")).isEqualTo("/mmws/api/v2/users/users/password");
    }

    @Test
    void otherPaths_areUnchanged() {
        assertThat(MicetroPaths.normalise("/mmws/json")).isEqualTo("/mmws/json");
        assertThat(MicetroPaths.normalise("/ui/scopes")).isEqualTo("/ui/scopes");
        assertThat(MicetroPaths.normalise("/mmws/apix")).isEqualTo("/mmws/apix");
    }

    @Test
    void emptyQueryParameters_areDropped() {
        assertThat(MicetroPaths.withoutEmptyParameters("&filter=name%3Dx&&sortBy=name&")).isEqualTo("filter=name%3Dx&sortBy=name");
        assertThat(MicetroPaths.withoutEmptyParameters("")).isEqualTo("");
    }
}
