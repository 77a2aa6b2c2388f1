package org.tandem.agent;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import org.tandem.dhcpd.DhcpdFailoverState;

/** The agent API's JSON mapping: ISO instants, failover states by their dhcpd names, unknown fields refused. */
final class AgentJson {

    private AgentJson() {}

    static ObjectMapper mapper() {
        SimpleModule states = new SimpleModule("dhcpd-failover-states");
        states.addSerializer(DhcpdFailoverState.class, new JsonSerializer<>() {
            @Override
            public void serialize(DhcpdFailoverState v, JsonGenerator g, SerializerProvider p) throws IOException {
                g.writeString(v.dhcpdName());
            }
        });
        states.addDeserializer(DhcpdFailoverState.class, new JsonDeserializer<>() {
            @Override
            public DhcpdFailoverState deserialize(JsonParser p, DeserializationContext c) throws IOException {
                String name = p.getValueAsString();
                return DhcpdFailoverState.fromDhcpdName(name == null ? "" : name)
                        .orElseThrow(() -> c.weirdStringException(name, DhcpdFailoverState.class, "not a dhcpd failover state"));
            }
        });
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .registerModule(states)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    }
}
