package io.cidrotator;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits for a condition that the server reaches by itself (a reconnect, a reload, a flush), asking again
 * every 100 ms until a deadline. Waits on Vert.x timers from the JUnit thread, never Thread.sleep.
 */
public final class Poll {

  private static final long EVERY_MS = 100;

  private Poll() {
  }

  /**
   * Runs {@code probe} until its result satisfies {@code done} and returns that result; a failed probe counts
   * as "not yet". Fails naming {@code what} and the last result or failure when {@code within} is over.
   */
  public static <T> T until(Vertx vertx, Duration within, String what, Supplier<Future<T>> probe, Predicate<T> done) {
    long deadline = System.nanoTime() + within.toNanos();
    Object last = "no answer yet";
    while (true) {
      try {
        T value = probe.get().await();
        if (done.test(value)) {
          return value;
        }
        last = value;
      } catch (Exception e) {
        // await() rethrows the cause as is, checked ones (ConnectException) included.
        last = e;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + ": not reached within " + within.toMillis() + " ms; last: " + last);
      }
      vertx.timer(EVERY_MS).await();
    }
  }

  /**
   * Reads {@code value} (a read that blocks, on the JUnit thread) until {@code done} accepts it or {@code within}
   * is over, and returns the last value read: the caller's assertion then reports what was seen when time ran out.
   */
  public static <T> T last(Vertx vertx, Duration within, Supplier<T> value, Predicate<T> done) {
    long deadline = System.nanoTime() + within.toNanos();
    T last = value.get();
    while (!done.test(last) && System.nanoTime() < deadline) {
      vertx.timer(EVERY_MS / 2).await();
      last = value.get();
    }
    return last;
  }
}
