package io.cidrotator.allocation;

import io.cidrotator.redis.LuaScript;
import io.cidrotator.redis.ScriptRunner;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The live reservations as the admin sees them: a page of them (from Redis, soonest expiry first) and the
 * release of every one a campaign holds. Runs on its {@link Allocator}'s connection and records releases in
 * its history, as a hang-up's release does.
 */
public final class LiveReservations {

  private static final List<String> KEYS = List.of(AllocatorVerticle.KEY_PREFIX);
  private static final int FIELDS = 9;

  private final ScriptRunner redis;
  private final ZoneId timezone;
  private final Consumer<HistoryEvent> history;

  LiveReservations(ScriptRunner redis, ZoneId timezone, Consumer<HistoryEvent> history) {
    this.redis = redis;
    this.timezone = timezone;
    this.history = history;
  }

  /**
   * A page of the live reservations; {@code query}: pool and campaign (optional filters), page (from 1) and
   * size. Succeeds with items, total, page, size.
   */
  public Future<JsonObject> list(JsonObject query) {
    int page = query.getInteger("page");
    int size = query.getInteger("size");
    List<String> args = List.of(Long.toString(System.currentTimeMillis()),
      Objects.requireNonNullElse(query.getString("pool"), ""),
      Objects.requireNonNullElse(query.getString("campaign"), ""),
      Long.toString((long) (page - 1) * size), Integer.toString(size));
    return redis.run(LuaScript.LIVE_RESERVATIONS, KEYS, args)
      .map(reply -> {
        JsonArray items = new JsonArray();
        for (int i = 1; i + FIELDS <= reply.size(); i += FIELDS) {
          items.add(reservation(reply, i));
        }
        return new JsonObject()
          .put("items", items)
          .put("total", reply.get(0).toLong())
          .put("page", page)
          .put("size", size);
      });
  }

  private static JsonObject reservation(Response reply, int at) {
    return new JsonObject()
      .put("caller_id", text(reply.get(at)))
      .put("pool", text(reply.get(at + 1)))
      .put("reservation", text(reply.get(at + 2)))
      .put("campaign", blankAsNull(text(reply.get(at + 3))))
      .put("agent", blankAsNull(text(reply.get(at + 4))))
      .put("destination", text(reply.get(at + 5)))
      .put("reserved_at", time(reply.get(at + 6)))
      .put("expires_at", time(reply.get(at + 7)))
      .put("tier", text(reply.get(at + 8)));
  }

  /**
   * Ends every live reservation of {@code request}'s campaign, in every pool; each number keeps its LRU place.
   * Succeeds with campaign, released (how many) and caller_ids.
   */
  public Future<JsonObject> releaseCampaign(JsonObject request) {
    long now = System.currentTimeMillis();
    CapWindows w = CapWindows.at(now, timezone);
    String campaign = request.getString("campaign");
    List<String> args = List.of(campaign, Long.toString(now),
      w.hourId(), Long.toString(w.hourEnd()), w.dayId(), Long.toString(w.dayEnd()));
    return redis.run(LuaScript.RELEASE_CAMPAIGN, KEYS, args)
      .map(reply -> {
        JsonArray callerIds = new JsonArray();
        for (int i = 0; i + 1 < reply.size(); i += 2) {
          String callerId = reply.get(i).toString();
          callerIds.add(callerId);
          history.accept(HistoryEvent.released(reply.get(i + 1).toString(), callerId, now, "released"));
        }
        return new JsonObject()
          .put("campaign", campaign)
          .put("released", callerIds.size())
          .put("caller_ids", callerIds);
      });
  }

  private static String text(Response value) {
    return value == null ? null : value.toString();
  }

  private static String blankAsNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  private static String time(Response ms) {
    return ms == null ? null : Instant.ofEpochMilli(Long.parseLong(ms.toString())).toString();
  }
}
