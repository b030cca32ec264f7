package io.cidrotator.redis;

import io.vertx.core.Future;

import java.util.List;

/** {@code lua/reservation_count.lua}: the live reservations of every pool (expired ones not counted). */
public final class ReservationCountScript {

  public static final LuaScript LUA = LuaScript.load("reservation_count");

  private ReservationCountScript() {
  }

  public record Args(long now) {

    List<String> argv() {
      return List.of(Long.toString(now));
    }
  }

  public static Future<Long> run(ScriptRunner redis, Args args) {
    return redis.run(LUA, args.argv()).map(reply -> reply.toLong());
  }
}
