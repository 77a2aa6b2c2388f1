package org.tandem.central;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The password policy and password changes through JSON-RPC and REST (issue 17, finding 9). */
class PasswordsIT {

    private static final String READER_PASSWORD = "reader-password-Secret-1a2b";
    private TestCentral central;
    private String admin;

    @BeforeEach
    void start() {
        central = new TestCentral();
        admin = central.adminSession();
    }

    @AfterEach
    void stop() {
        if (central != null) {
            central.close();
        }
    }

    private JsonNode addUser(String name, String password, String role) {
        return central.rpc("AddUser", "{\"session\":\"" + admin + "\",\"user\":{\"name\":\"" + name + "\",\"password\":\"" + password
                + "\",\"role\":\"" + role + "\"}}");
    }

    // The probe's AddUser calls that went through.
    @Test
    void addUser_weakPasswords_areRefusedNamingTheField() {
        for (String[] c : List.of(new String[] {"password", "must be at least 12"}, new String[] {"12345678", "must be at least 12"},
                new String[] {"        ", "must be at least 12"}, new String[] {"            ", "only spaces"},
                new String[] {"carol-the-operator", "the user's name"}, new String[] {"password1234", "commonly used"})) {
            JsonNode a = addUser("carol-the-operator", c[0], "ReadOnly");
            assertThat(a.path("error").path("message").asText()).as(c[0]).startsWith("user.password: ").contains(c[1]);
        }
        TestCentral.Answer users = central.send("GET", "/mmws/api/v2/users", null, "Bearer " + admin);
        assertThat(users.text()).doesNotContain("carol-the-operator");
    }

    @Test
    void readOnlyUser_changesOwnPassword_overRpcAndRest_butNotAnothersNorItsRole() {
        assertThat(addUser("reader", READER_PASSWORD, "ReadOnly").has("result")).isTrue();
        String reader = central.login("reader", READER_PASSWORD);

        JsonNode wrongOld = central.rpc("ChangePassword", "{\"session\":\"" + reader + "\",\"oldPassword\":\"not-it-at-all\",\"newPassword\":\"reader-new-password-2\"}");
        assertThat(wrongOld.path("error").path("message").asText()).isEqualTo("oldPassword: is not the current password");
        JsonNode weak = central.rpc("ChangePassword", "{\"session\":\"" + reader + "\",\"oldPassword\":\"" + READER_PASSWORD + "\",\"newPassword\":\"12345678\"}");
        assertThat(weak.path("error").path("message").asText()).startsWith("newPassword: ");
        JsonNode ok = central.rpc("ChangePassword", "{\"session\":\"" + reader + "\",\"oldPassword\":\"" + READER_PASSWORD + "\",\"newPassword\":\"reader-new-password-2\"}");
        assertThat(ok.has("result")).as(ok.toString()).isTrue();
        assertThat(central.login("reader", "reader-new-password-2")).isNotBlank();

        TestCentral.Answer rest = central.send("PUT", "/mmws/api/v2/users/reader/password",
                "{\"oldPassword\":\"reader-new-password-2\",\"newPassword\":\"reader-new-password-3\"}", "Bearer " + reader);
        assertThat(rest.status()).as(rest.text()).isEqualTo(204);
        assertThat(central.login("reader", "reader-new-password-3")).isNotBlank();

        TestCentral.Answer others = central.send("PUT", "/mmws/api/v2/users/administrator/password",
                "{\"oldPassword\":\"x\",\"newPassword\":\"reader-owns-admin-now\"}", "Bearer " + reader);
        assertThat(others.status()).isEqualTo(403);
        TestCentral.Answer modify = central.send("PUT", "/mmws/api/v2/users/reader", "{\"user\":{\"role\":\"Administrator\"}}", "Bearer " + reader);
        assertThat(modify.status()).isEqualTo(403);
        JsonNode modifyRpc = central.rpc("ModifyUser", "{\"session\":\"" + reader + "\",\"userRef\":\"reader\",\"user\":{\"role\":\"Administrator\"}}");
        assertThat(modifyRpc.path("error").path("message").asText()).contains("read-only");
    }

    @Test
    void administrator_modifiesAnotherUser_overRpcAndRest() {
        addUser("reader", READER_PASSWORD, "ReadOnly");
        String readerSession = central.login("reader", READER_PASSWORD);
        JsonNode weak = central.rpc("ModifyUser", "{\"session\":\"" + admin + "\",\"userRef\":\"reader\",\"user\":{\"password\":\"reader\"}}");
        assertThat(weak.path("error").path("message").asText()).startsWith("user.password: ");

        JsonNode set = central.rpc("ModifyUser", "{\"session\":\"" + admin + "\",\"userRef\":\"reader\",\"user\":{\"password\":\"set-by-the-admin-1\"}}");
        assertThat(set.has("result")).as(set.toString()).isTrue();
        // A reset password ends the user's sessions.
        assertThat(central.rpc("GetUsers", "{\"session\":\"" + readerSession + "\"}").path("error").path("message").asText()).contains("Session");

        TestCentral.Answer role = central.send("PUT", "/mmws/api/v2/users/reader", "{\"user\":{\"role\":\"Administrator\"}}", "Bearer " + admin);
        assertThat(role.status()).as(role.text()).isEqualTo(204);
        TestCentral.Answer user = central.send("GET", "/mmws/api/v2/users/reader", null, "Bearer " + admin);
        assertThat(user.body().path("result").path("user").path("role").asText()).isEqualTo("Administrator");
        assertThat(central.login("reader", "set-by-the-admin-1")).isNotBlank();
    }
}
