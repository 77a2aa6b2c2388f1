package org.tandem.omapi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Encodes and decodes OMAPI messages (ISC DHCP omapip protocol version 100, 24-byte header).
 *
 * <p>Written by hand from the wire format because no Java OMAPI library exists. On the wire the
 * header words come in the order authid, authlen, op, handle, tid, rid (the C struct declares
 * authlen first, but protocol.c writes authid first). Each list entry is {@code u16 name length,
 * name, u32 value length, value}; a zero name length ends a list. The signature covers every byte
 * after the authid up to the end of the object list.
 *
 * <p>Every length read from the peer is checked against {@link Limits} before anything is
 * allocated, so a hostile or broken peer cannot make the client allocate unbounded memory.
 */
public final class OmapiCodec {

    public static final int PROTOCOL_VERSION = 100;
    public static final int HEADER_SIZE = 24;

    /** Upper bounds on what a received message may contain. */
    public record Limits(int maxNameBytes, int maxValueBytes, int maxEntries, int maxMessageBytes, int maxSignatureBytes) {
        /** Generous for dhcpd's objects (a failover-state reply is about 600 bytes) yet small. */
        public static final Limits DEFAULT = new Limits(256, 64 * 1024, 256, 1024 * 1024, 64);
    }

    /** Where a decoder gets its bytes; the client's implementation enforces the deadline. */
    public interface Source {
        /** Fills {@code buf[off..off+len)} or throws; end of stream is an error. */
        void readFully(byte[] buf, int off, int len) throws IOException;
    }

    /** Computes a signature over the signed part of a message. */
    public interface Signer {
        int length();

        byte[] sign(byte[] data, int off, int len);
    }

    private OmapiCodec() {}

    /** The 8-byte greeting both sides send first. */
    public static byte[] handshake() {
        byte[] out = new byte[8];
        putU32(out, 0, PROTOCOL_VERSION);
        putU32(out, 4, HEADER_SIZE);
        return out;
    }

    /** Checks the peer's greeting. */
    public static void checkHandshake(byte[] greeting) {
        long version = getU32(greeting, 0);
        long headerSize = getU32(greeting, 4);
        if (version != PROTOCOL_VERSION || headerSize != HEADER_SIZE) {
            throw new OmapiException(
                    OmapiException.Problem.PROTOCOL,
                    "the server greeted with OMAPI protocol version " + version + " and header size " + headerSize
                            + "; only version 100 with a 24-byte header (ISC DHCP 4.x) is supported");
        }
    }

    /** Encodes a message; with a signer, authlen and the signature are filled in. */
    public static byte[] encode(
            long authId, OmapiOp op, long handle, long tid, long rid,
            Map<String, byte[]> messageValues, Map<String, byte[]> objectValues, Signer signer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        writeU32(out, authId);
        writeU32(out, signer == null ? 0 : signer.length());
        writeU32(out, op.code());
        writeU32(out, handle);
        writeU32(out, tid);
        writeU32(out, rid);
        writeList(out, messageValues);
        writeList(out, objectValues);
        byte[] body = out.toByteArray();
        if (signer == null) {
            return body;
        }
        byte[] sig = signer.sign(body, 4, body.length - 4);
        byte[] all = new byte[body.length + sig.length];
        System.arraycopy(body, 0, all, 0, body.length);
        System.arraycopy(sig, 0, all, body.length, sig.length);
        return all;
    }

