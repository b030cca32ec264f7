package io.cidrotator.stats;

import io.cidrotator.Bus;
import io.cidrotator.history.HistoryBatch;
import io.cidrotator.history.HistoryEvent;
import io.vertx.core.Vertx;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The last {@value #EVENTS} feed events this server's allocators published, oldest first: what a live stream sends
 * first, so a dashboard opened between calls is not empty. One per router instance, filled on its event loop by
 * its own consumer of {@link Bus#FEED} (unregistered with the verticle); held in memory only, so a restart empties
 * it.
 */
final class RecentFeed {

  /** As many as the dashboard's feed shows. */
  static final int EVENTS = 200;

  private final ArrayDeque<HistoryEvent> events = new ArrayDeque<>(EVENTS);

  /** Starts keeping events; call on the router verticle's context. */
  RecentFeed(Vertx vertx) {
    vertx.eventBus().<HistoryBatch>consumer(Bus.FEED, msg -> keep(msg.body()));
  }

  private void keep(HistoryBatch batch) {
    for (HistoryEvent event : batch.events()) {
      if (events.size() == EVENTS) {
        events.removeFirst();
      }
      events.addLast(event);
    }
  }

  /** A copy: the stream writes it while this keeps changing. */
  List<HistoryEvent> events() {
    return List.copyOf(events);
  }
}
