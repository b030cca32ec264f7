package io.cidrotator.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;

import static io.cidrotator.redis.ScriptReplies.millis;
import static io.cidrotator.redis.ScriptReplies.orEmpty;
import static io.cidrotator.redis.ScriptReplies.text;
import static io.cidrotator.redis.ScriptReplies.textOrNull;

/** {@code lua/live_reservations.lua}: one page of the live reservations, soonest expiry first. */
public final class LiveReservationsScript {

  public static final LuaScript LUA = LuaScript.load("live_reservations");
  private static final int FIELDS = 9;

  private LiveReservationsScript() {
  }

  /** {@code pool} and {@code campaign} filter when not null; {@code offset} entries are skipped. */
  public record Args(long now, String pool, String campaign, long offset, int limit) {

    List<String> argv() {
      return List.of(Long.toString(now), orEmpty(pool), orEmpty(campaign), Long.toString(offset),
        Integer.toString(limit));
    }
  }

  /** One live reservation; campaign and agent are null when the allocation named none. */
  public record Reservation(String callerId, String pool, String id, String campaign, String agent,
                            String destination, Long reservedAt, Long expiresAt, String tier) {
  }

  /** {@code total}: how many match the filters; {@code page}: at most {@code limit} of them. */
  public record Reply(long total, List<Reservation> page) {
  }

  public static Future<Reply> run(ScriptRunner redis, Args args) {
    return redis.run(LUA, args.argv()).map(LiveReservationsScript::reply);
  }

  private static Reply reply(Response r) {
    List<Reservation> page = new ArrayList<>();
    for (int at = 1; at + FIELDS <= r.size(); at += FIELDS) {
      page.add(new Reservation(text(r.get(at)), text(r.get(at + 1)), text(r.get(at + 2)),
        textOrNull(r.get(at + 3)), textOrNull(r.get(at + 4)), text(r.get(at + 5)), millis(text(r.get(at + 6))),
        millis(text(r.get(at + 7))), text(r.get(at + 8))));
    }
    return new Reply(r.get(0).toLong(), page);
  }
}
