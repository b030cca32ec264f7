package io.cidrotator.http;

import io.cidrotator.phone.NanpNumber;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reading and validating request input at the edge, for every feature's routes and the FastAGI listener:
 * every problem is an {@link HttpException} of 400 (or 422 for a missing required field, as the old tool
 * answered) whose message names the field.
 */
public final class Input {

  public static final int MAX_NAME = 64;

  private Input() {
  }

  /** Refuses (415) a body that is not sent as text/csv, naming what it was sent as. */
  public static void csvContentType(HttpServerRequest request) {
    String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
    if (type == null || !type.split(";")[0].trim().toLowerCase(Locale.ROOT).equals("text/csv")) {
      throw new HttpException(415, "Content-Type: send the file as text/csv (got "
        + (type == null ? "none" : "'" + type + "'") + ")");
    }
  }

  /** The JSON object body; an empty object when there is none. */
  public static JsonObject jsonBody(RoutingContext ctx) {
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
  public static void onlyFields(JsonObject body, String... allowed) {
    Set<String> known = Set.of(allowed);
    for (String field : body.fieldNames()) {
      if (!known.contains(field)) {
        throw new HttpException(400, field + ": unknown field (allowed: " + String.join(", ", allowed) + ")");
      }
    }
  }

  /** Rejects the first query parameter that is not one of {@code allowed}. */
  public static void onlyParams(MultiMap params, Set<String> allowed) {
    for (String name : params.names()) {
      if (!allowed.contains(name)) {
        throw new HttpException(400, name + ": unknown query parameter (allowed: "
          + String.join(", ", allowed.stream().sorted().toList()) + ")");
      }
    }
  }

  /** {@code true} or {@code false}; null when absent. */
  public static Boolean bool(String name, String raw) {
    if (raw == null) {
      return null;
    }
    return switch (raw) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new HttpException(400, name + ": must be true or false, got '" + raw + "'");
    };
  }

  /** A query parameter of at most {@link #MAX_NAME} characters; null when absent or empty. */
  public static String shortText(String name, String raw) {
    if (raw == null || raw.isEmpty()) {
      return null;
    }
    if (raw.length() > MAX_NAME) {
      throw new HttpException(400, name + ": at most " + MAX_NAME + " characters");
    }
    return raw;
  }

  /** A query parameter as given; null when absent, empty or blank (as an unset dialplan variable arrives). */
  public static String optional(String raw) {
    return raw == null || raw.isBlank() ? null : raw;
  }

  /** A string field, trimmed; null when absent or blank. */
  public static String text(JsonObject body, String field, int maxLength) {
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
  public static String field(RoutingContext ctx, JsonObject body, String name) {
    Object value = body.getValue(name);
    String raw = value != null ? value.toString() : ctx.request().getParam(name);
    return raw == null || raw.isBlank() ? null : raw.trim();
  }

  /** A positive integer from text; null stays null. */
  public static Integer positive(String name, String raw) {
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
  public static Integer integer(String name, String raw, int min, int max) {
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
  public static int integer(String name, String raw, int fallback, int min, int max) {
    Integer value = integer(name, raw, min, max);
    return value == null ? fallback : value;
  }

  /** A date as YYYY-MM-DD (a real one: no February 30); null when absent or empty. */
  public static LocalDate date(String name, String raw) {
    if (raw == null || raw.isEmpty()) {
      return null;
    }
    if (raw.matches("\\d{4}-\\d{2}-\\d{2}")) {
      try {
        return LocalDate.parse(raw);
      } catch (DateTimeParseException e) {
        // reported below
      }
    }
    throw new HttpException(400, name + ": must be a date as YYYY-MM-DD, got '" + raw + "'");
  }

  /** A positive integer JSON field; null when absent or null (which means "the default"). */
  public static Integer positive(JsonObject body, String name) {
    Object value = body.getValue(name);
    if (value == null) {
      return null;
    }
    if (value instanceof Integer i && i > 0) {
      return i;
    }
    throw new HttpException(400, name + ": must be a positive integer or null, got " + value);
  }

  /** A caller-ID normalized to 10 digits; 422 when missing, 400 when not a NANP number. */
  public static NanpNumber number(String field, String raw) {
    if (raw == null) {
      throw new HttpException(422, field + ": required parameter is missing");
    }
    return number(field, raw, List.of());
  }

  /** A number as dialed (outside-line prefixes stripped), normalized to 10 digits; 400 when not a NANP number. */
  public static NanpNumber number(String field, String raw, List<String> dialPrefixes) {
    try {
      return NanpNumber.parse(field, raw, dialPrefixes);
    } catch (IllegalArgumentException e) {
      throw new HttpException(400, e.getMessage());
    }
  }

  /** An area code (3 digits, the first 2-9); null stays null. */
  public static String areaCode(String field, String raw) {
    if (raw != null && !NanpNumber.isAreaCode(raw)) {
      throw new HttpException(400, field + ": must be 3 digits starting with 2-9, got '" + raw + "'");
    }
    return raw;
  }

  /** A pool name as the pools table allows it (letters, digits, _ . -, at most 64); null stays null. */
  public static String poolName(String field, String value) {
    if (value != null && !value.matches("[A-Za-z0-9_.-]{1," + MAX_NAME + "}")) {
      throw new HttpException(400, field + ": letters, digits, '_', '.' and '-' only, at most " + MAX_NAME
        + " characters, got '" + value + "'");
    }
    return value;
  }

  /** campaign / agent names and other identifiers a dialer sends: short, printable, no spaces; null when absent. */
  public static String name(String field, String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    if (value.length() > MAX_NAME || !value.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new HttpException(400, field + ": at most " + MAX_NAME + " printable characters without spaces");
    }
    return value;
  }
}
