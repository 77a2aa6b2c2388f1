package org.tandem.kea.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Objects;
import org.tandem.common.Text;
import org.tandem.common.UserError;

/**
 * Sends control commands to one Kea DHCPv4 server and checks every answer: it must be one JSON object (the Control
 * Agent wraps it in a one-element array) with an integer {@code result}, an optional string {@code text} and optional
 * {@code arguments}, no larger than the size limit. Anything else is a {@link KeaProtocolError}.
 */
public final class KeaClient {

    /** Kea 2.2 with 20,000 subnets answers config-get with about 15 MB; 256 MiB leaves room and stops a runaway peer. */
    public static final long DEFAULT_MAX_RESPONSE_BYTES = 256L << 20;

    static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(64 << 20).maxNestingDepth(200).maxNumberLength(40).build())
            .build();
    private static final ObjectMapper MAPPER = new ObjectMapper(JSON);

    private final String server;
    private final KeaEndpoint endpoint;
    private final KeaTransport transport;
    private final long maxResponseBytes;
    private volatile KeaVersion version;

    public KeaClient(String server, KeaEndpoint endpoint) {
        this(server, endpoint, DEFAULT_MAX_RESPONSE_BYTES);
    }

    public KeaClient(String server, KeaEndpoint endpoint, long maxResponseBytes) {
        this(server, endpoint, transportFor(endpoint), maxResponseBytes);
    }

    KeaClient(String server, KeaEndpoint endpoint, KeaTransport transport, long maxResponseBytes) {
        this.server = Objects.requireNonNull(server, "server");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.transport = transport;
        this.maxResponseBytes = maxResponseBytes;
    }

    private static KeaTransport transportFor(KeaEndpoint endpoint) {
        return switch (endpoint) {
            case KeaEndpoint.ControlAgent ca -> new HttpTransport(ca.url(), ca.auth(), ca.timeout());
            case KeaEndpoint.DaemonHttp d -> new HttpTransport(d.url(), d.auth(), d.timeout());
            case KeaEndpoint.UnixSocket u -> new UnixSocketTransport(u.path(), u.timeout());
            case KeaEndpoint.Agent a -> HttpTransport.toAgent(a);
        };
    }

    public String server() {
        return server;
    }

    public KeaEndpoint endpoint() {
        return endpoint;
    }

    /** Reads the arguments value of an answer from the parser positioned on its first token; must consume it all. */
    @FunctionalInterface
    public interface ArgumentsReader<T> {
        T read(JsonParser parser) throws IOException;
    }

    /** An answer whose arguments were read by a caller's reader (e.g. the streaming config reader). */
    public record Streamed<T>(KeaResponse envelope, T value) {}

    /** Sends a command (arguments may be null) and returns the checked answer, whatever its result code. */
    public KeaResponse call(String command, JsonNode arguments) {
        Streamed<JsonNode> s = call(command, arguments, p -> MAPPER.readTree(p));
        KeaResponse e = s.envelope();
        return new KeaResponse(e.server(), e.command(), e.code(), e.text(), s.value());
    }

    /** Sends a command and requires result 0 ({@code emptyIsFine}: or 3). */
    public KeaResponse ok(String command, JsonNode arguments, boolean emptyIsFine) {
        return call(command, arguments).requireSuccess(emptyIsFine);
    }

    /** Sends a command and lets {@code reader} consume the arguments as a stream (large answers like config-get). */
    public <T> Streamed<T> call(String command, JsonNode arguments, ArgumentsReader<T> reader) {
        byte[] request = request(command, arguments);
        byte[] body;
        try {
            body = transport.exchange(command, request, maxResponseBytes);
        } catch (KeaTransport.TooLargeException e) {
            throw KeaProtocolError.of(server, command, e.getMessage() + " (limit set to protect Central's memory)", e);
        } catch (KeaTransport.HttpStatusException e) {
            if (e.status == 401 || e.status == 403) {
                throw new UserError(UserError.Kind.AUTHENTICATION, null, "Kea server \"" + server + "\" rejected the credentials for '"
                        + command + "' (HTTP " + e.status + "); check the " + (endpoint instanceof KeaEndpoint.Agent
                        ? "agent token registered for" : "basic-auth user and password of") + " " + endpoint.describe(), e);
            }
            throw KeaProtocolError.of(server, command, "HTTP status " + e.status + " from " + endpoint.describe() + ": " + e.body.strip(), e);
        } catch (IOException e) {
            throw KeaProtocolError.unreachable(server, command, endpoint.describe(), e);
        }
        return parse(command, body, reader);
    }

    /**
     * The raw answer bytes of a command, unchecked: for diagnostics and for measuring the bare round trip that a
     * checked call adds its parsing to. Never use the result as a trusted answer.
     */
    public byte[] rawExchange(String command, JsonNode arguments) throws IOException {
        return transport.exchange(command, request(command, arguments), maxResponseBytes);
    }

    /** The server's version, asked once with {@code version-get} and then remembered. */
    public KeaVersion version() {
        KeaVersion v = version;
        if (v == null) {
            KeaResponse r = ok("version-get", null, false);
            v = KeaVersion.parse(r.text());
            if (v == null) {
                throw KeaProtocolError.of(server, "version-get", "the version text \"" + clip(r.text()) + "\" is not major.minor.patch");
            }
            version = v;
        }
        return v;
    }

    /** Forgets the remembered version, e.g. after the server was upgraded and restarted. */
    public void forgetVersion() {
        version = null;
    }

    byte[] request(String command, JsonNode arguments) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(arguments == null ? 128 : 64 * 1024);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("command", command);
            // The agent routes by "service"; a Kea 3.x daemon or a unix socket is the service itself.
            if (endpoint instanceof KeaEndpoint.ControlAgent) {
                g.writeArrayFieldStart("service");
                g.writeString("dhcp4");
                g.writeEndArray();
            }
            if (arguments != null) {
                g.writeFieldName("arguments");
                MAPPER.writeTree(g, arguments);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        return out.toByteArray();
    }

    <T> Streamed<T> parse(String command, byte[] body, ArgumentsReader<T> reader) {
        if (body.length == 0) {
            throw KeaProtocolError.of(server, command, "the answer is empty");
        }
        try (JsonParser p = JSON.createParser(body)) {
            p.setCodec(MAPPER);
            JsonToken first = p.nextToken();
            boolean wrapped = first == JsonToken.START_ARRAY;
            if (wrapped) {
                JsonToken t = p.nextToken();
                if (t == JsonToken.END_ARRAY) {
                    throw KeaProtocolError.of(server, command, "the answer is an empty list");
                }
                if (t != JsonToken.START_OBJECT) {
                    throw KeaProtocolError.of(server, command, "the answer list holds " + describe(t) + " instead of an object");
                }
            } else if (first != JsonToken.START_OBJECT) {
                throw KeaProtocolError.of(server, command, "the answer is " + describe(first) + ", not a JSON object");
            }
            Integer code = null;
            String text = null;
            T value = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "result" -> {
                        if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
                            throw KeaProtocolError.of(server, command, "\"result\" is " + describe(t) + ", not a small integer");
                        }
                        code = p.getIntValue();
                    }
                    case "text" -> {
                        if (t != JsonToken.VALUE_STRING && t != JsonToken.VALUE_NULL) {
                            throw KeaProtocolError.of(server, command, "\"text\" is " + describe(t) + ", not a string");
                        }
                        text = p.getValueAsString();
                    }
                    case "arguments" -> value = reader.read(p);
                    default -> p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT) {
                throw KeaProtocolError.of(server, command, "the answer object is not closed properly");
            }
            if (wrapped) {
                JsonToken t = p.nextToken();
                if (t == JsonToken.START_OBJECT) {
                    throw KeaProtocolError.of(server, command, "the answer list holds more than one answer");
                }
                if (t != JsonToken.END_ARRAY) {
                    throw KeaProtocolError.of(server, command, "the answer list is not closed properly");
                }
            }
            if (p.nextToken() != null) {
                throw KeaProtocolError.of(server, command, "there is trailing data after the answer");
            }
            if (code == null) {
                throw KeaProtocolError.of(server, command, "the answer has no \"result\"");
            }
            return new Streamed<>(new KeaResponse(server, command, code, text, null), value);
        } catch (JsonProcessingException e) {
            throw KeaProtocolError.of(server, command, "not valid JSON (" + Text.jsonProblem(e) + ")", e);
        } catch (IOException e) {
            throw KeaProtocolError.of(server, command, "could not be read (" + e.getMessage() + ")", e);
        }
    }

    private static String describe(JsonToken t) {
        if (t == null) {
            return "missing";
        }
        return switch (t) {
            case START_ARRAY -> "a list";
            case START_OBJECT -> "an object";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.name();
        };
    }

    static String clip(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }

    /** The shared mapper for building small argument objects. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
