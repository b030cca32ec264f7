package io.cidrotator.redis;

import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;

/** {@code lua/tier_available.lua}: how many numbers are available now in each of the given tiers of a pool. */
public final class TierAvailableScript {

  public static final LuaScript LUA = LuaScript.load("tier_available");

  private TierAvailableScript() {
  }

  /** {@code tiers}: as {@link RedisKeys#tier} names them ({@code a:512}, {@code s:US-TX}); "" for the whole pool. */
  public record Args(String pool, List<String> tiers) {

    List<String> argv() {
      List<String> argv = new ArrayList<>(1 + tiers.size());
      argv.add(pool);
      argv.addAll(tiers);
      return argv;
    }
  }

  /** One count per tier, in the order asked. */
  public static Future<List<Long>> run(ScriptRunner redis, Args args) {
    return redis.run(LUA, args.argv()).map(r -> {
      List<Long> counts = new ArrayList<>(r.size());
      r.forEach(count -> counts.add(count.toLong()));
      return counts;
    });
  }
}
