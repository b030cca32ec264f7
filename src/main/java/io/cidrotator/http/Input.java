package io.cidrotator.http;

import io.cidrotator.phone.NanpNumber;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

import java.util.List;
import java.util.Set;

/**
 * Reading and validating request input at the edge: every problem is a 400 (or 422 for a missing
 * required field, as the old tool answered) whose message names the field.
 */
final class Input {

  static final int MAX_NAME = 64;

  private Input() {
  }

  /** The JSON object body; an empty object when there is none. */
  static JsonObject jsonBody(RoutingContext ctx) {
    if (!ctx.body().available() || ctx.body().length() == 0) {
      return new JsonObject();
    }
    Object value;
    try {
      value = ctx.body().asJsonObject();
    } catch (ClassCastException e) {
      throw new HttpException(400, "body: must be a JSON object");
    } catch (RuntimeException e) {
      throw new HttpException(400, "body: not valid JSON");
    }
    // A body of only whitespace decodes to nothing.
    return value == null ? new JsonObject() : (JsonObject) value;
  }

  /** Rejects the first field of {@code body} that is not one of {@code allowed}. */
  static void onlyFields(JsonObject body, String... allowed) {
    Set<String> known = Set.of(allowed);
    for (String field : body.fieldNames()) {
      if (!known.contains(field)) {
        throw new HttpException(400, field + ": unknown field (allowed: " + String.join(", ", allowed) + ")");
      }
    }
  }

  /** A string field, trimmed; null when absent or blank. */
  static String text(JsonObject body, String field, int maxLength) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text)) {
      throw new HttpException(400, field + ": must be a string");
    }
    String trimmed = text.trim();
    if (trimmed.length() > maxLength) {
      throw new HttpException(400, field + ": at most " + maxLength + " characters");
    }
    return trimmed.isEmpty() ? null : trimmed;
  }

  /** A field from the JSON body, else the query string (the old tool took query parameters). */
  static String field(RoutingContext ctx, JsonObject body, String name) {
    Object value = body.getValue(name);
    String raw = value != null ? value.toString() : ctx.request().getParam(name);
    return raw == null || raw.isBlank() ? null : raw.trim();
  }

  /** A positive integer from text; null stays null. */
  static Integer positive(String name, String raw) {
    if (raw == null) {
      return null;
    }
    try {
      int value = Integer.parseInt(raw.trim());
      if (value > 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new HttpException(400, name + ": must be a positive integer, got '" + raw + "'");
  }

  /** An integer parameter from {@code min} to {@code max}; null when absent or empty (an unset dialplan variable). */
  static Integer integer(String name, String raw, int min, int max) {
    if (raw == null || raw.isEmpty()) {
      return null;
    }
    try {
      int value = Integer.parseInt(raw);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new HttpException(400, name + ": must be an integer from " + min + " to " + max + ", got '" + raw + "'");
  }

  /** {@link #integer(String, String, int, int)}, or {@code fallback} when absent. */
  static int integer(String name, String raw, int fallback, int min, int max) {
    Integer value = integer(name, raw, min, max);
    return value == null ? fallback : value;
  }

  /** A positive integer JSON field; null when absent or null (which means "the default"). */
  static Integer positive(JsonObject body, String name) {
    Object value = body.getValue(name);
    if (value == null) {
      return null;
    }
    if (value instanceof Integer i && i > 0) {
      return i;
    }
    throw new HttpException(400, name + ": must be a positive integer or null, got " + value);
  }

  /** A caller-ID or destination normalized to 10 digits; 422 when missing, 400 when not a NANP number. */
  static NanpNumber number(String field, String raw) {
    if (raw == null) {
      throw new HttpException(422, field + ": required parameter is missing");
    }
    try {
      return NanpNumber.parse(field, raw, List.of());
    } catch (IllegalArgumentException e) {
      throw new HttpException(400, e.getMessage());
    }
  }

  /** campaign / agent / pool names: short, printable, no spaces; null when absent. */
  static String name(String field, String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    if (value.length() > MAX_NAME || !value.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new HttpException(400, field + ": at most " + MAX_NAME + " printable characters without spaces");
    }
    return value;
  }
}
