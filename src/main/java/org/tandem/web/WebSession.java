package org.tandem.web;

import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.tandem.auth.Actor;
import org.tandem.auth.AuthService;
import org.tandem.common.UserError;

/**
 * The browser's session: the Central session token in an HttpOnly cookie, and the per-session CSRF token that every
 * form and htmx post must send back. The CSRF token is an HMAC of the session token under a key kept in the database
 * ({@link WebKeys}, shared by all nodes and kept across restarts), so it needs no storage of its own and dies with the
 * session; a page from another site can neither read it nor guess it.
 */
final class WebSession {

    static final String COOKIE = "tandem_ui";
    /**
     * Before login there is no session; the login form's token is an HMAC, under the server's key, of a random value
     * in this cookie, so a value a client (or a sibling site tossing cookies) chooses is worth nothing without the key.
     */
    static final String LOGIN_COOKIE = "tandem_login";
    static final String CSRF_FIELD = "_csrf";
    static final String CSRF_HEADER = "X-CSRF-Token";

    private final AuthService auth;
    private final byte[] key;
    private final SecureRandom random = new SecureRandom();

    WebSession(AuthService auth, byte[] key) {
        this.auth = auth;
        this.key = key.clone();
    }

    /** The signed-in user, or null when the request has no valid session. */
    Actor actor(Context ctx) {
        String token = ctx.cookie(COOKIE);
        if (token == null) {
            return null;
        }
        try {
            return auth.session(token);
        } catch (UserError e) {
            return null;
        }
    }

    String csrf(Context ctx) {
        String token = ctx.cookie(COOKIE);
        return token == null ? "" : sign("session:" + token);
    }

    /** True when a post carries this session's CSRF token (form field or htmx header). */
    boolean csrfValid(Context ctx) {
        String token = ctx.cookie(COOKIE);
        if (token == null) {
            return false;
        }
        String sent = ctx.header(CSRF_HEADER);
        if (sent == null) {
            sent = ctx.formParam(CSRF_FIELD);
        }
        return sent != null && equal(sign("session:" + token), sent);
    }

    void signIn(Context ctx, String token) {
        ctx.cookie(cookie(ctx, COOKIE, token, -1));
        ctx.removeCookie(LOGIN_COOKIE, "/");
    }

    void signOut(Context ctx) {
        String token = ctx.cookie(COOKIE);
        if (token != null) {
            auth.logout(token);
        }
        ctx.removeCookie(COOKIE, "/");
    }

    /** A fresh login-form token: a random value set as a cookie, and its signature for the form. */
    String loginToken(Context ctx) {
        byte[] b = new byte[24];
        random.nextBytes(b);
        String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        ctx.cookie(cookie(ctx, LOGIN_COOKIE, nonce, 3600));
        return sign("login:" + nonce);
    }

    boolean loginTokenValid(Context ctx) {
        String nonce = ctx.cookie(LOGIN_COOKIE);
        String sent = ctx.formParam(CSRF_FIELD);
        return nonce != null && sent != null && equal(sign("login:" + nonce), sent);
    }

    private static boolean equal(String expected, String sent) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), sent.getBytes(StandardCharsets.UTF_8));
    }

    /** Secure when served over HTTPS, so the browser never sends the session over plain HTTP to the same host. */
    private static Cookie cookie(Context ctx, String name, String value, int maxAge) {
        return new Cookie(name, value, "/", maxAge, ctx.req().isSecure(), true, null, SameSite.STRICT);
    }

    /** The signature of a purpose-prefixed value, so a token made for one use is never valid for another. */
    private String sign(String token) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(token.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }
}
