package io.cidrotator.reputation;

import io.cidrotator.Bus;
import io.cidrotator.audit.Actor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/** The only code that builds or reads the spam flags' messages of the bus. */
public final class FlagClient {

  private final Bus.Sender bus;

  public FlagClient(Vertx vertx, long timeoutMs) {
    this.bus = new Bus.Sender(vertx, timeoutMs);
  }

  /** Records {@code flags} (checked), all or none. */
  public Future<JsonObject> flag(List<Flag> flags, Actor actor) {
    JsonArray sent = new JsonArray();
    flags.forEach(flag -> sent.add(flag.toJson()));
    return bus.request(Bus.FLAG, new JsonObject().put("flags", sent).put("actor", actor.toJson()));
  }

  /** Ends the open flags of {@code callerId}. */
  public Future<JsonObject> unflag(String callerId, Actor actor) {
    return bus.request(Bus.UNFLAG, new JsonObject().put("caller_id", callerId).put("actor", actor.toJson()));
  }

  /** The flags of {@code callerId}, newest first. */
  public Future<JsonObject> list(String callerId) {
    return bus.request(Bus.FLAG_LIST, new JsonObject().put("caller_id", callerId));
  }
}
