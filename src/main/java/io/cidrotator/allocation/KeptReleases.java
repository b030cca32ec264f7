package io.cidrotator.allocation;

import io.cidrotator.dialer.ReleaseRequest;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * Releases that came while Redis was unreachable: a hangup that is lost leaves its number reserved until the TTL,
 * with no call on it. Each allocator keeps up to {@value #CAPACITY} of them, in order, and applies them once Redis is
 * back (at the reconnection, then every second while any is left), each with the time the hangup asked, so that it
 * can only end a reservation made before then ({@code release.lua}). A release that finds no such number yet (Redis
 * came back empty and is being rebuilt) is tried again for {@value #GIVE_UP_MS} ms. Kept in this JVM: lost if it
 * dies before Redis is back. One per allocator, on its event loop.
 */
final class KeptReleases {

  private static final Logger LOG = LoggerFactory.getLogger(KeptReleases.class);
  static final int CAPACITY = 10_000;
  private static final long RETRY_MS = 1000;
  static final long GIVE_UP_MS = 5 * 60_000;

  /** What applying one release did: REDIS_DOWN also when Redis is back but not reconciled yet (tried again later). */
  enum Applied { DONE, NOT_YET, REDIS_DOWN }

  private final Vertx vertx;
  /** Kept by every allocator of this JVM, for the gauge. */
  private static final AtomicInteger WAITING = new AtomicInteger();
  private final ArrayDeque<Kept> kept = new ArrayDeque<>();
  private final BiFunction<ReleaseRequest, Long, Future<Applied>> apply;
  private boolean applying;
  private long timer = -1;

  /** {@code apply} runs one kept release with the time it was asked at. */
  KeptReleases(Vertx vertx, MeterRegistry registry, BiFunction<ReleaseRequest, Long, Future<Applied>> apply) {
    this.vertx = vertx;
    this.apply = apply;
    // Once per registry: every allocator shares the count (a second registration would only log a warning).
    if (registry.find("cidrotator_releases_kept").gauge() == null) {
      Gauge.builder("cidrotator_releases_kept", WAITING, AtomicInteger::get)
        .description("Releases received while Redis was unreachable, waiting to be applied when it is back")
        .register(registry);
    }
  }

  /** Keeps {@code release}, asked at {@code askedAt}; false when {@value #CAPACITY} already wait. */
  boolean keep(ReleaseRequest release, long askedAt) {
    if (kept.size() >= CAPACITY) {
      return false;
    }
    kept.addLast(new Kept(release, askedAt));
    WAITING.incrementAndGet();
    if (timer < 0) {
      timer = vertx.setPeriodic(RETRY_MS, id -> applyAll());
    }
    return true;
  }

  int waiting() {
    return kept.size();
  }

  /** Applies what is kept, oldest first; stops at the first sign that Redis is still away. */
  void applyAll() {
    if (applying || kept.isEmpty()) {
      return;
    }
    applying = true;
    int before = kept.size();
    applyNext(kept.size()).onComplete(ar -> {
      applying = false;
      if (kept.size() < before) {
        LOG.info("Applied {} releases kept while Redis was unreachable ({} still waiting)", before - kept.size(),
          kept.size());
      }
      if (kept.isEmpty() && timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
    });
  }

  private Future<Void> applyNext(int left) {
    if (left == 0 || kept.isEmpty()) {
      return Future.succeededFuture();
    }
    Kept next = kept.pollFirst();
    return apply.apply(next.release(), next.askedAt())
      .otherwise(Applied.REDIS_DOWN)
      .compose(applied -> switch (applied) {
        case DONE -> {
          WAITING.decrementAndGet();
          yield applyNext(left - 1);
        }
        case NOT_YET -> {
          if (System.currentTimeMillis() - next.askedAt() < GIVE_UP_MS) {
            kept.addLast(next);
          } else {
            WAITING.decrementAndGet();
            LOG.warn("A release kept since Redis was unreachable still finds no such number or call after {} s: "
              + "given up ({})", GIVE_UP_MS / 1000, next.release().naming());
          }
          yield applyNext(left - 1);
        }
        case REDIS_DOWN -> {
          kept.addFirst(next);
          yield Future.succeededFuture();
        }
      });
  }

  void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    WAITING.addAndGet(-kept.size());
    if (!kept.isEmpty()) {
      LOG.warn("Stopping with {} releases kept while Redis was unreachable: their numbers stay reserved until "
        + "their TTL", kept.size());
    }
  }

  private record Kept(ReleaseRequest release, long askedAt) {
  }
}
