package io.cidrotator.redis;

import io.cidrotator.locality.Place;
import io.cidrotator.pool.TierPlace;
import io.vertx.core.Future;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;

import static io.cidrotator.redis.ScriptReplies.orEmpty;

/**
 * {@code lua/explain.lua}: what allocate.lua would do now for a destination, reserving and counting nothing (the
 * same tier functions pick the number).
 */
public final class ExplainScript {

  public static final LuaScript LUA = LuaScript.load("explain");

  private ExplainScript() {
  }

  /**
   * @param callee        where the destination is, null where the numbering plan does not place it
   * @param calleeMinutes its local time in each of its zones, minutes after midnight
   * @param listLimit     at most this many live reservations and caps come back (each)
   */
  public record Args(long now, String defaultPool, CapWindows windows, String campaign, String destination,
                     Place callee, List<Integer> calleeMinutes, int listLimit) {

    List<String> argv() {
      List<String> argv = new ArrayList<>(14);
      argv.addAll(List.of(Long.toString(now), defaultPool, destination.substring(0, 3)));
      argv.addAll(windows.argv());
      argv.addAll(List.of(orEmpty(campaign), destination, callee == null ? "" : callee.area().region(),
        String.join(",", calleeMinutes.stream().map(String::valueOf).toList()),
        callee == null ? "" : callee.overlayGroup(), callee == null ? "" : callee.zone(),
        Integer.toString(listLimit)));
      return argv;
    }
  }

  /**
   * One tier as the pool would try it: the numbers available in it, its first one (null: none); for the tier
   * {@code sticky}, {@code remembered} is the number the destination got last (null: none remembered).
   */
  public record Step(String tier, long available, String first, String remembered) {
  }

  /** A live reservation or cap: the number where it stands for the tiers, and when it ends. */
  public record Held(TierPlace place, long until) {
  }

  /**
   * What the pool would do. {@code callerId} and {@code tier}: the number picked, else null and {@code refusal} the
   * reason allocate.lua would answer (with {@code detail}: the window or the tiers).
   */
  public record Reply(String pool, String tiers, String strategy, String window, List<Step> steps, String callerId,
                      String tier, AllocateScript.Refusal refusal, String detail, List<Held> reserved,
                      List<Held> capped) {
  }

  public static Future<Reply> run(ScriptRunner redis, Args args) {
    return redis.run(LUA, args.argv()).map(ExplainScript::reply);
  }

  private static Reply reply(Response r) {
    List<Step> steps = new ArrayList<>();
    r.get(4).forEach(step -> steps.add(new Step(step.get(0).toString(), step.get(1).toLong(),
      step.get(2).toString().isEmpty() ? null : step.get(2).toString(),
      step.size() > 3 && !step.get(3).toString().isEmpty() ? step.get(3).toString() : null)));
    Response choice = r.get(5);
    boolean picked = "OK".equals(choice.get(0).toString());
    return new Reply(r.get(0).toString(), r.get(1).toString(), r.get(2).toString(),
      r.get(3).toString().isEmpty() ? null : r.get(3).toString(), steps,
      picked ? choice.get(1).toString() : null, picked ? choice.get(2).toString() : null,
      picked ? null : AllocateScript.Refusal.of(choice.get(1).toString()),
      !picked && choice.size() > 3 ? choice.get(3).toString() : null, held(r.get(6)), held(r.get(7)));
  }

  private static List<Held> held(Response entries) {
    List<Held> held = new ArrayList<>(entries.size());
    entries.forEach(e -> held.add(new Held(new TierPlace(e.get(0).toString(), e.get(1).toString(),
      e.get(2).toString(), e.get(3).toString(), e.get(4).toString(),
      e.get(6).toString().isEmpty() ? List.of() : List.of(e.get(6).toString().split(","))), e.get(5).toLong())));
    return held;
  }
}
