package io.cidrotator.audit;

import io.vertx.core.json.JsonObject;

/**
 * Who made an admin write, as the audit trail records it: the token's or JWT's subject, its role and
 * the client address. Travels in the {@code actor} field of every write message on the bus.
 */
public record Actor(String subject, String role, String remote) {

  /** For writes the server makes itself (the sample loader, a reload at start-up). */
  public static final Actor SYSTEM = new Actor("system", "admin", null);

  public JsonObject toJson() {
    return new JsonObject()
      .put("subject", subject)
      .put("role", role)
      .put("remote", remote);
  }

  /** The actor of a write message; {@link #SYSTEM} when the message names none. */
  public static Actor of(JsonObject message) {
    JsonObject json = message.getJsonObject("actor");
    if (json == null) {
      return SYSTEM;
    }
    return new Actor(json.getString("subject", "unknown"), json.getString("role", "unknown"), json.getString("remote"));
  }
}
