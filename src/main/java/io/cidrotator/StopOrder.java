package io.cidrotator;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The order of a graceful stop (SIGTERM from systemd or {@code docker stop}: Vert.x undeploys every verticle at
 * once). The front doors, the HTTP and FastAGI listeners, stop accepting and answer what is in flight, for up to
 * SHUTDOWN_GRACE_SECONDS; the allocators and the admin verticle, which those answers need, stop only after them
 * (or once the grace period is over), and the admin verticle then writes the history it can.
 */
public final class StopOrder {

  private final int frontDoors;
  private final long graceMs;
  private final AtomicInteger closed = new AtomicInteger();
  private final Promise<Void> allClosed = Promise.promise();

  public StopOrder(int frontDoors, long graceMs) {
    this.frontDoors = frontDoors;
    this.graceMs = graceMs;
    if (frontDoors == 0) {
      allClosed.complete();
    }
  }

  /** No front door to wait for: what a verticle deployed on its own (tests) gets. */
  public static StopOrder none() {
    return new StopOrder(0, 0);
  }

  /** How long a front door answers what is in flight before it closes its connections anyway. */
  public long graceMs() {
    return graceMs;
  }

  /** A front door (one listener instance) has answered what was in flight and closed. */
  public void frontDoorClosed() {
    if (closed.incrementAndGet() >= frontDoors) {
      allClosed.tryComplete();
    }
  }

  /** The start failed (a port in use, ...): no front door is open, and the back ends stop at once. */
  public void startFailed() {
    allClosed.tryComplete();
  }

  /**
   * Resolves, on the calling verticle's context, once every front door closed, or a second after the grace period
   * at most: a back end never waits forever on a door that failed to report.
   */
  public Future<Void> frontDoorsClosed(Vertx vertx) {
    Context context = vertx.getOrCreateContext();
    Promise<Void> here = Promise.promise();
    long timer = vertx.setTimer(graceMs + 1000, id -> here.tryComplete());
    allClosed.future().onComplete(ar -> context.runOnContext(v -> {
      vertx.cancelTimer(timer);
      here.tryComplete();
    }));
    return here.future();
  }
}
