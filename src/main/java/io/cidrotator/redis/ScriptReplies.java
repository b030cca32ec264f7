package io.cidrotator.redis;

import io.vertx.redis.client.Response;

/** Reading the values of a script's reply: Redis hands back strings, integers and nils. */
final class ScriptReplies {

  private ScriptReplies() {
  }

  /** The text of {@code value}; null for a nil. */
  static String text(Response value) {
    return value == null ? null : value.toString();
  }

  /** The text of {@code value}; null for a nil or an empty string (an unset field the script sent as ''). */
  static String textOrNull(Response value) {
    String text = text(value);
    return text == null || text.isEmpty() ? null : text;
  }

  /**
   * Milliseconds as a script wrote them: an integer reply, or a hash field Lua formatted (which may read
   * {@code 1.7640864e+12}). Null for a nil or an empty string.
   */
  static Long millis(String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return (long) Double.parseDouble(value);
    }
  }

  /** A count from a hash field; 0 for a field never written. */
  static int count(String value) {
    return value == null || value.isEmpty() ? 0 : Integer.parseInt(value);
  }

  /** '' for null: a script's ARGV cannot carry a nil. */
  static String orEmpty(String value) {
    return value == null ? "" : value;
  }
}
