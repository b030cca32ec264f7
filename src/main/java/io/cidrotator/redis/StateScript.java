package io.cidrotator.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Response;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.cidrotator.redis.ScriptReplies.count;
import static io.cidrotator.redis.ScriptReplies.millis;

/** {@code lua/state.lua}: the live state of one number, read in one atomic step. */
public final class StateScript {

  public static final LuaScript LUA = LuaScript.load("state");

  private StateScript() {
  }

  public record Args(String callerId, long now) {

    List<String> argv() {
      return List.of(callerId, Long.toString(now));
    }
  }

  /**
   * One number as the index holds it now. {@code state}: available, reserved, capped or inactive (an expired
   * reservation or an ended cap not reclaimed yet reads as over); {@code until}: when the reservation or cap
   * ends (ms), else null. The counts belong to the windows named beside them. {@code reservation} is the last
   * one, live only when the state is reserved.
   */
  public record Reply(String state, Long until, String pool, boolean active, Long lastUse, String hourWindow,
                      int hourCount, String dayWindow, int dayCount, int hourlyLimit, int dailyLimit,
                      Reservation reservation) {
  }

  /** The number's last reservation; fields the allocation left empty are null. */
  public record Reservation(String id, String campaign, String agent, String destination, String tier,
                            Long reservedAt) {
  }

  /** Succeeds with the number's state, or null when the index does not hold it. */
  public static Future<Reply> run(ScriptRunner redis, Args args) {
    return redis.run(LUA, args.argv()).map(StateScript::reply);
  }

  private static Reply reply(Response r) {
    if (r == null || r.size() == 0) {
      return null;
    }
    Map<String, String> f = new HashMap<>();
    for (int i = 0; i + 1 < r.size(); i += 2) {
      String value = r.get(i + 1).toString();
      f.put(r.get(i).toString(), value.isEmpty() ? null : value);
    }
    Long lastUse = millis(f.get("last"));
    return new Reply(f.get("state"), millis(f.get("until")), f.get("pool"), "1".equals(f.get("active")),
      lastUse == null || lastUse == 0 ? null : lastUse, f.get("hw"), count(f.get("hc")), f.get("dw"),
      count(f.get("dc")), count(f.get("hl")), count(f.get("dl")),
      new Reservation(f.get("rid"), f.get("rcampaign"), f.get("ragent"), f.get("rdest"), f.get("rtier"),
        millis(f.get("rat"))));
  }
}
