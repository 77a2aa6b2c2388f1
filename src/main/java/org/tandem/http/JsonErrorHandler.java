package org.tandem.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's answer to requests it refuses before any route sees them (a NUL or an ambiguous segment in
 * the path, a malformed header, an oversized body): the API's own error shape instead of Jetty's HTML
 * page, so every client gets an error object it can read. On the JSON-RPC path the answer is a
 * JSON-RPC error with a null id (the request was never read).
 */
public final class JsonErrorHandler extends ErrorHandler {

    private final String rpcPath;

    public JsonErrorHandler(String rpcPath) {
        this.rpcPath = rpcPath;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        String reason = message == null || message.isBlank() ? "the request is malformed" : message;
        String text = "The request was refused before reaching the API (HTTP " + code + "): " + reason;
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        boolean rpc = rpcPath.equals(Request.getPathInContext(request));
        if (rpc) {
            body.put("jsonrpc", "2.0");
        }
        body.putObject("error").put("code", rpc ? ErrorCodes.INVALID_REQUEST : code == 413 ? ErrorCodes.BODY_TOO_LARGE : ErrorCodes.INVALID_PARAMS)
                .put("message", text);
        if (rpc) {
            body.putNull("id");
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        // Jetty drops the connection after refusing a request it could not route (e.g. a NUL in the
        // path) without saying so; a keep-alive client would then send its next request into a closed
        // socket. Saying "close" makes every client open a fresh connection.
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        response.write(true, ByteBuffer.wrap(Json.write(body)), callback);
    }
}
