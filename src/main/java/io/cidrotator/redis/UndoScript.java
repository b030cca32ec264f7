package io.cidrotator.redis;

import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;

import static io.cidrotator.redis.ScriptReplies.orEmpty;

/**
 * {@code lua/undo.lua}: takes back an allocation whose answer came too late (its count, its reservation, its LRU
 * place and its agent's rate count), unless a retry of the same call was answered with it meanwhile.
 */
public final class UndoScript {

  public static final LuaScript LUA = LuaScript.load("undo");

  private UndoScript() {
  }

  /**
   * @param previousLastUse the number's last use before the allocation (ms), from the allocation's reply
   * @param windows         the cap windows of now
   * @param agent           the allocation's agent, null for none
   * @param minuteId        the rate-limit minute window of the allocation
   */
  public record Args(String callerId, String allocationId, long previousLastUse, long now, CapWindows windows,
                     String agent, String minuteId) {

    List<String> argv() {
      List<String> argv = new ArrayList<>(10);
      argv.addAll(List.of(callerId, allocationId, Long.toString(previousLastUse), Long.toString(now)));
      argv.addAll(windows.argv());
      argv.addAll(List.of(orEmpty(agent), minuteId));
      return argv;
    }
  }

  /** Succeeds with true when the allocation was taken back. */
  public static Future<Boolean> run(ScriptRunner redis, Args args) {
    return redis.run(LUA, args.argv()).map(reply -> reply.toLong() == 1);
  }
}
