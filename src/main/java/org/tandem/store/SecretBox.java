package org.tandem.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.tandem.common.UserError;

/**
 * Encrypts the server secrets Central stores (agent tokens, Kea Control Agent passwords) with AES-256-GCM, so a
 * copy of the database alone (a backup, a 0644 file, a PostgreSQL dump) does not hand out the keys to the DHCP
 * servers. The key is kept apart from the database: {@code TANDEM_SECRET_KEY} (32 bytes, base64) or the file
 * {@value #KEY_FILE} in the data directory, created 0600 on first start.
 *
 * <p>Stored values read {@code enc:v1:} + base64(nonce + ciphertext + tag). A value without the prefix is a clear
 * value from before encryption; {@link #open} returns it as is, and Central encrypts it on start.
 */
public final class SecretBox {

    public static final String KEY_FILE = "secret.key";
    public static final String ENV = "TANDEM_SECRET_KEY";
    static final String PREFIX = "enc:v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    /** Where the key came from, named in errors so an operator knows what to fix. */
    private final String source;

    private SecretBox(byte[] key, String source) {
        this.key = new SecretKeySpec(key, "AES");
        this.source = source;
    }

    /** A box with a fresh random key kept only in memory: for in-memory databases (tests, labs) that die with the process. */
    public static SecretBox ephemeral() {
        byte[] k = new byte[32];
        RANDOM.nextBytes(k);
        return new SecretBox(k, "an in-memory key");
    }

    /** The key from {@code TANDEM_SECRET_KEY} when set (non-empty), else from {@value #KEY_FILE} in {@code dataDir}, created when missing. */
    public static SecretBox load(Path dataDir, String fromEnv) {
        if (fromEnv != null && !fromEnv.isBlank()) {
            return new SecretBox(decodeKey(fromEnv.strip(), ENV), ENV);
        }
        Path file = dataDir.toAbsolutePath().resolve(KEY_FILE);
        String source = "key file " + file;
        try {
            if (!Files.exists(file)) {
                byte[] k = new byte[32];
                RANDOM.nextBytes(k);
                try {
                    // Created 0600 from the start: no moment where another user can read it.
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.writeString(file, Base64.getEncoder().encodeToString(k) + "\n", StandardCharsets.US_ASCII);
                    return new SecretBox(k, source);
                } catch (FileAlreadyExistsException raced) {
                    // Another Central on the same directory created it first: read theirs.
                }
            }
            return new SecretBox(decodeKey(Files.readString(file, StandardCharsets.US_ASCII).strip(), source), source);
        } catch (IOException e) {
            throw new UserError(UserError.Kind.INVALID_INPUT, ENV, "cannot read or create the " + source + ": " + e.getMessage());
        }
    }

    private static byte[] decodeKey(String text, String source) {
        byte[] k;
        try {
            k = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            k = new byte[0];
        }
        if (k.length != 32) {
            throw new UserError(UserError.Kind.INVALID_INPUT, ENV, "the secret key in " + source
                    + " must be 32 bytes in base64 (e.g. the output of: head -c 32 /dev/urandom | base64)");
        }
        return k;
    }

    /** The stored form of {@code clear}; null stays null. */
    public String seal(String clear) {
        if (clear == null) {
            return null;
        }
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            byte[] ct = c.doFinal(clear.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[nonce.length + ct.length];
            System.arraycopy(nonce, 0, out, 0, nonce.length);
            System.arraycopy(ct, 0, out, nonce.length, ct.length);
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JDK", e);
        }
    }

    /** Whether a stored value is already encrypted. */
    public static boolean isSealed(String stored) {
        return stored != null && stored.startsWith(PREFIX);
    }

    /** The clear value of a stored one; a clear (not yet encrypted) value is returned as is. */
    public String open(String stored) {
        if (!isSealed(stored)) {
            return stored;
        }
        try {
            byte[] in = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            return new String(c.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // Not the key the secrets were stored with: say which key was used, never the cipher's exception.
            throw new UserError(UserError.Kind.INVALID_INPUT, ENV, "the stored server secrets cannot be decrypted with the "
                    + source + "; start Central with the key it used before (the " + KEY_FILE + " file of its data directory or "
                    + ENV + ")");
        }
    }
}
