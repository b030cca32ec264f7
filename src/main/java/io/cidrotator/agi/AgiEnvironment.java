package io.cidrotator.agi;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The environment Asterisk sends when a FastAGI session opens: one {@code agi_name: value} line per
 * variable, ended by an empty line. Values are as Asterisk sent them; nothing here is validated beyond the
 * shape of the lines, so every reader of a value validates it.
 */
public record AgiEnvironment(Map<String, String> variables) {

  /** Asterisk sends about 25 variables plus one per argument; more than this is not Asterisk. */
  static final int MAX_LINES = 200;

  private static final Pattern NAME = Pattern.compile("agi_[a-z0-9_]{1,40}");

  /** The variable without its {@code agi_} prefix ({@code "extension"}); null when absent or blank. */
  public String get(String name) {
    String value = variables.get("agi_" + name);
    return value == null || value.isBlank() ? null : value.trim();
  }

  /** The n-th argument given after the script in the dialplan (from 1); null when absent or blank. */
  public String arg(int n) {
    return get("arg_" + n);
  }

  /** The script of {@code agi://host:port/<script>?<query>}: {@code next-cid}; empty when there is none. */
  public String script() {
    String path = networkScript();
    int query = path.indexOf('?');
    return query < 0 ? path : path.substring(0, query);
  }

  /**
   * A parameter of the script's query string ({@code agi://host:port/next-cid?campaign=sales}), decoded;
   * null when absent or blank.
   *
   * @throws IllegalArgumentException when the query string is not validly %-encoded
   */
  public String query(String name) {
    String path = networkScript();
    int start = path.indexOf('?');
    if (start < 0) {
      return null;
    }
    Map<String, String> params = new HashMap<>();
    for (String pair : path.substring(start + 1).split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      params.putIfAbsent(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    String value = params.get(name);
    return value == null || value.isBlank() ? null : value;
  }

  private String networkScript() {
    String script = get("network_script");
    if (script == null) {
      return "";
    }
    return script.startsWith("/") ? script.substring(1) : script;
  }

  /** Collects the lines of one environment, in the order they arrive. */
  static final class Reader {

    private final Map<String, String> variables = new HashMap<>();
    private int lines;

    /**
     * Takes the next line (without its line end); returns the environment when the line was the empty one
     * that ends it, else null.
     *
     * @throws IllegalArgumentException when the line is not {@code agi_name: value} or there are too many
     */
    AgiEnvironment add(String line) {
      if (line.isEmpty()) {
        return new AgiEnvironment(Map.copyOf(variables));
      }
      if (++lines > MAX_LINES) {
        throw new IllegalArgumentException("more than " + MAX_LINES + " environment lines");
      }
      int colon = line.indexOf(':');
      if (colon < 0 || !NAME.matcher(line.substring(0, colon)).matches()) {
        throw new IllegalArgumentException("environment line " + lines + " is not 'agi_name: value'");
      }
      variables.put(line.substring(0, colon), line.substring(colon + 1).trim());
      return null;
    }
  }
}
