package io.cidrotator.alert;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** A webhook as the senders use it: where, its secret, what it wants to hear of, and its thresholds. */
public record WebhookTarget(long id, String url, String secret, Set<AlertEvent> events, Conditions conditions,
                            boolean active) {

  static final int MAX_URL = 2048;

  static WebhookTarget of(Row row) {
    Set<AlertEvent> events = EnumSet.noneOf(AlertEvent.class);
    for (String label : row.getArrayOfStrings("events")) {
      AlertEvent event = AlertEvent.of(label);
      if (event != null) {
        events.add(event);
      }
    }
    return new WebhookTarget(row.getLong("id"), row.getString("url"), row.getString("secret"), events,
      Conditions.of(row.getJsonObject("conditions")), row.getBoolean("active"));
  }

  /** A row as the API shows it: the secret is never shown again, only whether one is set. */
  static JsonObject toJson(Row row) {
    return new JsonObject()
      .put("id", row.getLong("id"))
      .put("url", row.getString("url"))
      .put("events", new JsonArray(List.of(row.getArrayOfStrings("events"))))
      .put("conditions", Conditions.of(row.getJsonObject("conditions")).toJson())
      .put("description", row.getString("description"))
      .put("active", row.getBoolean("active"))
      .put("secret_set", row.getString("secret") != null)
      .put("created_at", row.getOffsetDateTime("created_at").toString())
      .put("updated_at", row.getOffsetDateTime("updated_at").toString());
  }

  /**
   * A URL a webhook may have: http or https, a host, no user name or password in it (it would show in the delivery
   * log), no fragment. Throws {@link IllegalArgumentException} saying what is wrong ({@code url: ...}).
   */
  public static String checkedUrl(Object value) {
    if (!(value instanceof String text) || text.isBlank()) {
      throw new IllegalArgumentException("url: required, an http:// or https:// URL");
    }
    if (text.length() > MAX_URL) {
      throw new IllegalArgumentException("url: at most " + MAX_URL + " characters");
    }
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("url: not a URL (" + e.getReason() + ")");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("url: must start with http:// or https://, got '" + shown(text) + "'");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException("url: has no host name");
    }
    if (uri.getPort() != -1 && (uri.getPort() < 1 || uri.getPort() > 65535)) {
      throw new IllegalArgumentException("url: the port must be from 1 to 65535, got " + uri.getPort());
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("url: must not hold a user name or password (they would show in the "
        + "delivery log); authenticate the payload by its signature");
    }
    if (uri.getRawFragment() != null) {
      throw new IllegalArgumentException("url: must not have a #fragment");
    }
    return uri.toString();
  }

  /** The event labels an admin sent, checked: a non-empty array of known, subscribable events. */
  public static List<String> checkedEvents(Object value) {
    List<String> names = AlertEvent.subscribable().stream().map(AlertEvent::label).toList();
    if (!(value instanceof JsonArray array) || array.isEmpty()) {
      throw new IllegalArgumentException("events: a non-empty array of " + String.join(", ", names));
    }
    List<String> events = new ArrayList<>();
    for (Object item : array) {
      AlertEvent event = item instanceof String label ? AlertEvent.of(label) : null;
      if (event == null || event == AlertEvent.TEST) {
        throw new IllegalArgumentException("events: unknown event " + item + "; the events are "
          + String.join(", ", names));
      }
      if (!events.contains(event.label())) {
        events.add(event.label());
      }
    }
    return events;
  }

  private static String shown(String text) {
    return text.length() > 60 ? text.substring(0, 60) + "..." : text;
  }
}
