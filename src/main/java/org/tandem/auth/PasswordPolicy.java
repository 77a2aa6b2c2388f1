package org.tandem.auth;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.tandem.common.UserError;

/**
 * What a new password must be: 12 characters or more (at most 72 bytes, all bcrypt reads), not only
 * spaces, not the user's name, not one of the common passwords shipped in {@code auth/common-passwords.txt}.
 * The probe of issue 17 found {@code password}, {@code 12345678}, eight spaces and the user's own name accepted.
 */
public final class PasswordPolicy {

    public static final int MIN_CHARACTERS = 12;
    /** bcrypt reads at most 72 bytes: a longer password would be checked on its first 72 only. */
    public static final int MAX_BYTES = 72;
    private static final Set<String> COMMON = load("/auth/common-passwords.txt");

    private PasswordPolicy() {}

    /** Refuses {@code password} for the user {@code userName} with a message naming {@code field}. */
    public static void check(String field, String userName, String password) {
        if (password == null || password.isEmpty()) {
            throw UserError.invalid(field, "is required");
        }
        if (password.codePointCount(0, password.length()) < MIN_CHARACTERS) {
            throw UserError.invalid(field, "must be at least " + MIN_CHARACTERS + " characters long");
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw UserError.invalid(field, "must be at most " + MAX_BYTES + " bytes long (UTF-8)");
        }
        if (password.isBlank()) {
            throw UserError.invalid(field, "must not be only spaces");
        }
        String lower = password.strip().toLowerCase(Locale.ROOT);
        if (userName != null && lower.equals(userName.strip().toLowerCase(Locale.ROOT))) {
            throw UserError.invalid(field, "must not be the user's name");
        }
        if (COMMON.contains(lower)) {
            throw UserError.invalid(field, "is a commonly used password; choose another");
        }
    }

    private static Set<String> load(String resource) {
        try (InputStream in = PasswordPolicy.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            Set<String> set = new HashSet<>();
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(l -> set.add(l.toLowerCase(Locale.ROOT)));
            return Set.copyOf(set);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
