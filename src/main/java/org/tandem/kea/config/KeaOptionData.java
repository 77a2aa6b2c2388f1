package org.tandem.kea.config;

/** One {@code option-data} entry, by name (e.g. {@code routers}) or by code. */
public record KeaOptionData(String name, Integer code, String data) {
    public KeaOptionData {
        if (name == null && code == null) {
            throw org.tandem.common.UserError.invalid("option-data", "an option needs a name or a code");
        }
        if (code != null && (code < 1 || code > 254)) {
            throw org.tandem.common.UserError.invalid("option-data.code", "option code " + code + " is outside 1..254");
        }
        KeaNames.checkName("option-data.name", name);
    }
}
