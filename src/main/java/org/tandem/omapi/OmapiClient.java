package org.tandem.omapi;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import org.tandem.dhcpd.DhcpdFailoverState;

/**
 * A client for ISC dhcpd's OMAPI control protocol: reads a failover relationship's state and sets
 * the local state (partner-down). Written by hand from the wire format (see {@link OmapiCodec}); no
 * Java OMAPI library exists. One instance is one TCP connection; it is not thread-safe.
 *
 * <p>Authentication follows omapip/protocol.c: an unsigned OPEN of an {@code authenticator} object
 * naming the key; the handle in the reply is the authid every later message carries, each signed
 * with HMAC-MD5 over everything after the authid. dhcpd signs its replies the same way and the
 * client checks them.
 */
public final class OmapiClient implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final OmapiKey key;
    private final Duration timeout;
    private final OmapiCodec.Limits limits;
    private final String where;
    private long nextTid;
    private long authId;
    private Instant deadline;

    OmapiClient(Socket socket, InputStream in, OutputStream out, OmapiKey key, Duration timeout,
                OmapiCodec.Limits limits, long firstTid, String where) {
        this.socket = socket;
        this.in = in;
        this.out = out;
        this.key = key;
        this.timeout = timeout;
        this.limits = limits;
        this.nextTid = firstTid;
        this.where = where;
    }

    /**
     * Connects, exchanges greetings and, with a key, authenticates. Each step, and each later
     * request, must complete within {@code timeout}.
     */
    public static OmapiClient connect(String host, int port, OmapiKey key, Duration timeout) {
        String where = "OMAPI at " + host + ":" + port;
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
            socket.setTcpNoDelay(true);
            OmapiClient client = new OmapiClient(socket, socket.getInputStream(), socket.getOutputStream(), key, timeout,
                    OmapiCodec.Limits.DEFAULT, ThreadLocalRandom.current().nextLong(1, 0x7fff0000L), where);
            client.start();
            return client;
        } catch (IOException e) {
            closeQuietly(socket);
            throw unreachable(where, e);
        } catch (RuntimeException e) {
            closeQuietly(socket);
            throw e;
        }
    }

    /** Greets and authenticates; package-private so tests can run it over a fake peer's streams. */
    void start() throws IOException {
        armDeadline();
        out.write(OmapiCodec.handshake());
        out.flush();
        byte[] greeting = new byte[8];
        readFully(greeting, 0, 8);
        OmapiCodec.checkHandshake(greeting);
        if (key != null) {
            Map<String, byte[]> msg = Map.of("type", OmapiMessage.text("authenticator"));
            Map<String, byte[]> obj = new LinkedHashMap<>();
            obj.put("name", OmapiMessage.text(key.name()));
            obj.put("algorithm", OmapiMessage.text(OmapiKey.HMAC_MD5_WIRE_NAME));
            OmapiMessage reply = request(OmapiOp.OPEN, 0, msg, obj, false);
            if (reply.op() != OmapiOp.UPDATE || reply.handle() == 0) {
                throw new OmapiException(OmapiException.Problem.PROTOCOL,
                        where + " answered the key announcement with " + reply.op() + " instead of an authenticator handle");
            }
            authId = reply.handle();
        }
    }

    /** Reads the failover relationship {@code relationship} (the name in {@code failover peer "NAME"}). */
    public FailoverStatus failoverState(String relationship) {
        return toStatus(openFailoverState(relationship));
    }

    /**
     * Sets the local state of the relationship; dhcpd only honours writes to {@code local-state},
     * and the usual one is {@link DhcpdFailoverState#PARTNER_DOWN}. Returns the state read back.
     */
    public FailoverStatus setLocalState(String relationship, DhcpdFailoverState state) {
        OmapiMessage opened = openFailoverState(relationship);
        Map<String, byte[]> obj = Map.of("local-state", OmapiMessage.u32(state.omapiValue()));
        OmapiMessage reply = call(OmapiOp.UPDATE, opened.handle(), Map.of(), obj);
        if (reply.op() != OmapiOp.STATUS && reply.op() != OmapiOp.UPDATE) {
            throw new OmapiException(OmapiException.Problem.PROTOCOL,
                    where + " answered the state change with " + reply.op());
        }
        return failoverState(relationship);
    }

    private OmapiMessage openFailoverState(String relationship) {
        if (relationship == null || relationship.isEmpty() || relationship.length() > 255) {
            throw new IllegalArgumentException("relationship name must be 1..255 characters");
        }
        Map<String, byte[]> msg = Map.of("type", OmapiMessage.text("failover-state"));
        Map<String, byte[]> obj = Map.of("name", OmapiMessage.text(relationship));
        OmapiMessage reply = call(OmapiOp.OPEN, 0, msg, obj);
        if (reply.op() != OmapiOp.UPDATE) {
            throw new OmapiException(OmapiException.Problem.PROTOCOL,
                    where + " answered OPEN failover-state with " + reply.op());
        }
        return reply;
    }

    private OmapiMessage call(OmapiOp op, long handle, Map<String, byte[]> msg, Map<String, byte[]> obj) {
        try {
            return request(op, handle, msg, obj, key != null);
        } catch (IOException e) {
            throw unreachable(where, e);
        }
    }

    private OmapiMessage request(OmapiOp op, long handle, Map<String, byte[]> msg, Map<String, byte[]> obj, boolean signed)
            throws IOException {
        armDeadline();
        long tid = nextTid++;
        OmapiCodec.Signer signer = signed ? key.signer() : null;
        out.write(OmapiCodec.encode(signed ? authId : 0, op, handle, tid, 0, msg, obj, signer));
        out.flush();
        OmapiMessage reply = OmapiCodec.decode(this::readFully, limits, key == null ? null : key.signer());
        if (signed && reply.signature().length == 0 && reply.op() != OmapiOp.STATUS) {
            throw new OmapiException(OmapiException.Problem.PROTOCOL, where + " sent an unsigned reply to a signed request");
        }
        if (reply.responseTo() != tid) {
            throw new OmapiException(OmapiException.Problem.PROTOCOL,
                    where + " answered transaction " + reply.responseTo() + " while " + tid + " was outstanding");
        }
        if (reply.op() == OmapiOp.STATUS) {
            long result = reply.messageInt("result").orElse(0L);
            if (result != 0) {
                String text = reply.messageString("message").orElse(OmapiResults.describe(result));
                throw new OmapiException(OmapiException.Problem.REFUSED,
                        where + " refused " + op + ": " + text + " (result 0x" + Long.toHexString(result) + ")", result, null);
            }
        }
        return reply;
    }

    private void armDeadline() {
        deadline = Instant.now().plus(timeout);
    }

    private void readFully(byte[] buf, int off, int len) throws IOException {
        int done = 0;
        while (done < len) {
            long left = Duration.between(Instant.now(), deadline).toMillis();
            if (left <= 0) {
                throw new SocketTimeoutException("no complete answer within " + timeout.toMillis() + " ms");
            }
            if (socket != null) {
                socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
            }
            int n = in.read(buf, off + done, len - done);
            if (n < 0) {
                throw new EOFException("the server closed the connection");
            }
            done += n;
        }
    }

    private FailoverStatus toStatus(OmapiMessage m) {
        Map<String, String> attributes = new TreeMap<>();
        m.objectValues().forEach((k, v) -> attributes.put(k, hex(v)));
        Long hierarchy = m.objectInt("hierarchy").orElse(null);
        return new FailoverStatus(
                m.objectString("name").orElse(null),
                state(m, "local-state"),
                state(m, "partner-state"),
                m.objectInt("local-stos").map(Instant::ofEpochSecond).orElse(null),
                m.objectInt("partner-stos").map(Instant::ofEpochSecond).orElse(null),
                hierarchy == null ? null : hierarchy == 0 ? FailoverStatus.Role.PRIMARY : FailoverStatus.Role.SECONDARY,
                m.objectInt("mclt").orElse(null),
                m.objectInt("local-port").orElse(null),
                m.objectInt("partner-port").orElse(null),
                m.objectInt("max-response-delay").orElse(null),
                m.objectInt("max-outstanding-updates").orElse(null),
                m.objectInt("cur-unacked-updates").orElse(null),
                m.objectInt("load-balance-max-secs").orElse(null),
                m.objectValues().containsKey("load-balance-hba") ? hex(m.objectValues().get("load-balance-hba")) : null,
                attributes);
    }

    private DhcpdFailoverState state(OmapiMessage m, String attribute) {
        Long n = m.objectInt(attribute).orElseThrow(() -> new OmapiException(OmapiException.Problem.PROTOCOL,
                where + " sent a failover-state without a 4-byte " + attribute));
        return DhcpdFailoverState.fromOmapi(n).orElseThrow(() -> new OmapiException(OmapiException.Problem.PROTOCOL,
                where + " reported " + attribute + " " + n + ", which is no dhcpd 4.4 failover state"));
    }

    static String hex(byte[] v) {
        StringBuilder sb = new StringBuilder(v.length * 3);
        for (int i = 0; i < v.length; i++) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(Character.forDigit((v[i] >> 4) & 0xf, 16)).append(Character.forDigit(v[i] & 0xf, 16));
        }
        return sb.toString();
    }

    private static OmapiException unreachable(String where, IOException e) {
        String why = e instanceof SocketTimeoutException ? "timed out (" + e.getMessage() + ")"
                : e instanceof EOFException ? "closed the connection" : e.getClass().getSimpleName() + ": " + e.getMessage();
        return new OmapiException(OmapiException.Problem.UNREACHABLE,
                where + " " + why + "; is dhcpd running with omapi-port set, and is the key right?", e);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing a socket that failed to connect: nothing to report
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            closeQuietly(socket);
        }
    }
}
