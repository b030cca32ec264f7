package io.cidrotator.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down password guessing: after {@value #FREE_FAILURES} failed logins from one address, each further
 * attempt must wait twice as long as the last (1 s, 2 s, 4 s ... up to 5 minutes). A success or a quiet
 * quarter of an hour forgets the address. One instance is shared by every router verticle of the process.
 */
public final class LoginThrottle {

  static final int FREE_FAILURES = 5;
  private static final long MAX_WAIT_MS = 5 * 60_000;
  private static final long FORGET_AFTER_MS = 15 * 60_000;
  private static final int MAX_TRACKED = 100_000;

  private final Map<String, Failures> failures = new ConcurrentHashMap<>();

  private record Failures(int count, long lastAt) {
  }

  /**
   * Milliseconds {@code remote} must still wait before it may try; 0 = go ahead, and the attempt counts as
   * a failure until {@link #succeeded} clears it. Counting it before the password is checked, in the same
   * atomic step as the check, keeps parallel guesses from all passing before the first one has failed.
   */
  public long attempt(String remote, long now) {
    if (failures.size() > MAX_TRACKED) {
      // A flood of addresses must not grow the map without bound: forget the quiet ones.
      failures.values().removeIf(f -> now - f.lastAt() > FORGET_AFTER_MS);
    }
    long[] wait = {0};
    failures.compute(remote, (address, f) -> {
      if (f == null || now - f.lastAt() > FORGET_AFTER_MS) {
        return new Failures(1, now);
      }
      wait[0] = waitMs(f, now);
      return wait[0] > 0 ? f : new Failures(f.count() + 1, now);
    });
    return wait[0];
  }

  private static long waitMs(Failures f, long now) {
    if (f.count() < FREE_FAILURES) {
      return 0;
    }
    long wait = Math.min(MAX_WAIT_MS, 1000L << Math.min(20, f.count() - FREE_FAILURES));
    return Math.max(0, f.lastAt() + wait - now);
  }

  public void succeeded(String remote) {
    failures.remove(remote);
  }

  /** Milliseconds {@code remote} must still wait before it may try; 0 = go ahead. Counts nothing. */
  public long waiting(String remote, long now) {
    Failures f = failures.get(remote);
    return f == null || now - f.lastAt() > FORGET_AFTER_MS ? 0 : waitMs(f, now);
  }

  /**
   * Counts a failure that is only known once the attempt was checked (a bearer token on an admin route: counting
   * every request first would slow down a dashboard's parallel requests).
   */
  public void failed(String remote, long now) {
    failures.compute(remote, (address, f) -> f == null || now - f.lastAt() > FORGET_AFTER_MS
      ? new Failures(1, now) : new Failures(f.count() + 1, now));
  }
}
