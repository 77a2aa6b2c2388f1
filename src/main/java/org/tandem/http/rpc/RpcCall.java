package org.tandem.http.rpc;

import java.util.function.Supplier;
import org.tandem.auth.Actor;
import org.tandem.http.Params;
import org.tandem.store.ListQuery;

/** One JSON-RPC call as a command handler sees it: its checked parameters and its caller. */
public final class RpcCall {

    private final String method;
    private final Params params;
    private final Supplier<Actor> actor;
    private final String sessionToken;
    private final String sourceAddress;

    /** A call made in-process (no HTTP request, so no session token and no source address). */
    RpcCall(String method, Params params, Supplier<Actor> actor) {
        this(method, params, actor, null, null);
    }

    RpcCall(String method, Params params, Supplier<Actor> actor, String sessionToken) {
        this(method, params, actor, sessionToken, null);
    }

    RpcCall(String method, Params params, Supplier<Actor> actor, String sessionToken, String sourceAddress) {
        this.sessionToken = sessionToken;
        this.sourceAddress = sourceAddress;
        this.method = method;
        this.params = params;
        this.actor = actor;
    }

    /** The session token the call came with (Bearer header or {@code session} parameter), or null. */
    public String sessionToken() {
        return sessionToken;
    }

    public String method() {
        return method;
    }

    public Params params() {
        return params;
    }

    /** The logged-in caller (public commands such as Login have none and must not ask). */
    public Actor actor() {
        return actor.get();
    }

    /** The caller's IP address as seen by Central (login throttling counts failures per address). */
    public String sourceAddress() {
        return sourceAddress;
    }

    /** The optional {@code saveComment} every write command takes. */
    public String saveComment() {
        return params.string("saveComment");
    }

    public ListQuery listQuery() {
        return params.listQuery();
    }
}
