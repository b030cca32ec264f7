package io.cidrotator.redis;

import io.cidrotator.dialer.CallEnd;
import io.vertx.core.Future;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;

import static io.cidrotator.redis.ScriptReplies.orEmpty;

/** {@code lua/release.lua}: ends a live reservation at once (hangup); the number keeps its LRU place. */
public final class ReleaseScript {

  public static final LuaScript LUA = LuaScript.load("release");

  private ReleaseScript() {
  }

  /**
   * The call to end: {@code callerId} (with {@code reservation}, only that reservation), or, with callerId null,
   * the call whose allocation stored {@code callKey} or {@code uid}. Nulls mean none. A release that ends a live
   * reservation is appended to the history stream (limit {@code historyLimit}) with the call's {@code end}.
   * {@code askedAt}: when the hangup asked (ms) for a release kept while Redis was away and applied now; only a
   * reservation made before then is ended. Null: now.
   */
  public record Args(String callerId, long now, CapWindows windows, String reservation, String callKey, String uid,
                     CallEnd end, int historyLimit, Long askedAt) {

    public Args(String callerId, long now, CapWindows windows, String reservation, String callKey, String uid,
                CallEnd end, int historyLimit) {
      this(callerId, now, windows, reservation, callKey, uid, end, historyLimit, null);
    }

    List<String> argv() {
      List<String> argv = new ArrayList<>(14);
      argv.addAll(List.of(orEmpty(callerId), Long.toString(now)));
      argv.addAll(windows.argv());
      argv.addAll(List.of(orEmpty(reservation), orEmpty(callKey), orEmpty(uid), orEmpty(end.dialStatus()),
        text(end.answeredSeconds()), text(end.hangupCause()), Integer.toString(historyLimit),
        askedAt == null ? "" : askedAt.toString()));
      return argv;
    }

    private static String text(Integer value) {
      return value == null ? "" : value.toString();
    }
  }

  public enum Result {
    /** A live reservation ended now. */
    RELEASED,
    /** Nothing live (released before, expired, or another reservation holds the number now): idempotent. */
    NOTHING_LIVE,
    /** The index holds no such number. */
    UNKNOWN_NUMBER,
    /** No allocation holds that call key or uid (never allocated, or its grace period is over). */
    UNKNOWN_CALL
  }

  /**
   * {@code allocationId} is the reservation ended and {@code historyEntry} the release's entry in the history stream
   * (RELEASED only; the entry is null when the stream was full); {@code callerId} is null for the UNKNOWN_* results.
   */
  public record Reply(Result result, String allocationId, String callerId, HistoryStream.EntryId historyEntry) {
  }

  public static Future<Reply> run(ScriptRunner redis, Args args) {
    return redis.run(LUA, args.argv()).map(ReleaseScript::reply);
  }

  private static Reply reply(Response r) {
    return switch (r.get(0).toInteger()) {
      case 1 -> new Reply(Result.RELEASED, r.get(1).toString(), r.get(2).toString(),
        HistoryStream.EntryId.parse(r.get(3).toString()));
      case 0 -> new Reply(Result.NOTHING_LIVE, null, r.get(2).toString(), null);
      case -1 -> new Reply(Result.UNKNOWN_NUMBER, null, null, null);
      default -> new Reply(Result.UNKNOWN_CALL, null, null, null);
    };
  }
}
