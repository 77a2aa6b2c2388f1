package org.tandem.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/** Renders the precompiled JTE templates (compiled and type-checked by the build, so nothing compiles at run time). */
final class Views {

    private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

    void render(Context ctx, String template, Object... namesAndValues) {
        Map<String, Object> params = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            params.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        StringOutput out = new StringOutput();
        engine.render(template + ".jte", params, out);
        ctx.header("Cache-Control", "no-store");
        ctx.html(out.toString());
    }
}
