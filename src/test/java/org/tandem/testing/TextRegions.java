package org.tandem.testing;

import static org.assertj.core.api.Assertions.assertThat;

/** Asserts about how a text changed: that an edit kept every line outside its splice. */
public final class TextRegions {

    private TextRegions() {}

    /** Every line of {@code before} is in {@code after} unchanged except for one contiguous region of at most {@code max} lines. */
    public static void assertOnlyOneRegionChanged(String before, String after, int max) {
        String[] a = before.split("\n", -1);
        String[] b = after.split("\n", -1);
        int prefix = 0;
        while (prefix < a.length && prefix < b.length && a[prefix].equals(b[prefix])) {
            prefix++;
        }
        int suffix = 0;
        while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix].equals(b[b.length - 1 - suffix])) {
            suffix++;
        }
        assertThat(a.length - prefix - suffix).as("lines changed outside the splice:\n%s\n---\n%s", before, after).isLessThanOrEqualTo(max);
    }
}
