package org.tandem.omapi;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One OMAPI message as it travels: the six header words, the message and object name/value lists
 * (values are raw bytes; their type is known only to the object), and the signature.
 */
public record OmapiMessage(
        long authId,
        OmapiOp op,
        long handle,
        long transactionId,
        long responseTo,
        Map<String, byte[]> messageValues,
        Map<String, byte[]> objectValues,
        byte[] signature) {

    public OmapiMessage {
        messageValues = Collections.unmodifiableMap(new LinkedHashMap<>(messageValues));
        objectValues = Collections.unmodifiableMap(new LinkedHashMap<>(objectValues));
        signature = signature == null ? new byte[0] : signature.clone();
    }

    /** The object value as a big-endian unsigned integer, if present with 1, 2 or 4 bytes. */
    public Optional<Long> objectInt(String name) {
        return intOf(objectValues.get(name));
    }

    /** The message value as a big-endian unsigned integer, if present with 1, 2 or 4 bytes. */
    public Optional<Long> messageInt(String name) {
        return intOf(messageValues.get(name));
    }

    public Optional<String> messageString(String name) {
        byte[] v = messageValues.get(name);
        return v == null ? Optional.empty() : Optional.of(new String(v, StandardCharsets.UTF_8));
    }

    public Optional<String> objectString(String name) {
        byte[] v = objectValues.get(name);
        return v == null ? Optional.empty() : Optional.of(new String(v, StandardCharsets.UTF_8));
    }

    static Optional<Long> intOf(byte[] v) {
        if (v == null || v.length == 0 || v.length > 4 || v.length == 3) {
            return Optional.empty();
        }
        long r = 0;
        for (byte b : v) {
            r = (r << 8) | (b & 0xff);
        }
        return Optional.of(r);
    }

    static byte[] u32(long value) {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
