package org.tandem.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.tandem.kea.ha.KeaHaService;

/** Kea HA action answers as the JSON-RPC commands and REST routes return them. */
public final class KeaHaObjects {

    private KeaHaObjects() {}

    /** {@code {dhcpServerRef, server, command, arguments, answer, haStateBefore}}; {@code answer} is Kea's own text. */
    public static ObjectNode toApi(KeaHaService.Outcome o) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("dhcpServerRef", o.server().ref());
        n.put("server", o.server().name());
        n.put("command", o.action().kea());
        n.set("arguments", Json.MAPPER.valueToTree(o.arguments()));
        n.put("answer", o.answer());
        n.put("haStateBefore", o.stateBefore());
        return n;
    }
}
