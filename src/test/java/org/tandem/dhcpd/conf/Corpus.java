package org.tandem.dhcpd.conf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The dhcpd.conf corpus under src/test/resources/dhcpd/conf. */
final class Corpus {

    private Corpus() {
    }

    static Path dir() {
        try {
            return Path.of(Corpus.class.getResource("/dhcpd/conf/basic.conf").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Path> files() {
        try (Stream<Path> s = Files.list(dir())) {
            return s.filter(p -> p.toString().endsWith(".conf")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(String name) {
        try {
            return new String(Files.readAllBytes(dir().resolve(name)), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path includeTarget() {
        return dir().resolve("include-target.conf");
    }
}
