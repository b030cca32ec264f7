package io.cidrotator.redis;

import io.vertx.core.Future;

import java.util.List;

/** {@code lua/pool_counts.lua}: where a pool's numbers are now. */
public final class PoolCountsScript {

  public static final LuaScript LUA = LuaScript.load("pool_counts");

  private PoolCountsScript() {
  }

  public record Args(String pool, long now) {

    List<String> argv() {
      return List.of(pool, Long.toString(now));
    }
  }

  /** Available now, live reservations, caps not yet over. */
  public record Reply(long available, long reserved, long capped) {
  }

  public static Future<Reply> run(ScriptRunner redis, Args args) {
    return redis.run(LUA, args.argv())
      .map(r -> new Reply(r.get(0).toLong(), r.get(1).toLong(), r.get(2).toLong()));
  }
}
