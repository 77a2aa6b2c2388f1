package org.tandem.testing;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Kea 2.2's own example configurations (Debian's kea-doc, installed by scripts/install-deps), read in place. They use
 * Kea's comment syntax, which Jackson reads with comments allowed.
 */
public final class KeaExamples {

    public static final Path DIR = Path.of("/usr/share/doc/kea/examples/kea4");
    private static final JsonMapper READER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_YAML_COMMENTS,
                    JsonReadFeature.ALLOW_LEADING_DECIMAL_POINT_FOR_NUMBERS).build();

    private KeaExamples() {
    }

    /** Every example file; fails (it does not skip) without kea-doc, which the project's scripts install. */
    public static List<Path> all() {
        if (!Files.isDirectory(DIR)) {
            fail("Kea's example configurations are missing: " + DIR + " (Debian package kea-doc; scripts/install-deps installs it)");
        }
        try (Stream<Path> files = Files.list(DIR)) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One example as a JSON tree ({@code {"Dhcp4": ...}}), comments dropped. */
    public static ObjectNode read(Path file) {
        try {
            return (ObjectNode) READER.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(file + " is not JSON with comments", e);
        }
    }
}