    /**
     * Reads one message. When {@code verifier} is given and the message carries a signature, the
     * signature must match; a missing signature is left for the caller to judge.
     */
    public static OmapiMessage decode(Source in, Limits limits, Signer verifier) throws IOException {
        Counter counter = new Counter(limits.maxMessageBytes());
        ByteArrayOutputStream signed = new ByteArrayOutputStream(256);
        byte[] header = read(in, HEADER_SIZE, counter);
        signed.write(header, 4, HEADER_SIZE - 4);
        long authId = getU32(header, 0);
        long authLen = getU32(header, 4);
        OmapiOp op = OmapiOp.fromCode(getU32(header, 8));
        long handle = getU32(header, 12);
        long tid = getU32(header, 16);
        long rid = getU32(header, 20);
        if (authLen > limits.maxSignatureBytes()) {
            throw protocol("signature length " + authLen + " exceeds the limit of " + limits.maxSignatureBytes() + " bytes");
        }
        Map<String, byte[]> messageValues = readList(in, limits, counter, signed, "message");
        Map<String, byte[]> objectValues = readList(in, limits, counter, signed, "object");
        byte[] signature = read(in, (int) authLen, counter);
        if (verifier != null && authLen > 0) {
            if (authLen != verifier.length()) {
                throw protocol("the reply's signature is " + authLen + " bytes, expected " + verifier.length());
            }
            byte[] data = signed.toByteArray();
            byte[] expected = verifier.sign(data, 0, data.length);
            if (!java.security.MessageDigest.isEqual(expected, signature)) {
                throw protocol("the reply's signature does not match the OMAPI key (is the secret right?)");
            }
        }
        return new OmapiMessage(authId, op, handle, tid, rid, messageValues, objectValues, signature);
    }

    private static Map<String, byte[]> readList(
            Source in, Limits limits, Counter counter, ByteArrayOutputStream signed, String which) throws IOException {
        Map<String, byte[]> values = new LinkedHashMap<>();
        for (int entries = 0; ; entries++) {
            byte[] nl = read(in, 2, counter);
            signed.write(nl, 0, 2);
            int nameLen = ((nl[0] & 0xff) << 8) | (nl[1] & 0xff);
            if (nameLen == 0) {
                return values;
            }
            if (entries >= limits.maxEntries()) {
                throw protocol("the " + which + " list has more than " + limits.maxEntries() + " entries");
            }
            if (nameLen > limits.maxNameBytes()) {
                throw protocol("a " + which + " value name of " + nameLen + " bytes exceeds the limit of " + limits.maxNameBytes());
            }
            byte[] name = read(in, nameLen, counter);
            signed.write(name, 0, nameLen);
            byte[] vl = read(in, 4, counter);
            signed.write(vl, 0, 4);
            long valueLen = getU32(vl, 0);
            if (valueLen > limits.maxValueBytes()) {
                throw protocol("the " + which + " value \"" + printable(name) + "\" is " + valueLen
                        + " bytes, over the limit of " + limits.maxValueBytes());
            }
            byte[] value = read(in, (int) valueLen, counter);
            signed.write(value, 0, value.length);
            values.put(new String(name, StandardCharsets.UTF_8), value);
        }
    }

    private static String printable(byte[] name) {
        StringBuilder sb = new StringBuilder();
        for (byte b : name) {
            sb.append(b >= 0x20 && b < 0x7f ? (char) b : '?');
        }
        return sb.toString();
    }

    private static byte[] read(Source in, int len, Counter counter) throws IOException {
        counter.take(len);
        byte[] buf = new byte[len];
        in.readFully(buf, 0, len);
        return buf;
    }

    private static void writeList(ByteArrayOutputStream out, Map<String, byte[]> values) {
        for (Map.Entry<String, byte[]> e : values.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            if (name.length == 0 || name.length > 0xffff) {
                throw new IllegalArgumentException("OMAPI value name must be 1..65535 bytes: " + e.getKey());
            }
            out.write(name.length >>> 8);
            out.write(name.length);
            out.write(name, 0, name.length);
            writeU32(out, e.getValue().length);
            out.write(e.getValue(), 0, e.getValue().length);
        }
        out.write(0);
        out.write(0);
    }

    private static void writeU32(ByteArrayOutputStream out, long v) {
        out.write((int) (v >>> 24));
        out.write((int) (v >>> 16));
        out.write((int) (v >>> 8));
        out.write((int) v);
    }

    static void putU32(byte[] b, int off, long v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    static long getU32(byte[] b, int off) {
        return ((long) (b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    private static OmapiException protocol(String message) {
        return new OmapiException(OmapiException.Problem.PROTOCOL, "malformed OMAPI reply: " + message);
    }

    /** Caps the total size of one message. */
    private static final class Counter {
        private final int max;
        private long used;

        Counter(int max) {
            this.max = max;
        }

        void take(long n) {
            used += n;
            if (used > max) {
                throw protocol("the message exceeds the limit of " + max + " bytes");
            }
        }
    }
}
