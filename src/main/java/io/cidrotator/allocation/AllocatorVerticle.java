package io.cidrotator.allocation;

import io.cidrotator.AppConfig;
import io.cidrotator.Bus;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

import java.util.List;

/**
 * Consumes allocation requests on an event loop (never a worker) and answers each through its own
 * {@link Allocator}, so every instance has its own pipelined Redis connection. Several instances share
 * the addresses; the bus spreads requests over them.
 */
public final class AllocatorVerticle extends VerticleBase {

  private final AppConfig config;
  private Allocator allocator;

  public AllocatorVerticle(AppConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    allocator = new Allocator(vertx, config, "allocator");
    return allocator.start()
      .compose(v -> Future.all(List.of(
        Bus.consume(vertx, Bus.ALLOCATE, allocator::allocate),
        Bus.consume(vertx, Bus.RELEASE, allocator::release),
        Bus.consume(vertx, Bus.TAKE_BACK, undo -> allocator.takeBack(undo, true)),
        Bus.consume(vertx, Bus.RESERVATION_COUNT, allocator::reservationCount),
        Bus.consume(vertx, Bus.RESERVATION_LIST, allocator.reservations()::list),
        Bus.consume(vertx, Bus.RESERVATION_RELEASE_CAMPAIGN, allocator.reservations()::releaseCampaign),
        Bus.consume(vertx, Bus.REDIS_PING, allocator::ping))));
  }

  @Override
  public Future<?> stop() {
    return allocator.stop();
  }
}
