package org.tandem.http;

import io.javalin.http.Context;

/**
 * Headers every answer of Central carries, UI and API alike (issue 17, finding 10): no framing (clickjacking), no
 * content sniffing, no full URL in the Referer to other sites, and a content policy that allows only Central's own
 * scripts and styles. The pages have no inline script or style (htmx is a vendored file, its indicator styles off),
 * so nothing needs {@code 'unsafe-inline'}; WebUiIT fails on any CSP violation Chromium reports.
 */
public final class SecurityHeaders {

    public static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private SecurityHeaders() {
    }

    public static void set(Context ctx) {
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "same-origin");
    }
}
