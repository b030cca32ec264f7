package io.cidrotator.history;

import io.cidrotator.Bus;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;

/**
 * The allocator side of the history: one per allocator, on its event loop. Events are gathered here and handed
 * over every {@value #FLUSH_MS} ms as one {@link HistoryBatch}, sent to the {@link HistoryWriter} (which writes
 * PostgreSQL off the hot path) and published, the same batch by reference, to the live streams: one send and
 * one publish per 100 ms, nothing per allocation.
 */
public final class HistoryBuffer {

  private static final long FLUSH_MS = 100;

  private final Vertx vertx;
  private List<HistoryEvent> events = new ArrayList<>();
  private long timer = -1;

  public HistoryBuffer(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Starts the periodic hand-over; call from the owning verticle's start(). */
  public void start() {
    timer = vertx.setPeriodic(FLUSH_MS, id -> flush());
  }

  public void add(HistoryEvent event) {
    events.add(event);
  }

  /** Hands what was gathered over now; {@link Bus#HISTORY_HAND_OVER} asks for it. */
  public void flush() {
    if (events.isEmpty()) {
      return;
    }
    HistoryBatch batch = new HistoryBatch(events);
    events = new ArrayList<>();
    vertx.eventBus().send(Bus.HISTORY_APPEND, batch);
    vertx.eventBus().publish(Bus.FEED, batch);
  }

  /** Hands over what is left and stops; the writer keeps listening a moment for this last batch. */
  public void stop() {
    vertx.cancelTimer(timer);
    flush();
  }
}
