package io.cidrotator.redis;

import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;

import static io.cidrotator.redis.ScriptReplies.orEmpty;

/**
 * {@code lua/sync.lua}: upserts numbers from PostgreSQL into the index, keeping their live state (reservation,
 * counts, a newer last use).
 */
public final class SyncScript {

  public static final LuaScript LUA = LuaScript.load("sync");

  private SyncScript() {
  }

  /** One number as PostgreSQL holds it, caps resolved (its own, else its pool's, else the server's default). */
  public record Number(String callerId, String pool, String areaCode, String carrier, int hourlyLimit,
                       int dailyLimit, boolean active, long lastUsedMs) {
  }

  public record Args(long now, CapWindows windows, List<Number> numbers) {

    List<String> argv() {
      List<String> argv = new ArrayList<>(5 + numbers.size() * 8);
      argv.add(Long.toString(now));
      argv.addAll(windows.argv());
      for (Number n : numbers) {
        argv.add(n.callerId());
        argv.add(n.pool());
        argv.add(n.areaCode());
        argv.add(orEmpty(n.carrier()));
        argv.add(Integer.toString(n.hourlyLimit()));
        argv.add(Integer.toString(n.dailyLimit()));
        argv.add(n.active() ? "1" : "0");
        argv.add(Long.toString(n.lastUsedMs()));
      }
      return argv;
    }
  }

  /** Succeeds with how many numbers were written. */
  public static Future<Integer> run(ScriptRunner redis, Args args) {
    return redis.run(LUA, args.argv()).map(reply -> reply.toInteger());
  }
}
