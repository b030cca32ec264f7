package io.cidrotator.allocation;

import io.cidrotator.history.AllocatorHistory;
import io.cidrotator.history.HistoryEvent;
import io.cidrotator.redis.CapWindows;
import io.cidrotator.redis.LiveReservationsScript;
import io.cidrotator.redis.ReleaseCampaignScript;
import io.cidrotator.redis.ScriptRunner;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.ZoneId;

/**
 * The live reservations as the admin sees them: a page of them (from Redis, soonest expiry first) and the
 * release of every one a campaign holds. Runs on its {@link Allocator}'s connection and records releases in
 * its history, as a hang-up's release does.
 */
public final class LiveReservations {

  private final ScriptRunner redis;
  private final ZoneId timezone;
  private final int historyLimit;
  private final AllocatorHistory history;

  LiveReservations(ScriptRunner redis, ZoneId timezone, int historyLimit, AllocatorHistory history) {
    this.redis = redis;
    this.timezone = timezone;
    this.historyLimit = historyLimit;
    this.history = history;
  }

  /**
   * A page of the live reservations; {@code query}: pool and campaign (optional filters), page (from 1) and
   * size. Succeeds with items, total, page, size.
   */
  public Future<JsonObject> list(JsonObject query) {
    int page = query.getInteger("page");
    int size = query.getInteger("size");
    LiveReservationsScript.Args args = new LiveReservationsScript.Args(System.currentTimeMillis(),
      query.getString("pool"), query.getString("campaign"), (long) (page - 1) * size, size);
    return LiveReservationsScript.run(redis, args)
      .map(reply -> {
        JsonArray items = new JsonArray();
        reply.page().forEach(reservation -> items.add(toJson(reservation)));
        return new JsonObject()
          .put("items", items)
          .put("total", reply.total())
          .put("page", page)
          .put("size", size);
      });
  }

  private static JsonObject toJson(LiveReservationsScript.Reservation r) {
    return new JsonObject()
      .put("caller_id", r.callerId())
      .put("pool", r.pool())
      .put("reservation", r.id())
      .put("campaign", r.campaign())
      .put("agent", r.agent())
      .put("destination", r.destination())
      .put("reserved_at", time(r.reservedAt()))
      .put("expires_at", time(r.expiresAt()))
      .put("tier", r.tier());
  }

  /**
   * Ends every live reservation of {@code request}'s campaign, in every pool; each number keeps its LRU place.
   * Succeeds with campaign, released (how many) and caller_ids.
   */
  public Future<JsonObject> releaseCampaign(JsonObject request) {
    long now = System.currentTimeMillis();
    String campaign = request.getString("campaign");
    ReleaseCampaignScript.Args args = new ReleaseCampaignScript.Args(campaign, now, CapWindows.at(now, timezone),
      historyLimit);
    return ReleaseCampaignScript.run(redis, args)
      .map(released -> {
        JsonArray callerIds = new JsonArray();
        for (ReleaseCampaignScript.Released one : released) {
          callerIds.add(one.callerId());
          history.add(HistoryEvent.released(one.allocationId(), one.callerId(), now, "released"), one.historyEntry());
        }
        return new JsonObject()
          .put("campaign", campaign)
          .put("released", callerIds.size())
          .put("caller_ids", callerIds);
      });
  }

  private static String time(Long ms) {
    return ms == null ? null : Instant.ofEpochMilli(ms).toString();
  }
}
