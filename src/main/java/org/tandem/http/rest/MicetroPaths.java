package org.tandem.http.rest;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Maps the request forms Micetro's clients send onto the one set of routes at {@link RestApi#BASE}, before
 * routing: the unversioned prefix ({@code /mmws/api/Ranges}, which Micetro's manual and its Ansible collection
 * use), a ref appended to its collection ({@code /mmws/api/Users/users/3}) and empty query parameters
 * ({@code ?&filter=...}). Resource names match in any case because routes are case-insensitive (Central's
 * router setting), so {@code DHCPScopes} and {@code dhcpScopes} reach the same handler. Nothing else is changed:
 * a route exists once, and every check on it applies to every form.
 */
public final class MicetroPaths implements Filter {

    private static final String API = "/mmws/api/";
    /** The path as the client sent it, for messages that name it ("No resource at ..."). */
    public static final String SENT_PATH = MicetroPaths.class.getName() + ".sentPath";

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest http)) {
            chain.doFilter(request, response);
            return;
        }
        String uri = http.getRequestURI();
        String path = normalise(uri);
        String query = http.getQueryString();
        String cleanQuery = query == null ? null : withoutEmptyParameters(query);
        if (path.equals(uri) && (query == null || query.equals(cleanQuery))) {
            chain.doFilter(request, response);
            return;
        }
        http.setAttribute(SENT_PATH, uri);
        chain.doFilter(new HttpServletRequestWrapper(http) {
            @Override
            public String getRequestURI() {
                return path;
            }

            @Override
            public StringBuffer getRequestURL() {
                StringBuffer url = new StringBuffer(super.getRequestURL());
                int at = url.indexOf(uri);
                return at < 0 ? url : url.replace(at, at + uri.length(), path);
            }

            @Override
            public String getQueryString() {
                return cleanQuery;
            }
        }, response);
    }

    /**
     * {@code /mmws/api/X} becomes {@code /mmws/api/v2/X}; {@code .../<C>/<c>/<id>} (a ref as answered, {@code c/id},
     * appended to its collection {@code C}, compared ignoring case) becomes {@code .../<c>/<id>}. Other paths are
     * returned unchanged. Only a numeric id collapses, so a name that happens to equal its collection is never eaten.
     */
    public static String normalise(String path) {
        if (path == null || path.length() < API.length() || !path.regionMatches(true, 0, API, 0, API.length())) {
            return path;
        }
        List<String> segments = new ArrayList<>(Arrays.asList(path.substring(API.length()).split("/", -1)));
        if (!segments.isEmpty() && segments.get(0).equalsIgnoreCase("v2")) {
            segments.remove(0);
        }
        for (int i = 0; i + 2 < segments.size(); i++) {
            if (!segments.get(i).isEmpty() && segments.get(i).equalsIgnoreCase(segments.get(i + 1))
                    && segments.get(i + 2).matches("[0-9]{1,18}")) {
                segments.remove(i);
            }
        }
        return RestApi.BASE + "/" + String.join("/", segments);
    }

    /** {@code &filter=x&&limit=5} becomes {@code filter=x&limit=5}: Micetro's clients build queries that start with {@code ?&}. */
    static String withoutEmptyParameters(String query) {
        StringBuilder out = new StringBuilder();
        for (String part : query.split("&", -1)) {
            if (part.isEmpty()) {
                continue;
            }
            if (!out.isEmpty()) {
                out.append('&');
            }
            out.append(part);
        }
        return out.toString();
    }
}
