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

  /** Milliseconds {@code remote} must still wait before its next attempt; 0 = go ahead. */
  public long waitMs(String remote, long now) {
    Failures f = failures.get(remote);
    if (f == null) {
      return 0;
    }
    if (now - f.lastAt() > FORGET_AFTER_MS) {
      failures.remove(remote, f);
      return 0;
    }
    if (f.count() < FREE_FAILURES) {
      return 0;
    }
    long wait = Math.min(MAX_WAIT_MS, 1000L << Math.min(20, f.count() - FREE_FAILURES));
    return Math.max(0, f.lastAt() + wait - now);
  }

  public void failed(String remote, long now) {
    if (failures.size() > MAX_TRACKED) {
      // A flood of addresses must not grow the map without bound: forget the quiet ones.
      failures.values().removeIf(f -> now - f.lastAt() > FORGET_AFTER_MS);
    }
    failures.merge(remote, new Failures(1, now), (old, one) -> new Failures(old.count() + 1, now));
  }

  public void succeeded(String remote) {
    failures.remove(remote);
  }
}
