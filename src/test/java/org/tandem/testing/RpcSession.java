package org.tandem.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.tandem.central.TestCentral;

/**
 * One signed-in user's JSON-RPC calls to a test Central. Params are a JSON object text without the session, which
 * is added: {@code call} answers the result (failing the test on an error), {@code error} the error (failing on a result).
 */
public final class RpcSession {

    /** Long enough for a change that restarts both servers of a pair and waits for them. */
    private static final Duration WRITE_TIMEOUT = Duration.ofMinutes(5);

    private final TestCentral central;
    private final String session;

    public RpcSession(TestCentral central, String user, String password) {
        this.central = central;
        this.session = central.login(user, password);
    }

    /** The administrator's session. */
    public static RpcSession administrator(TestCentral central) {
        return new RpcSession(central, "administrator", TestCentral.ADMIN_PASSWORD);
    }

    public JsonNode call(String method, String params) {
        JsonNode answer = central.rpc(method, withSession(params), WRITE_TIMEOUT);
        if (answer.has("error")) {
            throw new AssertionError(method + " failed: " + answer.path("error"));
        }
        return answer.path("result");
    }

    public JsonNode error(String method, String params) {
        JsonNode answer = central.rpc(method, withSession(params), WRITE_TIMEOUT);
        assertThat(answer.has("error")).as(method + " should fail: " + answer).isTrue();
        return answer.path("error");
    }

    private String withSession(String params) {
        String rest = params.substring(1).strip();
        return "{\"session\":\"" + session + "\"" + (rest.equals("}") ? "" : ",") + rest;
    }
}
