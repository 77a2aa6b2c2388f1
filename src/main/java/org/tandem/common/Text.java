package org.tandem.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.regex.Pattern;

/** Checks for names and free text that come from outside, so stored values are always safe to render. */
public final class Text {

    // Names can end up in dhcpd.conf comments or Kea "user-context"; no quotes, braces, semicolons,
    // '#' or control characters means they can never close a string or a block there.
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._:/@+-]*");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");

    private Text() {}

    /** A required object name: 1 to {@code max} characters of letters, digits, space and {@code ._:/@+-}. */
    public static String name(String field, String value, int max) {
        if (value == null || value.isEmpty()) {
            throw UserError.invalid(field, "is required");
        }
        if (value.length() > max) {
            throw UserError.invalid(field, "is longer than " + max + " characters");
        }
        if (!NAME.matcher(value).matches() || value.endsWith(" ")) {
            throw UserError.invalid(field, "\"" + clip(value) + "\" may only hold letters, digits, spaces and . _ : / @ + - (starting with a letter or digit)");
        }
        return value;
    }

    /** A host name or IPv4 address. */
    public static String host(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw UserError.invalid(field, "is required");
        }
        if (value.length() > 253 || !HOST.matcher(value).matches()) {
            throw UserError.invalid(field, "\"" + clip(value) + "\" is not a host name or IPv4 address");
        }
        return value;
    }

    /** Optional free text (a description): any printable text up to {@code max} characters, never null. */
    public static String description(String field, String value, int max) {
        if (value == null) {
            return "";
        }
        if (value.length() > max) {
            throw UserError.invalid(field, "is longer than " + max + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw UserError.invalid(field, "contains a control character");
            }
        }
        return value;
    }

    /** A TCP port, 1 to 65535. */
    public static int port(String field, long value) {
        if (value < 1 || value > 65535) {
            throw UserError.invalid(field, "must be a port from 1 to 65535, not " + value);
        }
        return (int) value;
    }

    /**
     * What is wrong with unreadable JSON, in words for the user: Jackson's own message without the name of
     * the Java setting behind a limit ("... exceeds the maximum allowed (64, from `StreamReadConstraints...`)").
     */
    public static String jsonProblem(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        return message == null ? "unreadable" : message.replaceAll(", from `[^`]*`", "");
    }

    public static String clip(String text) {
        return text.length() <= 60 ? text : text.substring(0, 60) + "...";
    }
}
