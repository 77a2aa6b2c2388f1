package org.tandem.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One perfdhcp run started by {@link MigrationLab#perfdhcp} and what it saw, read from its {@code -x t} output.
 *
 * <p>perfdhcp prints the timestamps only when it ends, as {@code sent / received: HHMMSS.ffffff / HHMMSS.ffffff}
 * (boost's {@code to_iso_string} of a duration, so 61.5 s is {@code 000101.500000}, not {@code 61.5}) counted from
 * the moment its statistics manager was created. That origin is taken from perfdhcp's own {@code -w} wrapper call,
 * which perfdhcp makes right before it starts sending (within a millisecond of the origin, measured), so the answers
 * can be compared with wall-clock instants a test records around its actions.
 *
 * <p>Only answered exchanges are listed by perfdhcp: a DISCOVER nobody answered leaves no line, which is why
 * {@link #unansweredDiscovers} counts against perfdhcp's sending schedule instead.
 */
public final class PerfdhcpRun {

    /** One answered exchange: the request perfdhcp sent and the answer it matched to it. */
    public record Exchange(String type, Instant sent, Instant received) {}

    /** perfdhcp's own counters for one exchange type ({@code DISCOVER-OFFER}, {@code REQUEST-ACK}, ...). */
    public record Counters(String type, long sent, long received, long drops, long orphans) {}

    /** What an output says, with instants counted from {@code origin}. */
    record Parsed(List<Exchange> exchanges, List<Counters> counters) {}

    private static final Pattern SECTION = Pattern.compile("^\\*\\*\\*(Statistics for|Timestamps for packets): (.+?)\\*\\*\\*$");
    private static final Pattern STAMP = Pattern.compile("^sent / received: (\\S+) / (\\S+)$");
    private static final Pattern COUNTER = Pattern.compile("^(sent packets|received packets|drops|orphans): (\\d+)");
    private static final Duration GRACE = Duration.ofSeconds(30);

    private final Process process;
    private final Path output;
    private final Path anchor;
    private final Instant launched;
    private final Duration period;
    private final int rate;
    private Parsed parsed;
    private Instant origin;

    PerfdhcpRun(Process process, Path output, Path anchor, Instant launched, Duration period, int rate) {
        this.process = process;
        this.output = output;
        this.anchor = anchor;
        this.launched = launched;
        this.period = period;
        this.rate = rate;
    }

    /**
     * Waits until perfdhcp has ended (its {@code -p} period plus 30 s at most, then it is killed) and reads its
     * output. Exit code 3 (some exchanges not completed) is a measurement, not a failure.
     */
    public synchronized PerfdhcpRun awaitEnd() throws IOException, InterruptedException {
        if (parsed != null) {
            return this;
        }
        Duration left = Duration.between(Instant.now(), launched.plus(period).plus(GRACE));
        if (!process.waitFor(Math.max(0, left.toMillis()), TimeUnit.MILLISECONDS)) {
            destroy();
            throw new IOException("perfdhcp did not end within " + period.plus(GRACE).toSeconds() + " s; killed. Output: " + output);
        }
        String text = Files.readString(output);
        if (process.exitValue() != 0 && process.exitValue() != 3) {
            throw new IOException("perfdhcp failed (exit " + process.exitValue() + "):\n" + text.strip());
        }
        origin = readOrigin();
        parsed = parse(text, origin);
        return this;
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** Every answered exchange, in the order perfdhcp printed them. */
    public List<Exchange> exchanges() {
        return requireEnded().exchanges();
    }

    /** The instants answers (OFFERs and ACKs alike) arrived, sorted. */
    public List<Instant> answers() {
        return requireEnded().exchanges().stream().map(Exchange::received).sorted().toList();
    }

    public List<Counters> counters() {
        return requireEnded().counters();
    }

    /** perfdhcp's counters for {@code type}, e.g. {@code DISCOVER-OFFER}. */
    public Counters counters(String type) {
        return counters().stream().filter(c -> c.type().equals(type)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("perfdhcp reported no " + type + " counters; see " + output));
    }

    /** perfdhcp's time zero as a wall-clock instant. */
    public Instant origin() {
        requireEnded();
        return origin;
    }

    /** When perfdhcp stopped sending: its origin plus its {@code -p} period. */
    public Instant end() {
        return origin().plus(period);
    }

    public Path output() {
        return output;
    }

    /**
     * The longest time without any answer that overlaps {@code [from, to]}: between two consecutive answers, or
     * between perfdhcp's origin or end and the nearest answer (so servers that never answer again show the whole
     * rest of the run as a gap, not as zero).
     */
    public Duration longestGap(Instant from, Instant to) {
        return longestGap(answers(), origin(), end(), from, to);
    }

    /**
     * How many DISCOVERs sent in {@code [from, to]} got no OFFER, counted as perfdhcp's schedule ({@code rate} per
     * second) minus the answered ones sent in that window; good to about one at each edge. This sees what
     * {@link #longestGap} cannot: with load balancing, half of the clients can go unanswered while the other half's
     * answers keep every gap short.
     */
    public int unansweredDiscovers(Instant from, Instant to) {
        return unansweredDiscovers(exchanges(), rate, origin(), end(), from, to);
    }

    static Duration longestGap(List<Instant> sortedAnswers, Instant origin, Instant end, Instant from, Instant to) {
        List<Instant> points = new ArrayList<>();
        points.add(origin);
        points.addAll(sortedAnswers);
        points.add(end.isAfter(origin) ? end : origin);
        points.sort(Comparator.naturalOrder());
        Duration longest = Duration.ZERO;
        for (int i = 1; i < points.size(); i++) {
            Instant a = points.get(i - 1);
            Instant b = points.get(i);
            if (!b.isBefore(from) && !a.isAfter(to)) {
                Duration gap = Duration.between(a, b);
                if (gap.compareTo(longest) > 0) {
                    longest = gap;
                }
            }
        }
        return longest;
    }

    static int unansweredDiscovers(List<Exchange> exchanges, int rate, Instant origin, Instant end, Instant from, Instant to) {
        Instant a = from.isBefore(origin) ? origin : from;
        Instant b = to.isAfter(end) ? end : to;
        if (!b.isAfter(a)) {
            return 0;
        }
        long expected = Math.round(Duration.between(a, b).toNanos() / 1e9 * rate);
        long answered = exchanges.stream()
                .filter(e -> e.type().equals("DISCOVER-OFFER") && !e.sent().isBefore(a) && !e.sent().isAfter(b))
                .count();
        return (int) Math.max(0, expected - answered);
    }

    /** Reads perfdhcp's output; instants are {@code origin} plus the printed durations. */
    static Parsed parse(String text, Instant origin) {
        List<Exchange> exchanges = new ArrayList<>();
        List<Counters> counters = new ArrayList<>();
        String section = null;
        String type = null;
        long[] values = null;
        for (String line : text.split("\n")) {
            line = line.strip();
            Matcher m = SECTION.matcher(line);
            if (m.matches()) {
                if (values != null) {
                    counters.add(new Counters(type, values[0], values[1], values[2], values[3]));
                    values = null;
                }
                section = m.group(1);
                type = m.group(2);
                if (section.equals("Statistics for")) {
                    values = new long[4];
                }
                continue;
            }
            if (line.startsWith("***")) {
                // Rate or malformed-packet statistics: not an exchange type.
                if (values != null) {
                    counters.add(new Counters(type, values[0], values[1], values[2], values[3]));
                    values = null;
                }
                section = null;
                continue;
            }
            Matcher c = COUNTER.matcher(line);
            if (values != null && c.find()) {
                int i = switch (c.group(1)) {
                    case "sent packets" -> 0;
                    case "received packets" -> 1;
                    case "drops" -> 2;
                    default -> 3;
                };
                values[i] = Long.parseLong(c.group(2));
                continue;
            }
            Matcher s = STAMP.matcher(line);
            if ("Timestamps for packets".equals(section) && s.matches()) {
                exchanges.add(new Exchange(type, origin.plus(isoDuration(s.group(1))), origin.plus(isoDuration(s.group(2)))));
            }
        }
        if (values != null) {
            counters.add(new Counters(type, values[0], values[1], values[2], values[3]));
        }
        return new Parsed(List.copyOf(exchanges), List.copyOf(counters));
    }

    /** boost's {@code to_iso_string} of a duration: {@code [H]HHMMSS[.fffffffff]}. */
    static Duration isoDuration(String s) {
        int dot = s.indexOf('.');
        String whole = dot < 0 ? s : s.substring(0, dot);
        String fraction = dot < 0 ? "" : s.substring(dot + 1);
        if (whole.length() < 6 || !whole.chars().allMatch(Character::isDigit) || !fraction.chars().allMatch(Character::isDigit)
                || fraction.length() > 9) {
            throw new IllegalArgumentException("not a perfdhcp timestamp: " + s);
        }
        long hours = Long.parseLong(whole.substring(0, whole.length() - 4));
        long minutes = Long.parseLong(whole.substring(whole.length() - 4, whole.length() - 2));
        long seconds = Long.parseLong(whole.substring(whole.length() - 2));
        long nanos = fraction.isEmpty() ? 0 : Long.parseLong((fraction + "000000000").substring(0, 9));
        return Duration.ofHours(hours).plusMinutes(minutes).plusSeconds(seconds).plusNanos(nanos);
    }

    /** The first line the wrapper wrote (epoch nanoseconds); the launch instant when it wrote nothing. */
    private Instant readOrigin() throws IOException {
        if (Files.exists(anchor)) {
            for (String line : Files.readAllLines(anchor)) {
                String t = line.strip();
                if (!t.isEmpty() && t.chars().allMatch(Character::isDigit)) {
                    long nanos = Long.parseLong(t);
                    return Instant.ofEpochSecond(nanos / 1_000_000_000L, nanos % 1_000_000_000L);
                }
            }
        }
        return launched;
    }

    private Parsed requireEnded() {
        if (parsed == null) {
            throw new IllegalStateException("perfdhcp has not ended yet: call awaitEnd() first");
        }
        return parsed;
    }

    /** Kills perfdhcp (by its own handle) and waits for it, bounded. */
    void destroy() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
