package org.tandem.tls;

import java.util.Arrays;
import java.util.Optional;

/** How a Tandem server serves HTTP: plain, with a self-signed certificate it generates, or with certificate files given. */
public enum TlsMode {
    OFF("off"),
    SELF_SIGNED("self-signed"),
    FILES("files");

    private final String text;

    TlsMode(String text) {
        this.text = text;
    }

    /** The word used in config files. */
    public String text() {
        return text;
    }

    public static Optional<TlsMode> parse(String text) {
        return Arrays.stream(values()).filter(m -> m.text.equals(text)).findFirst();
    }
}
