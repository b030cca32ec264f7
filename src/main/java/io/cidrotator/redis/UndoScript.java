package io.cidrotator.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.ResponseType;

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
   * @param answered        whether the allocation was answered (late): the history keeps it, ended 'taken_back';
   *                        otherwise no caller ever had it and it leaves the history
   * @param historyLimit    the history stream's limit ({@link HistoryStream})
   */
  public record Args(String callerId, String allocationId, long previousLastUse, long now, CapWindows windows,
                     String agent, String minuteId, boolean answered, int historyLimit) {

    List<String> argv() {
      List<String> argv = new ArrayList<>(12);
      argv.addAll(List.of(callerId, allocationId, Long.toString(previousLastUse), Long.toString(now)));
      argv.addAll(windows.argv());
      argv.addAll(List.of(orEmpty(agent), minuteId, answered ? "1" : "0", Integer.toString(historyLimit)));
      return argv;
    }
  }

  /**
   * Whether the allocation was taken back, and the take-back's entry in the history stream (null when it was not,
   * or when the stream was full).
   */
  public record Result(boolean undone, HistoryStream.EntryId historyEntry) {
  }

  public static Future<Result> run(ScriptRunner redis, Args args) {
    return redis.run(LUA, args.argv()).map(reply -> reply.type() == ResponseType.MULTI
      ? new Result(true, HistoryStream.EntryId.parse(reply.get(1).toString()))
      : new Result(false, null));
  }
}
