package io.cidrotator.history;

import io.cidrotator.Bus;
import io.cidrotator.redis.HistoryStream;
import io.cidrotator.redis.ScriptRunner;
import io.cidrotator.reputation.HealthSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Moves the allocation history from Redis to PostgreSQL, off the hot path. The allocate, release and undo scripts
 * append every allocation and release to a Redis stream in the same atomic call that makes it
 * ({@link HistoryStream}), so nothing the dialer was answered with can be missing from the history: not when this
 * process is killed (the stream is in Redis), not while PostgreSQL is away (the stream waits, up to
 * HISTORY_BUFFER_SIZE entries; beyond that new entries are counted in {@code cidrotator_history_dropped_total}, never
 * the ones already held). Every {@value #FLUSH_MS} ms this writer reads the oldest entries, writes them in one
 * transaction, and only then trims them from the stream: a crash in between writes them again, and every write is
 * idempotent. One node writes at a time (a lease in Redis, renewed by every read), so the stream's order, an
 * allocation before its release, is the order written. A loss of Redis is covered by the allocators' copies of what
 * they answered ({@link AllocatorHistory}), kept until the stream is written that far: when a read shows a new
 * stream, every node's writer writes its allocators' copies first. Runs on the admin verticle's event loop.
 */
public final class HistoryWriter implements Bus.Handlers {

  private static final Logger LOG = LoggerFactory.getLogger(HistoryWriter.class);
  private static final int BATCH = 2000;
  private static final long FLUSH_MS = 250;
  private static final long RETRY_MS = 1000;
  /** A writer that stops reading (killed, stalled) loses the lease after this; another node's writer takes over. */
  private static final long LEASE_MS = 3000;
  /** How long a stopping writer keeps writing what is left; the rest waits in Redis for the next writer. */
  private static final long STOP_DRAIN_MS = 2000;
  /** How long a rebuild waits for another node's writer to empty the stream. */
  private static final long CATCH_UP_WAIT_MS = 5000;
  /**
   * A writer whose last read is older than this is not running (stalled or gone): a catch-up does not wait for it.
   * Longer than a Sentinel failover, so the writers of a promoted replica's copy of history:writers count.
   */
  private static final long RUNNING_MS = 10_000;
  private static final long PEERS_CHECK_MS = 5_000;
  private static final long PEERS_REMEMBERED_MS = 60_000;
  private static final int LAST_USED_MAX = 1_000_000;

  private final Vertx vertx;
  private final Pool pg;
  private final ScriptRunner redis;
  private final int allocators;
  private final int limit;
  /**
   * caller_ids.last_used only matters when Redis is rebuilt from PostgreSQL, where a minute's precision is
   * plenty: it is written every LAST_USED_FLUSH_SECONDS, not with every batch (an UPDATE per allocation).
   */
  private final long lastUsedEveryMs;
  private final String id = UUID.randomUUID().toString();
  private final Counter written;
  private final Counter skipped;
  private Map<String, Long> lastUsed = new HashMap<>();
  private volatile long backlog;
  private volatile long dropped;
  private boolean flushing;
  private Future<Void> inFlight = Future.succeededFuture();
  private long writes;
  private boolean failing;
  private boolean backlogHigh;
  /** The history stream's epoch token as last read; null before the first read. */
  private String epoch;
  private long retryAt;
  private long timer;
  private long lastUsedTimer;
  private long peersTimer;
  /** When this writer last saw another node's writer running (ms); 0: never. */
  private long peersSeenAt;

  /**
   * @param allocators the allocator instances of this node, whose recent history is written again when Redis lost
   *                   its history stream
   */
  public HistoryWriter(Vertx vertx, Pool pg, ScriptRunner redis, int allocators, int limit, long lastUsedEveryMs,
                       MeterRegistry registry) {
    this.allocators = allocators;
    this.vertx = vertx;
    this.pg = pg;
    this.redis = redis;
    this.limit = limit;
    this.lastUsedEveryMs = lastUsedEveryMs;
    this.written = Counter.builder("cidrotator_history_written")
      .description("History entries written to PostgreSQL")
      .register(registry);
    this.skipped = Counter.builder("cidrotator_history_skipped")
      .description("Entries of the history stream that were not this server's (malformed): skipped")
      .register(registry);
    FunctionCounter.builder("cidrotator_history_dropped", this, writer -> writer.dropped)
      .description("History entries not kept because the history stream in Redis was at HISTORY_BUFFER_SIZE "
        + "(PostgreSQL away that long); every node reports the same count")
      .register(registry);
    Gauge.builder("cidrotator_history_buffered", this, writer -> writer.backlog)
      .description("History entries waiting in Redis to be written to PostgreSQL (every node reports the same "
        + "stream); alert above half of cidrotator_history_buffer_limit")
      .register(registry);
    Gauge.builder("cidrotator_history_buffer_limit", this, writer -> writer.limit)
      .description("HISTORY_BUFFER_SIZE: beyond this many waiting entries, new history entries are dropped")
      .register(registry);
  }

  @Override
  public Map<String, Function<JsonObject, Future<JsonObject>>> handlers() {
    return Map.of(Bus.HISTORY_STATUS, request -> HistoryStream.backlog(redis)
      .map(waiting -> new JsonObject()
        .put("buffered", waiting)
        .put("writes", writes())));
  }

  /** Starts the periodic writes. */
  public Future<Void> start() {
    timer = vertx.setPeriodic(FLUSH_MS, id -> flush());
    lastUsedTimer = vertx.setPeriodic(lastUsedEveryMs, id -> touchLastUsed());
    peersTimer = vertx.setPeriodic(PEERS_CHECK_MS, id -> notePeers());
    return Future.succeededFuture();
  }

  /** Entries waiting in the history stream, as of the last read. */
  public long buffered() {
    return backlog;
  }

  /** Batches written so far by this node. */
  public long writes() {
    return writes;
  }

  /** The periodic write: batches while full ones are waiting; a failure pauses it for a while. */
  Future<Void> flush() {
    if (flushing || System.currentTimeMillis() < retryAt) {
      return Future.succeededFuture();
    }
    return writeOnce()
      .transform(ar -> ar.succeeded() && ar.result() == BATCH ? flush() : Future.<Void>succeededFuture());
  }

  /**
   * Reads the oldest entries (taking or renewing the lease), writes them to PostgreSQL, then trims them from the
   * stream; resolves with how many were read (0 without the lease). When the read shows a new stream (Redis lost
   * the old one), first writes again what this node's allocators answered that was not known written
   * ({@link #writeUnwritten}). Tells this node's allocators how far the stream is written, so they drop their copies.
   */
  private Future<Integer> writeOnce() {
    flushing = true;
    Future<Integer> write = HistoryStream.read(redis, id, LEASE_MS, BATCH, UUID.randomUUID().toString(), epoch)
      .compose(read -> {
        noteBacklog(read);
        Future<Void> lostWritten = epoch == null || epoch.equals(read.epoch())
          ? Future.succeededFuture()
          : writeUnwritten();
        return lostWritten.compose(v -> {
          epoch = read.epoch();
          tellWritten(read.written());
          return writeRead(read);
        });
      })
      .onFailure(e -> {
        // A short pause between attempts avoids hammering a database that is coming back.
        retryAt = System.currentTimeMillis() + RETRY_MS;
        if (!failing) {
          LOG.warn("History write failed, the entries wait in Redis ({} waiting): {}", backlog, e.getMessage());
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

  /** Writes what {@code read} returned, then trims it from the stream. */
  private Future<Integer> writeRead(HistoryStream.Read read) {
    if (read.entries().isEmpty()) {
      return Future.succeededFuture(0);
    }
    return writeBatch(events(read.entries()))
      .compose(v -> HistoryStream.written(redis, id, read.lastId()))
      .map(left -> {
        backlog = left;
        tellWritten(read.lastId());
        writes++;
        written.increment(read.entries().size());
        if (failing) {
          LOG.info("History writes resumed ({} entries waiting)", left);
          failing = false;
        }
        return read.entries().size();
      });
  }

  private void noteBacklog(HistoryStream.Read read) {
    backlog = read.backlog();
    dropped = read.dropped();
    boolean high = read.backlog() >= limit / 2;
    if (high && !backlogHigh) {
      LOG.warn("History waiting in Redis: {} entries, half of HISTORY_BUFFER_SIZE ({}); beyond it new entries "
        + "are dropped. Is PostgreSQL reachable?", read.backlog(), limit);
    } else if (!high && backlogHigh) {
      LOG.info("History waiting in Redis back under half of HISTORY_BUFFER_SIZE: {} entries", read.backlog());
    }
    backlogHigh = high;
  }

  /**
   * Writes the stream until it is empty, waiting for a write in flight first. Ends when the stream is empty, a
   * write fails, another node's writer holds the lease, or {@code untilMs} (epoch ms) has passed.
   */
  private Future<Void> drain(long untilMs) {
    if (flushing) {
      return inFlight.transform(ar -> drain(untilMs));
    }
    if (System.currentTimeMillis() > untilMs) {
      return Future.succeededFuture();
    }
    return writeOnce().compose(read -> read > 0 ? drain(untilMs) : Future.<Void>succeededFuture());
  }

  /** Tells this node's allocators that the stream is written up to {@code entry} (null: nothing to tell). */
  private void tellWritten(HistoryStream.EntryId entry) {
    if (entry != null) {
      vertx.eventBus().publish(Bus.HISTORY_WRITTEN, entry.toString());
    }
  }

  /**
   * Makes the history in PostgreSQL current, for a rebuild of Redis to read (Redis lost its index, and usually its
   * history stream with it): writes what the stream still holds, or waits a while for the node whose writer holds
   * the lease to. The first read of a new stream has this node's allocators' recent history written again
   * ({@link #writeOnce}). Fails when PostgreSQL cannot take it.
   */
  public Future<Void> catchUp() {
    long until = System.currentTimeMillis() + CATCH_UP_WAIT_MS;
    return everyNodeWroteItsCopies(until)
      .compose(v -> drainStream(until));
  }

  /**
   * Waits until the writer of every running node has written again what its allocators kept in memory, for the
   * stream's current epoch (each does so at its first read of a new epoch): a rebuild or a reconciliation of the
   * index then reads every node's history, not only this one's. When other nodes were seen lately, first waits two
   * reads' time, so that each has read since Redis came back (a Redis that restarted empty lost their entries in
   * history:writers). A writer that has not read for {@value #RUNNING_MS} ms is not waited for (a node stalled or
   * gone), nor any after {@code untilMs}: the rebuild goes on, and says so.
   */
  private Future<Void> everyNodeWroteItsCopies(long untilMs) {
    boolean peers = System.currentTimeMillis() - peersSeenAt < PEERS_REMEMBERED_MS;
    return (peers ? vertx.timer(2 * FLUSH_MS + 100).<Void>mapEmpty() : Future.<Void>succeededFuture())
      .compose(t -> awaitWriters(untilMs));
  }

  /** Notes whether other nodes' writers are running, for {@link #everyNodeWroteItsCopies}. */
  private void notePeers() {
    HistoryStream.writers(redis, RUNNING_MS)
      .onSuccess(writers -> {
        if (writers.running() > 1) {
          peersSeenAt = System.currentTimeMillis();
        }
      });
  }

  private Future<Void> awaitWriters(long untilMs) {
    return HistoryStream.writers(redis, RUNNING_MS)
      .compose(writers -> {
        if (writers.behind() == 0) {
          return Future.succeededFuture();
        }
        if (System.currentTimeMillis() > untilMs) {
          LOG.warn("{} of {} nodes did not write the history they kept in memory in time: what only they answered "
            + "may be missing from this rebuild of Redis", writers.behind(), writers.running());
          return Future.succeededFuture();
        }
        return vertx.timer(FLUSH_MS / 2).compose(t -> awaitWriters(untilMs));
      });
  }

  /**
   * Writes again, idempotently, the events this node's allocators answered that were not known written: what a lost
   * stream held that PostgreSQL may not have. In their order in time, in batches: an allocation before its release.
   */
  private Future<Void> writeUnwritten() {
    return new HistoryClient(vertx, CATCH_UP_WAIT_MS).unwritten(allocators)
      .compose(unwritten -> {
        List<HistoryEvent> ordered = new ArrayList<>(unwritten.events());
        ordered.sort(Comparator.comparingLong(HistoryEvent::at)
          .thenComparing(event -> event.type() == HistoryEvent.Type.RELEASED));
        Future<Void> kept = Future.succeededFuture();
        for (int from = 0; from < ordered.size(); from += BATCH) {
          List<HistoryEvent> batch = ordered.subList(from, Math.min(from + BATCH, ordered.size()));
          kept = kept.compose(v -> writeBatch(batch));
        }
        return kept.onSuccess(v -> tellWritten(unwritten.last())).onSuccess(v -> LOG.warn("The history stream in Redis is another one (Redis restarted, or failed over): {} "
          + "events this node answered that were not written to PostgreSQL yet were written from memory",
          ordered.size()));
      });
  }

  private Future<Void> drainStream(long untilMs) {
    return drain(untilMs)
      .compose(v -> HistoryStream.backlog(redis))
      .compose(left -> {
        if (left == 0) {
          return Future.succeededFuture();
        }
        if (System.currentTimeMillis() > untilMs) {
          return Future.failedFuture(left + " history entries could not be written to PostgreSQL");
        }
        return vertx.timer(FLUSH_MS).compose(t -> drainStream(untilMs));
      });
  }

  private static List<HistoryEvent> events(List<HistoryStream.Entry> entries) {
    List<HistoryEvent> events = new ArrayList<>(entries.size());
    for (HistoryStream.Entry entry : entries) {
      events.add(entry.event());
    }
    return events;
  }

  /**
   * Writes one batch in one transaction: allocations, then the releases, then removes what was undone. A null event
   * is an entry that was not this server's: skipped.
   */
  private Future<Void> writeBatch(List<HistoryEvent> events) {
    Set<String> undone = new HashSet<>();
    for (HistoryEvent event : events) {
      if (event != null && event.type() == HistoryEvent.Type.UNDONE) {
        undone.add(event.id());
      }
    }
    Allocations allocations = new Allocations();
    Releases releases = new Releases();
    List<UUID> removed = new ArrayList<>();
    int skipped = 0;
    for (HistoryEvent event : events) {
      if (event == null || !validId(event)) {
        skipped++;
        continue;
      }
      switch (event.type()) {
        case ALLOCATED -> {
          if (!undone.remove(event.id())) {
            allocations.add(event);
            lastUsed.merge(event.callerId(), event.at(), Math::max);
          }
        }
        case RELEASED -> releases.add(event);
        case UNDONE -> {
          if (undone.contains(event.id())) {
            // Its allocation was written by an earlier batch.
            removed.add(UUID.fromString(event.id()));
          }
        }
      }
    }
    if (skipped > 0) {
      // Written by something else than this server's scripts: kept out of the way, or it would block the stream.
      this.skipped.increment(skipped);
      LOG.warn("History: skipped {} malformed entries of the history stream", skipped);
    }
    if (lastUsed.size() > LAST_USED_MAX) {
      // Bounded: the oldest precision is what a long PostgreSQL outage costs.
      lastUsed.clear();
    }
    return pg.withTransaction(conn -> conn.query(HistorySql.INDEX_LOOKUPS)
      .execute()
      .compose(set -> conn.preparedQuery(HistorySql.INSERT_ALLOCATIONS).execute(allocations.tuple()))
      .compose(r -> conn.preparedQuery(HistorySql.RECORD_RELEASES).execute(releases.tuple()))
      .compose(r -> conn.preparedQuery(HistorySql.REMOVE_UNDONE)
        .execute(Tuple.tuple().addArrayOfUUID(removed.toArray(new UUID[0])))))
      .mapEmpty();
  }

  /** Whether the event's allocation id is a UUID (a release's may be absent: a reservation older than ids). */
  private static boolean validId(HistoryEvent event) {
    if (event.id() == null) {
      return event.type() == HistoryEvent.Type.RELEASED;
    }
    try {
      UUID.fromString(event.id());
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Writes the last use of every number used since the previous call; kept for the next call on failure. */
  private Future<Void> touchLastUsed() {
    if (lastUsed.isEmpty()) {
      return Future.succeededFuture();
    }
    Map<String, Long> touched = lastUsed;
    lastUsed = new HashMap<>();
    Tuple params = Tuple.tuple()
      .addArrayOfString(touched.keySet().toArray(new String[0]))
      .addArrayOfLong(touched.values().toArray(new Long[0]));
    return pg.preparedQuery(HistorySql.TOUCH_LAST_USED)
      .execute(params)
      .onFailure(e -> touched.forEach((cid, at) -> lastUsed.merge(cid, at, Math::max)))
      .mapEmpty();
  }

  /**
   * Stops the periodic writes, writes what is left for a moment (the rest waits in Redis for the next writer) and
   * gives the lease up, so the next start or another node takes over at once.
   */
  public Future<Void> stop() {
    vertx.cancelTimer(timer);
    vertx.cancelTimer(lastUsedTimer);
    vertx.cancelTimer(peersTimer);
    return drain(System.currentTimeMillis() + STOP_DRAIN_MS)
      .transform(ar -> touchLastUsed())
      .transform(ar -> HistoryStream.leave(redis, id))
      .otherwiseEmpty()
      .mapEmpty();
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
    final List<UUID> ids = new ArrayList<>();
    final List<Long> times = new ArrayList<>();
    final List<String> outcomes = new ArrayList<>();
    final List<String> dialStatuses = new ArrayList<>();
    final List<Integer> answered = new ArrayList<>();
    final List<Short> causes = new ArrayList<>();

    void add(HistoryEvent event) {
      if (event.id() == null) {
        // A reservation without an allocation id (made before ids existed): nothing to find in the history.
        return;
      }
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
        .addArrayOfShort(causes.toArray(new Short[0]))
        .addInteger(HealthSettings.DEFAULTS.shortCallSeconds());
    }
  }
}
