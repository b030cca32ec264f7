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
      .compose(v -> Bus.consumeAll(vertx, List.of(allocator)));
  }

  @Override
  public Future<?> stop() {
    return allocator.stop();
  }
}
