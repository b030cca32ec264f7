package io.cidrotator.redis;

import io.vertx.core.Future;

import java.util.List;

/** {@code lua/prune.lua}: removes numbers PostgreSQL no longer holds from every index (a live reservation ends). */
public final class PruneScript {

  public static final LuaScript LUA = LuaScript.load("prune");

  private PruneScript() {
  }

  /** The caller-IDs to remove; the caller checked that PostgreSQL no longer has them. */
  public record Args(List<String> callerIds) {

    List<String> argv() {
      return callerIds;
    }
  }

  /** Succeeds with how many of them the index held. */
  public static Future<Integer> run(ScriptRunner redis, Args args) {
    return redis.run(LUA, args.argv()).map(reply -> reply.toInteger());
  }
}
