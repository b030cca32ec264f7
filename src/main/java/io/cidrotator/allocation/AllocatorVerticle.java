package io.cidrotator.allocation;

import io.cidrotator.AppConfig;
import io.cidrotator.Bus;
import io.cidrotator.StopOrder;
import io.cidrotator.history.HistoryBatch;
import io.cidrotator.redis.HistoryStream;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Consumes allocation requests on an event loop (never a worker) and answers each through its own
 * {@link Allocator}, so every instance has its own pipelined Redis connection. Several instances share
 * the addresses; the bus spreads requests over them.
 */
public final class AllocatorVerticle extends VerticleBase {

  private final AppConfig config;
  private final StopOrder stopOrder;
  private Allocator allocator;

  public AllocatorVerticle(AppConfig config) {
    this(config, StopOrder.none());
  }

  public AllocatorVerticle(AppConfig config, StopOrder stopOrder) {
    this.config = config;
    this.stopOrder = stopOrder;
  }

  @Override
  public Future<?> start() {
    allocator = new Allocator(vertx, config, "allocator");
    return allocator.start()
      .compose(v -> Bus.consumeAll(vertx, List.of(allocator)))
      .compose(v -> vertx.eventBus().<JsonObject>consumer(Bus.HISTORY_UNWRITTEN, msg -> msg.reply(
          new HistoryBatch(allocator.unwrittenHistory()), unwrittenHeaders(allocator)))
        .completion())
      .compose(v -> vertx.eventBus().<String>consumer(Bus.HISTORY_WRITTEN,
          msg -> allocator.historyWritten(HistoryStream.EntryId.parse(msg.body())))
        .completion());
  }

  private static DeliveryOptions unwrittenHeaders(Allocator allocator) {
    DeliveryOptions headers = new DeliveryOptions().addHeader("allocator", allocator.id());
    HistoryStream.EntryId last = allocator.lastUnwrittenHistory();
    return last == null ? headers : headers.addHeader("last", last.toString());
  }

  /** Once the front doors answered what was in flight ({@link StopOrder}): those answers need this allocator. */
  @Override
  public Future<?> stop() {
    return stopOrder.frontDoorsClosed(vertx).compose(v -> allocator.stop());
  }
}
