package org.tandem.kea.client;

/** A Kea version as {@code version-get} reports it ("2.2.0"); decides which commands a server has. */
public record KeaVersion(int major, int minor, int patch, String text) implements Comparable<KeaVersion> {

    /** Parses the leading {@code major.minor.patch} of Kea's version text; anything after it is kept in {@code text}. */
    public static KeaVersion parse(String text) {
        if (text == null) {
            return null;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\s*(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})").matcher(text);
        if (!m.find()) {
            return null;
        }
        return new KeaVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), text.strip());
    }

    public boolean atLeast(int major, int minor) {
        return this.major > major || (this.major == major && this.minor >= minor);
    }

    /** {@code config-hash-get} and the {@code hash} in config-get arrived in Kea 2.4.0 (ChangeLog 2155). */
    public boolean hasConfigHashGet() {
        return atLeast(2, 4);
    }

    @Override
    public int compareTo(KeaVersion o) {
        return java.util.Comparator.comparingInt(KeaVersion::major).thenComparingInt(KeaVersion::minor)
                .thenComparingInt(KeaVersion::patch).compare(this, o);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
