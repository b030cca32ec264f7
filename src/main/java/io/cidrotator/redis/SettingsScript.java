package io.cidrotator.redis;

import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code lua/settings.lua}: replaces every pool's settings and every campaign's pool with PostgreSQL's in one
 * atomic call, so an allocation sees either the old settings or the new ones.
 */
public final class SettingsScript {

  public static final LuaScript LUA = LuaScript.load("settings");

  private SettingsScript() {
  }

  /**
   * A pool's settings as allocate.lua reads them; {@code ttlMs} null means the server's default. {@code window}: the
   * calling window as {@code start-end} minutes of the callee's local day (null: none), {@code windowByRegion} the
   * same per region (US-TX, ...).
   */
  public record PoolSettings(String name, Long ttlMs, String tiers, String strategy, int stickyDays, String window,
                             Map<String, String> windowByRegion) {

    public PoolSettings(String name, Long ttlMs, String tiers) {
      this(name, ttlMs, tiers, "lru", 0, null, Map.of());
    }

    String windows() {
      StringBuilder windows = new StringBuilder(window == null ? "" : window);
      windowByRegion.forEach((region, minutes) -> windows.append('|').append(region).append('=').append(minutes));
      return windows.toString();
    }
  }

  /** Every pool, and every campaign with its pool (in the order to write them). */
  public record Args(List<PoolSettings> pools, Map<String, String> campaignPools) {

    List<String> argv() {
      List<String> argv = new ArrayList<>(1 + pools.size() * 6 + campaignPools.size() * 2);
      argv.add(Integer.toString(pools.size()));
      for (PoolSettings pool : pools) {
        argv.add(pool.name());
        argv.add(pool.ttlMs() == null ? "" : Long.toString(pool.ttlMs()));
        argv.add(pool.tiers());
        argv.add(pool.windows());
        argv.add(pool.strategy());
        argv.add(Long.toString(pool.stickyDays() * 86_400_000L));
      }
      campaignPools.forEach((campaign, pool) -> {
        argv.add(campaign);
        argv.add(pool);
      });
      return argv;
    }
  }

  /** How many pools and campaigns were written. */
  public record Reply(int pools, int campaigns) {
  }

  public static Future<Reply> run(ScriptRunner redis, Args args) {
    return redis.run(LUA, args.argv()).map(r -> new Reply(r.get(0).toInteger(), r.get(1).toInteger()));
  }
}
