package io.cidrotator.redis;

import io.cidrotator.pool.TierPlace;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;

import static io.cidrotator.redis.ScriptReplies.orEmpty;

/**
 * {@code lua/sync.lua}: upserts numbers from PostgreSQL into the index, keeping their live state (reservation,
 * counts, a newer last use); a number the index had lost gets the state its history says it had, in the same
 * atomic step.
 */
public final class SyncScript {

  /** What a merge answers when another node's reconciliation already made its server whole. */
  public static final int ALREADY_WHOLE = -1;
  public static final LuaScript LUA = LuaScript.load("sync");
  /** The arguments of one number. */
  private static final int FIELDS = 28;

  private SyncScript() {
  }

  /**
   * One number as PostgreSQL holds it, caps resolved (its own, else its pool's, else the server's default).
   * {@code restore}: what its history says of it now, for an index rebuilt after Redis lost it; null for none.
   * {@code prefixes}: the 2- to 5-digit prefixes an admin assigned it to.
   */
  public record Number(String callerId, String pool, String areaCode, String carrier, int hourlyLimit,
                       int dailyLimit, boolean active, long lastUsedMs, Restore restore, List<String> prefixes) {

    /** A number with nothing to restore and no assigned prefix. */
    public Number(String callerId, String pool, String areaCode, String carrier, int hourlyLimit, int dailyLimit,
                  boolean active, long lastUsedMs) {
      this(callerId, pool, areaCode, carrier, hourlyLimit, dailyLimit, active, lastUsedMs, null, List.of());
    }
  }

  /**
   * A number's use in the current cap windows and its live reservation (null when none), from the allocation
   * history: applied when the index does not hold the number (Redis lost it), which is when the history is the
   * best there is, and merged in a {@link Args#mergeFor() merge}. (Otherwise, where the index holds it, Redis is ahead
   * of the history and keeps its own.)
   */
  public record Restore(int usesThisHour, int usesToday, Reservation reservation, Latest latest) {

    public Restore(int usesThisHour, int usesToday, Reservation reservation) {
      this(usesThisHour, usesToday, reservation, null);
    }
  }

  /**
   * The number's latest allocation within the longest TTL, ended or not: in a merge, a reservation the index holds
   * ends when the history says it ended, or that a later allocation followed it (its release was among the lost
   * writes).
   */
  public record Latest(String id, long allocatedAt, boolean ended) {
  }

  /**
   * A reservation still live: the allocation id, what it was for, when it was made and ends (ms), and the call
   * keys a release may name it by (null for none), which live {@code callKeyTtlMs} more.
   */
  public record Reservation(String id, String campaign, String agent, String destination, long reservedAt,
                            long expiresAt, String tier, String callKey, String uid, long callKeyTtlMs) {
  }

  /**
   * {@code mergeFor}: the run id of the server being reconciled, when the index came from another server (a failover,
   * a restart from a snapshot); each restore is then merged into a number the index holds too: the higher counts,
   * the later live reservation. Null: no merge.
   */
  public record Args(long now, CapWindows windows, List<Number> numbers, String mergeFor) {

    public Args(long now, CapWindows windows, List<Number> numbers) {
      this(now, windows, numbers, null);
    }

    List<String> argv() {
      List<String> argv = new ArrayList<>(6 + numbers.size() * FIELDS);
      argv.add(Long.toString(now));
      argv.addAll(windows.argv());
      argv.add(mergeFor == null ? "" : mergeFor);
      for (Number n : numbers) {
        argv.add(n.callerId());
        argv.add(n.pool());
        argv.add(n.areaCode());
        argv.add(orEmpty(n.carrier()));
        argv.add(Integer.toString(n.hourlyLimit()));
        argv.add(Integer.toString(n.dailyLimit()));
        argv.add(n.active() ? "1" : "0");
        argv.add(Long.toString(n.lastUsedMs()));
        addRestore(argv, n.restore());
        addPlace(argv, TierPlace.of(n.callerId(), n.areaCode(), List.of()));
        argv.add(String.join(",", n.prefixes()));
      }
      return argv;
    }

    /** Where the number is for the tiers: its overlay, region, zone, and whether its area code spans zones. */
    private static void addPlace(List<String> argv, TierPlace place) {
      argv.add(place.overlay());
      argv.add(place.region());
      argv.add(place.zone());
      argv.add(place.zoneApart() ? "1" : "");
    }

    private static void addRestore(List<String> argv, Restore restore) {
      argv.add(restore == null ? "" : Integer.toString(restore.usesThisHour()));
      argv.add(restore == null ? "" : Integer.toString(restore.usesToday()));
      Reservation r = restore == null ? null : restore.reservation();
      argv.add(r == null ? "" : r.id());
      argv.add(r == null ? "" : orEmpty(r.campaign()));
      argv.add(r == null ? "" : orEmpty(r.agent()));
      argv.add(r == null ? "" : r.destination());
      argv.add(r == null ? "" : Long.toString(r.reservedAt()));
      argv.add(r == null ? "" : Long.toString(r.expiresAt()));
      argv.add(r == null ? "" : r.tier());
      argv.add(r == null ? "" : orEmpty(r.callKey()));
      argv.add(r == null ? "" : orEmpty(r.uid()));
      argv.add(r == null ? "" : Long.toString(r.callKeyTtlMs()));
      Latest latest = restore == null ? null : restore.latest();
      argv.add(latest == null ? "" : latest.id());
      argv.add(latest == null ? "" : Long.toString(latest.allocatedAt()));
      argv.add(latest == null ? "" : latest.ended() ? "1" : "0");
    }
  }

  /** Succeeds with how many numbers were written. */
  /**
   * How many numbers were written; {@link #ALREADY_WHOLE} for a merge whose server another node's reconciliation
   * already made whole (nothing written).
   */
  public static Future<Integer> run(ScriptRunner redis, Args args) {
    return redis.run(LUA, args.argv()).map(reply -> reply.toInteger());
  }
}
