package io.cidrotator.history;

import io.cidrotator.Bus;
import io.cidrotator.redis.HistoryStream;
import io.vertx.core.Vertx;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The allocator side of the history: one per allocator, on its event loop. The history itself does not pass here:
 * the scripts append it to Redis in the same atomic call ({@link io.cidrotator.redis.HistoryStream}), so it survives
 * this process. What passes here is, for each answered allocation and release:
 * <ul>
 *   <li>the live streams' feed ({@code /api/live}): gathered and published every {@value #FLUSH_MS} ms as one
 *       {@link HistoryBatch} on {@link Bus#FEED}, one publish per 100 ms, nothing per allocation;</li>
 *   <li>a copy of each event until the history writer reports its stream entry written to PostgreSQL
 *       ({@link #written}; at most {@code keep} of them), so that when Redis loses its data, history that was still in
 *       its stream is written from here before Redis is rebuilt from PostgreSQL ({@link HistoryWriter#catchUp}): a
 *       crash of this process is covered by the stream, a loss of Redis by this copy.</li>
 * </ul>
 */
public final class AllocatorHistory {

  private static final long FLUSH_MS = 100;

  private final Vertx vertx;
  private final int keep;
  /** In the order of their stream entries: one connection to Redis answers in order. */
  private final ArrayDeque<Kept> kept = new ArrayDeque<>();
  private List<HistoryEvent> events = new ArrayList<>();
  private long timer = -1;

  public AllocatorHistory(Vertx vertx, int keep) {
    this.vertx = vertx;
    this.keep = keep;
  }

  /** Starts the periodic publish; call from the owning verticle's start(). */
  public void start() {
    timer = vertx.setPeriodic(FLUSH_MS, id -> flush());
  }

  /**
   * An event answered to the dialer (or an admin), and its {@code entry} in the history stream (null when the stream
   * was full: then it is not kept either, it was counted as dropped).
   */
  public void add(HistoryEvent event, HistoryStream.EntryId entry) {
    events.add(event);
    if (entry == null) {
      return;
    }
    if (kept.size() == keep) {
      kept.pollFirst();
    }
    kept.addLast(new Kept(entry, event));
  }

  /** The history writer wrote the stream up to {@code entry}: the copies up to it are no longer needed. */
  public void written(HistoryStream.EntryId entry) {
    while (!kept.isEmpty() && kept.peekFirst().entry().compareTo(entry) <= 0) {
      kept.pollFirst();
    }
  }

  /** The events not known written yet, oldest first: a copy, for another event loop. */
  public List<HistoryEvent> unwritten() {
    List<HistoryEvent> events = new ArrayList<>(kept.size());
    for (Kept one : kept) {
      events.add(one.event());
    }
    return events;
  }

  /** The stream entry of the last event not known written yet; null when there is none. */
  public HistoryStream.EntryId lastUnwritten() {
    return kept.isEmpty() ? null : kept.peekLast().entry();
  }

  private void flush() {
    if (events.isEmpty()) {
      return;
    }
    HistoryBatch batch = new HistoryBatch(events);
    events = new ArrayList<>();
    vertx.eventBus().publish(Bus.FEED, batch);
  }

  public void stop() {
    vertx.cancelTimer(timer);
  }

  private record Kept(HistoryStream.EntryId entry, HistoryEvent event) {
  }
}
