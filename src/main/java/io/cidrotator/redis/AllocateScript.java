package io.cidrotator.redis;

import io.cidrotator.locality.Locality;
import io.cidrotator.locality.Place;
import io.vertx.core.Future;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;

import static io.cidrotator.redis.ScriptReplies.millis;
import static io.cidrotator.redis.ScriptReplies.orEmpty;

/** {@code lua/allocate.lua}: picks, reserves and counts one caller-ID in a single atomic step. */
public final class AllocateScript {

  public static final LuaScript LUA = LuaScript.load("allocate");

  private AllocateScript() {
  }

  /**
   * What one allocation asks for, in the script's ARGV order. {@code destination} is 10 digits; its area code
   * is the one looked up. A null agent, campaign, callKey or uid means none.
   *
   * @param defaultPool   the pool of a campaign without a mapping
   * @param ttlMs         the reservation TTL unless the pool sets its own
   * @param agentLimit    allocations per agent per minute
   * @param reclaimBatch  expired reservations and ended caps returned to service per call
   * @param callKeyGraceMs how long a call key outlives its reservation
   * @param historyLimit  the history stream's limit ({@link HistoryStream}): the allocation is appended to it
   * @param callee        where the destination is (its overlay, region and zone: the tiers looked in), null where
   *                      the numbering plan does not place it
   * @param calleeMinutes the destination's local time in each of its zones, minutes after midnight (empty: unplaced):
   *                      what the pool's calling window is checked on
   */
  public record Args(long now, String defaultPool, long ttlMs, CapWindows windows, String agent, int agentLimit,
                     String campaign, String destination, String allocationId, int reclaimBatch, String callKey,
                     String uid, long callKeyGraceMs, int historyLimit, Place callee,
                     List<Integer> calleeMinutes) {

    /** A destination placed by the numbering plan whose local time is not looked at: no calling window applies. */
    public Args(long now, String defaultPool, long ttlMs, CapWindows windows, String agent, int agentLimit,
                String campaign, String destination, String allocationId, int reclaimBatch, String callKey,
                String uid, long callKeyGraceMs, int historyLimit) {
      this(now, defaultPool, ttlMs, windows, agent, agentLimit, campaign, destination, allocationId, reclaimBatch,
        callKey, uid, callKeyGraceMs, historyLimit, Locality.nanp().of(destination), List.of());
    }

    List<String> argv() {
      List<String> argv = new ArrayList<>(23);
      argv.addAll(List.of(Long.toString(now), defaultPool, destination.substring(0, 3), Long.toString(ttlMs)));
      argv.addAll(windows.argv());
      argv.addAll(List.of(orEmpty(agent), Integer.toString(agentLimit), windows.minuteId(),
        orEmpty(campaign), destination, allocationId, Integer.toString(reclaimBatch),
        orEmpty(callKey), orEmpty(uid), Long.toString(callKeyGraceMs), Integer.toString(historyLimit),
        callee == null ? "" : callee.area().region(),
        String.join(",", calleeMinutes.stream().map(String::valueOf).toList()),
        callee == null ? "" : callee.overlayGroup(), callee == null ? "" : callee.zone()));
      return argv;
    }
  }

  /** A number reserved, or the reason there is none. */
  public sealed interface Reply permits Allocated, Refused {
  }

  /**
   * The number handed out. {@code repeat}: a retry of the same call key, answered with its live reservation
   * (nothing counted again; {@code ttlMs} is then what is left of it). {@code previousLastUse} is the number's
   * last use before this allocation, what a take-back restores. {@code historyEntry}: its entry in the history
   * stream (null for a repeat, or when the stream was full).
   */
  public record Allocated(String callerId, String areaCode, String carrier, String tier, String allocationId,
                          long previousLastUse, String pool, long ttlMs, boolean repeat,
                          HistoryStream.EntryId historyEntry) implements Reply {
  }

  /**
   * No number: {@code reason}, in the pool the campaign allocates from; {@code detail} the pool's calling window
   * ({@code start-end} minutes) when the reason is {@link Refusal#OUTSIDE_CALLING_WINDOW}, its tiers when it is
   * {@link Refusal#NO_LOCAL_NUMBER}, else null.
   */
  public record Refused(Refusal reason, String pool, String detail) implements Reply {

    public Refused(Refusal reason, String pool) {
      this(reason, pool, null);
    }
  }

  /** Why allocate.lua handed out no number. */
  public enum Refusal {
    RATE_LIMITED, POOL_EMPTY, ALL_RESERVED, ALL_CAPPED, ALL_RESERVED_OR_CAPPED, NO_LOCAL_NUMBER, NOT_LOADED,
    OUTSIDE_CALLING_WINDOW;

    static Refusal of(String wire) {
      return valueOf(wire.toUpperCase(java.util.Locale.ROOT));
    }
  }

  public static Future<Reply> run(ScriptRunner redis, Args args) {
    return redis.run(LUA, args.argv()).map(AllocateScript::reply);
  }

  private static Reply reply(Response r) {
    if (!"OK".equals(r.get(0).toString())) {
      return new Refused(Refusal.of(r.get(1).toString()), r.get(2).toString(),
        r.size() > 3 ? r.get(3).toString() : null);
    }
    return new Allocated(r.get(1).toString(), r.get(2).toString(), r.get(3).toString(), r.get(4).toString(),
      r.get(5).toString(), millis(r.get(6).toString()), r.get(7).toString(), r.get(8).toLong(),
      "repeat".equals(r.get(9).toString()), HistoryStream.EntryId.parse(r.get(10).toString()));
  }
}
