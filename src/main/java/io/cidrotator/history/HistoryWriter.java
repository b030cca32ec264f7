package io.cidrotator.history;

import io.cidrotator.Bus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Writes allocation history to PostgreSQL in batches, off the hot path. Events wait in a bounded buffer;
 * while PostgreSQL is down they stay there and are flushed, in order, once it is back. When the buffer is
 * full, new events are dropped (never the older ones already accepted) and counted in
 * {@code cidrotator_history_dropped_total}; allocation itself never waits on history. The admin verticle's side
 * of the history: the allocators hand their {@link HistoryBatch}es over on {@link Bus#HISTORY_APPEND}.
 */
public final class HistoryWriter implements Bus.Handlers {

  private static final Logger LOG = LoggerFactory.getLogger(HistoryWriter.class);
  private static final int BATCH = 2000;
  private static final long FLUSH_MS = 250;
  private static final long RETRY_MS = 1000;
  private static final long HAND_OVER_TIMEOUT_MS = 2000;
  /** How long a release may wait for its allocation, which another allocator may hand over later. */
  private static final long ORPHAN_RELEASE_MS = 60_000;

  private final Vertx vertx;
  private final Pool pg;
  private final int capacity;
  /**
   * caller_ids.last_used only matters when Redis is rebuilt from PostgreSQL, where a minute's precision is
   * plenty: it is written every LAST_USED_FLUSH_SECONDS, not with every batch (an UPDATE per allocation).
   */
  private final long lastUsedEveryMs;
  private final ArrayDeque<HistoryEvent> buffer = new ArrayDeque<>();
  private final Counter dropped;
  private final Counter written;
  private Map<String, Long> lastUsed = new HashMap<>();
  private boolean flushing;
  private Future<Void> inFlight = Future.succeededFuture();
  private long writes;
  private boolean failing;
  private long retryAt;
  private long timer;
  private long lastUsedTimer;
  private MessageConsumer<HistoryBatch> consumer;

  public HistoryWriter(Vertx vertx, Pool pg, int capacity, long lastUsedEveryMs, MeterRegistry registry) {
    this.vertx = vertx;
    this.pg = pg;
    this.capacity = capacity;
    this.lastUsedEveryMs = lastUsedEveryMs;
    this.dropped = Counter.builder("cidrotator_history_dropped")
      .description("History events dropped because the buffer was full while PostgreSQL was unavailable")
      .register(registry);
    this.written = Counter.builder("cidrotator_history_written")
      .description("History events written to PostgreSQL")
      .register(registry);
    Gauge.builder("cidrotator_history_buffered", buffer, ArrayDeque::size)
      .description("History events waiting to be written")
      .register(registry);
  }

  @Override
  public Map<String, Function<JsonObject, Future<JsonObject>>> handlers() {
    return Map.of(Bus.HISTORY_STATUS, request -> Future.succeededFuture(new JsonObject()
      .put("buffered", buffered())
      .put("writes", writes())));
  }

  /** Takes the allocators' batches and starts the periodic writes; resolves once the consumer is registered. */
  public Future<Void> start() {
    timer = vertx.setPeriodic(FLUSH_MS, id -> flush());
    lastUsedTimer = vertx.setPeriodic(lastUsedEveryMs, id -> touchLastUsed());
    consumer = vertx.eventBus().consumer(Bus.HISTORY_APPEND, msg -> append(msg.body().events()));
    return consumer.completion();
  }

  /** Accepts events if there is room; counts the ones dropped. */
  void append(List<HistoryEvent> events) {
    int room = capacity - buffer.size();
    int accepted = Math.min(room, events.size());
    for (int i = 0; i < accepted; i++) {
      buffer.addLast(events.get(i));
    }
    if (accepted < events.size()) {
      dropped.increment(events.size() - accepted);
      LOG.warn("History buffer full ({} events): dropped {} events", capacity, events.size() - accepted);
    }
  }

  public int buffered() {
    return buffer.size();
  }

  /** Batches written so far (a release still waiting for its allocation is re-queued by each). */
  public long writes() {
    return writes;
  }

  /** The periodic flush: writes batches while a full batch is waiting; a failed write pauses it for a while. */
  Future<Void> flush() {
    if (flushing || buffer.isEmpty() || System.currentTimeMillis() < retryAt) {
      return Future.succeededFuture();
    }
    return writeOnce()
      .transform(ar -> ar.succeeded() && buffer.size() >= BATCH ? flush() : Future.<Void>succeededFuture());
  }

  /**
   * Writes everything buffered, waiting for a write in flight first; for shutdown. Ends when the buffer is
   * empty, a write fails, or only releases still waiting for their allocation are left.
   */
  public Future<Void> drain() {
    if (flushing) {
      return inFlight.transform(ar -> drain());
    }
    if (buffer.isEmpty()) {
      return Future.succeededFuture();
    }
    return writeOnce()
      .compose(writtenNow -> writtenNow > 0 ? drain() : Future.<Void>succeededFuture());
  }

  /** Writes the first batch of the buffer; resolves with how many events were written. */
  private Future<Integer> writeOnce() {
    flushing = true;
    List<HistoryEvent> batch = new ArrayList<>(Math.min(BATCH, buffer.size()));
    for (HistoryEvent event : buffer) {
      if (batch.size() == BATCH) {
        break;
      }
      batch.add(event);
    }
    Future<Integer> write = writeBatch(batch)
      .map(unmatched -> {
        for (int i = 0; i < batch.size(); i++) {
          buffer.pollFirst();
        }
        requeue(unmatched);
        writes++;
        written.increment(batch.size() - unmatched.size());
        if (failing) {
          LOG.info("PostgreSQL is back: history writes resumed ({} events waiting)", buffer.size());
          failing = false;
        }
        return batch.size() - unmatched.size();
      })
      .onFailure(e -> {
        // A short pause between attempts avoids hammering a database that is coming back.
        retryAt = System.currentTimeMillis() + RETRY_MS;
        if (!failing) {
          LOG.warn("History write failed, keeping {} events buffered: {}", buffer.size(), e.getMessage());
          failing = true;
        }
      })
      .eventually(() -> {
        flushing = false;
        return Future.succeededFuture();
      });
    inFlight = write.mapEmpty();
    return write;
  }

  /**
   * Each allocator hands over its history on its own timer, so a release can arrive before the allocation
   * it ends: it waits in the buffer for a while instead of being lost.
   */
  private void requeue(List<HistoryEvent> unmatched) {
    long now = System.currentTimeMillis();
    for (HistoryEvent release : unmatched) {
      if (now - release.at() < ORPHAN_RELEASE_MS && buffer.size() < capacity) {
        buffer.addLast(release);
      } else {
        dropped.increment();
      }
    }
  }

  /** Writes one batch in one transaction; resolves with the releases whose allocation is not there yet. */
  private Future<List<HistoryEvent>> writeBatch(List<HistoryEvent> batch) {
    Allocations allocations = new Allocations();
    Releases releases = new Releases();
    for (HistoryEvent event : batch) {
      if (event.type() == HistoryEvent.Type.ALLOCATED) {
        allocations.add(event);
        lastUsed.merge(event.callerId(), event.at(), Math::max);
        if (lastUsed.size() > capacity) {
          // Bounded like the buffer: the oldest precision is what a PostgreSQL outage costs.
          lastUsed.clear();
        }
      } else {
        releases.add(event);
      }
    }
    return pg.withTransaction(conn -> conn.query(HistorySql.INDEX_LOOKUPS)
      .execute()
      .compose(set -> conn.preparedQuery(HistorySql.INSERT_ALLOCATIONS).execute(allocations.tuple()))
      .compose(r -> conn.preparedQuery(HistorySql.RECORD_RELEASES).execute(releases.tuple()))
      .map(releases::unmatched));
  }

  /** Writes the last use of every number used since the previous call; kept for the next call on failure. */
  private Future<Void> touchLastUsed() {
    if (lastUsed.isEmpty()) {
      return Future.succeededFuture();
    }
    Map<String, Long> written = lastUsed;
    lastUsed = new HashMap<>();
    Tuple params = Tuple.tuple()
      .addArrayOfString(written.keySet().toArray(new String[0]))
      .addArrayOfLong(written.values().toArray(new Long[0]));
    return pg.preparedQuery(HistorySql.TOUCH_LAST_USED)
      .execute(params)
      .onFailure(e -> written.forEach((cid, at) -> lastUsed.merge(cid, at, Math::max)))
      .mapEmpty();
  }

  /**
   * Makes the history in PostgreSQL current: every allocator hands what it holds over ({@link HistoryClient#handOver};
   * at start-up, before the allocators answer, they hold nothing), then everything buffered is written. Fails when
   * PostgreSQL cannot take it.
   */
  public Future<Void> catchUp(int allocators) {
    return new HistoryClient(vertx, HAND_OVER_TIMEOUT_MS).handOver(allocators)
      .recover(e -> {
        LOG.warn("History not handed over by every allocator ({}): writing what was", e.getMessage());
        return Future.succeededFuture();
      })
      .compose(v -> drain())
      .compose(v -> buffer.isEmpty() || onlyWaitingReleases()
        ? Future.succeededFuture()
        : Future.failedFuture("the history could not be written to PostgreSQL"));
  }

  /** Whether everything buffered is a release waiting for its allocation (another allocator's, still to come). */
  private boolean onlyWaitingReleases() {
    return buffer.stream().allMatch(event -> event.type() == HistoryEvent.Type.RELEASED);
  }

  /** Stops the periodic writes; batches still arriving are taken until {@link #drain} is done. */
  public void stop() {
    vertx.cancelTimer(timer);
    vertx.cancelTimer(lastUsedTimer);
  }

  /**
   * Column arrays for one multi-row insert (unnest), so a batch is one statement. Times travel as epoch
   * milliseconds: building an OffsetDateTime per event cost 5% of the server's CPU under load.
   */
  private static final class Allocations {
    final List<UUID> ids = new ArrayList<>();
    final List<String> callerIds = new ArrayList<>();
    final List<String> destinations = new ArrayList<>();
    final List<String> areaCodes = new ArrayList<>();
    final List<String> campaigns = new ArrayList<>();
    final List<String> agents = new ArrayList<>();
    final List<String> tiers = new ArrayList<>();
    final List<String> pools = new ArrayList<>();
    final List<Long> times = new ArrayList<>();
    final List<Long> expiries = new ArrayList<>();
    final List<String> callKeys = new ArrayList<>();
    final List<String> uids = new ArrayList<>();
    final List<String> callTypes = new ArrayList<>();
    final List<Long> leadIds = new ArrayList<>();

    void add(HistoryEvent event) {
      ids.add(UUID.fromString(event.id()));
      callerIds.add(event.callerId());
      destinations.add(event.destination());
      areaCodes.add(event.areaCode());
      campaigns.add(event.campaign());
      agents.add(event.agent());
      tiers.add(event.tier());
      pools.add(event.pool());
      times.add(event.at());
      expiries.add(event.expiresAt());
      callKeys.add(event.call().callKey());
      uids.add(event.call().uid());
      callTypes.add(event.call().callType());
      leadIds.add(event.call().leadId());
    }

    Tuple tuple() {
      return Tuple.tuple()
        .addArrayOfUUID(ids.toArray(new UUID[0]))
        .addArrayOfString(callerIds.toArray(new String[0]))
        .addArrayOfString(destinations.toArray(new String[0]))
        .addArrayOfString(areaCodes.toArray(new String[0]))
        .addArrayOfString(campaigns.toArray(new String[0]))
        .addArrayOfString(agents.toArray(new String[0]))
        .addArrayOfString(tiers.toArray(new String[0]))
        .addArrayOfString(pools.toArray(new String[0]))
        .addArrayOfLong(times.toArray(new Long[0]))
        .addArrayOfLong(expiries.toArray(new Long[0]))
        .addArrayOfString(callKeys.toArray(new String[0]))
        .addArrayOfString(uids.toArray(new String[0]))
        .addArrayOfString(callTypes.toArray(new String[0]))
        .addArrayOfLong(leadIds.toArray(new Long[0]));
    }
  }

  private static final class Releases {
    final List<HistoryEvent> events = new ArrayList<>();
    final List<UUID> ids = new ArrayList<>();
    final List<Long> times = new ArrayList<>();
    final List<String> outcomes = new ArrayList<>();
    final List<String> dialStatuses = new ArrayList<>();
    final List<Integer> answered = new ArrayList<>();
    final List<Short> causes = new ArrayList<>();

    void add(HistoryEvent event) {
      if (event.id().isEmpty()) {
        return;
      }
      events.add(event);
      ids.add(UUID.fromString(event.id()));
      times.add(event.at());
      outcomes.add(event.outcome());
      dialStatuses.add(event.end().dialStatus());
      answered.add(event.end().answeredSeconds());
      causes.add(event.end().hangupCause() == null ? null : event.end().hangupCause().shortValue());
    }

    Tuple tuple() {
      return Tuple.tuple()
        .addArrayOfUUID(ids.toArray(new UUID[0]))
        .addArrayOfLong(times.toArray(new Long[0]))
        .addArrayOfString(outcomes.toArray(new String[0]))
        .addArrayOfString(dialStatuses.toArray(new String[0]))
        .addArrayOfInteger(answered.toArray(new Integer[0]))
        .addArrayOfShort(causes.toArray(new Short[0]));
    }

    /** The release events whose id the update did not return. */
    List<HistoryEvent> unmatched(RowSet<Row> recorded) {
      Set<UUID> matched = new HashSet<>();
      for (Row row : recorded) {
        matched.add(row.getUUID("id"));
      }
      List<HistoryEvent> unmatched = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        if (!matched.contains(ids.get(i))) {
          unmatched.add(events.get(i));
        }
      }
      return unmatched;
    }
  }
}
