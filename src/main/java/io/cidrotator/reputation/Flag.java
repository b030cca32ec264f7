package io.cidrotator.reputation;

import io.cidrotator.phone.NanpNumber;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * A spam flag as an admin records it: the number, who labelled it ({@code source}: a carrier, an analytics service),
 * what they called it ({@code label}), the day they reported it ({@code flagged_on}, default today) and a note.
 * {@code line}: the line of the CSV it came from (0: the API).
 */
public record Flag(String callerId, String source, String label, LocalDate flaggedOn, String note, int line) {

  public static final int MAX_TEXT = 64;
  public static final int MAX_NOTE = 500;

  /**
   * A flag from text fields as the API or a CSV gives them (null or blank: absent), checked. Throws
   * {@link IllegalArgumentException} naming the first field that is wrong ({@code source: required}).
   */
  public static Flag checked(String callerId, String source, String label, String flaggedOn, String note, int line) {
    if (callerId == null || callerId.isBlank()) {
      throw new IllegalArgumentException("caller_id: required");
    }
    String digits = NanpNumber.parse("caller_id", callerId.trim(), List.of()).digits();
    if (source == null || source.isBlank()) {
      throw new IllegalArgumentException("source: required (who labelled the number: a carrier, a service)");
    }
    return new Flag(digits, text("source", source, MAX_TEXT), text("label", label, MAX_TEXT), day(flaggedOn),
      text("note", note, MAX_NOTE), line);
  }

  private static String text(String field, String value, int max) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String trimmed = value.trim();
    if (trimmed.length() > max) {
      throw new IllegalArgumentException(field + ": at most " + max + " characters");
    }
    return trimmed;
  }

  /** A day as YYYY-MM-DD, not after tomorrow (UTC: a source a day ahead of us); today when absent. */
  private static LocalDate day(String raw) {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    if (raw == null || raw.isBlank()) {
      return today;
    }
    String text = raw.trim();
    LocalDate day = null;
    if (text.matches("\\d{4}-\\d{2}-\\d{2}")) {
      try {
        day = LocalDate.parse(text);
      } catch (DateTimeParseException e) {
        // reported below
      }
    }
    if (day == null) {
      throw new IllegalArgumentException("flagged_on: a date as YYYY-MM-DD, got '" + text + "'");
    }
    if (day.isAfter(today.plusDays(1))) {
      throw new IllegalArgumentException("flagged_on: " + day + " is in the future");
    }
    return day;
  }

  /** As the bus carries it. */
  public JsonObject toJson() {
    return new JsonObject()
      .put("caller_id", callerId)
      .put("source", source)
      .put("label", label)
      .put("flagged_on", flaggedOn.toString())
      .put("note", note)
      .put("line", line);
  }

  public static Flag of(JsonObject json) {
    return new Flag(json.getString("caller_id"), json.getString("source"), json.getString("label"),
      LocalDate.parse(json.getString("flagged_on")), json.getString("note"), json.getInteger("line", 0));
  }

  /** A row of caller_id_flags as the API shows it. */
  static JsonObject rowJson(Row row) {
    return new JsonObject()
      .put("id", row.getLong("id"))
      .put("caller_id", row.getString("caller_id"))
      .put("source", row.getString("source"))
      .put("label", row.getString("label"))
      .put("flagged_on", row.getLocalDate("flagged_on").toString())
      .put("note", row.getString("note"))
      .put("open", row.getOffsetDateTime("ended_at") == null)
      .put("created_at", text(row.getOffsetDateTime("created_at")))
      .put("created_by", row.getString("created_by"))
      .put("ended_at", text(row.getOffsetDateTime("ended_at")))
      .put("ended_by", row.getString("ended_by"))
      .put("end_reason", row.getString("end_reason"));
  }

  private static String text(OffsetDateTime time) {
    return time == null ? null : time.toString();
  }
}
