package io.cidrotator.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Response;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code lua/campaign_reservations.lua}: the live reservations of every pool, counted by campaign. */
public final class CampaignReservationsScript {

  public static final LuaScript LUA = LuaScript.load("campaign_reservations");

  private CampaignReservationsScript() {
  }

  public record Args(long now) {

    List<String> argv() {
      return List.of(Long.toString(now));
    }
  }

  /** Campaign -> live reservations; allocations that named no campaign under "". */
  public static Future<Map<String, Long>> run(ScriptRunner redis, Args args) {
    return redis.run(LUA, args.argv()).map(CampaignReservationsScript::counts);
  }

  private static Map<String, Long> counts(Response reply) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (int at = 0; at + 1 < reply.size(); at += 2) {
      counts.put(reply.get(at).toString(), reply.get(at + 1).toLong());
    }
    return counts;
  }
}
