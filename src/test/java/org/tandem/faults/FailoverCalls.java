package org.tandem.faults;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.tandem.lab.DhcpdLab;

/**
 * The JSON-RPC calls the fault tests make, on a Central in this JVM or a child one: {@code rpc} sends
 * a method and its params and returns the whole answer; {@code log} says what the Central logged, for
 * failure messages. Holds the session.
 */
final class FailoverCalls {

    private final BiFunction<String, String, JsonNode> rpc;
    private final Supplier<String> log;
    private String session = "";

    FailoverCalls(BiFunction<String, String, JsonNode> rpc, Supplier<String> log) {
        this.rpc = rpc;
        this.log = log;
    }

    void login(String password) {
        session = rpc.apply("Login", "{\"loginName\":\"administrator\",\"password\":\"" + password + "\"}").path("result").path("session").asText();
    }

    /** The whole answer ({@code result} or {@code error}). */
    JsonNode answer(String method, String params) {
        String rest = params.substring(1).strip();
        return rpc.apply(method, "{\"session\":\"" + session + "\"" + (rest.equals("}") ? "" : ",") + rest);
    }

    /** The result; fails with the error and the Central's log. */
    JsonNode call(String method, String params) {
        JsonNode answer = answer(method, params);
        if (answer.has("error")) {
            throw new AssertionError(method + " failed: " + answer.path("error") + "\n" + log.get());
        }
        return answer.path("result");
    }

    /** Registers a lab dhcpd whose agent listens on loopback {@code agentPort}; returns its ref. */
    String addServer(String name, int agentPort, String token) {
        return call("AddDHCPServer", "{\"dhcpServer\":{\"name\":\"" + name + "\",\"type\":\"ISC\",\"address\":\"127.0.0.1\",\"port\":"
                + agentPort + ",\"agentToken\":\"" + token + "\"}}").path("ref").asText();
    }

    /** An empty load-balancing relationship between the lab's servers registered as {@code dhcp-a} (primary) and {@code dhcp-b}. */
    void addRelationship(String name, DhcpdLab lab) {
        call("AddDHCPFailoverRelationship", "{\"dhcpFailoverRelationship\":{\"name\":\"" + name + "\",\"primaryServer\":\"dhcp-a\","
                + "\"secondaryServer\":\"dhcp-b\",\"failoverMode\":\"LoadBalance\",\"mclt\":600,\"maxResponseDelay\":15,"
                + "\"primaryAddress\":\"" + lab.primary().address() + "\",\"secondaryAddress\":\"" + lab.secondary().address() + "\"}}");
    }

    /** Params of Add/RemoveDHCPScopes(To|From)DHCPFailoverRelationship for one scope; {@code extra} is appended (",\"k\":v"). */
    static String scopeParams(String serverRef, String relationship, String scope, String extra) {
        return "{\"dhcpServerRef\":\"" + serverRef + "\",\"dhcpFailoverRelationshipName\":\"" + relationship + "\",\"dhcpScopeRefs\":[\""
                + scope + "\"]" + extra + "}";
    }

    /** The ref of the scope starting at {@code first} on server {@code serverRef}. */
    String scope(String first, String serverRef) {
        for (JsonNode scope : call("GetDHCPScopes", "{}").path("dhcpScopes")) {
            if (scope.path("from").asText().equals(first) && scope.path("dhcpServerRef").asText().equals(serverRef)) {
                return scope.path("ref").asText();
            }
        }
        throw new AssertionError("no scope " + first + " on " + serverRef + "\n" + log.get());
    }

    /** A scope with one pool on {@code serverRef}, in the store only (as a user adds one before putting it in failover). */
    String scopeWithPool(String serverRef, String subnet, String from, String to) {
        String range = call("AddRange", "{\"range\":{\"name\":\"r-" + subnet.replace('/', '-') + "\",\"subnet\":\"" + subnet + "\"}}")
                .path("ref").asText();
        String scope = call("AddDHCPScope", "{\"dhcpScope\":{\"rangeRef\":\"" + range + "\",\"dhcpServerRef\":\"" + serverRef + "\"}}")
                .path("ref").asText();
        call("AddDHCPAddressPool", "{\"dhcpScopeRef\":\"" + scope + "\",\"dhcpAddressPool\":{\"from\":\"" + from + "\",\"to\":\"" + to + "\"}}");
        return scope;
    }
}
