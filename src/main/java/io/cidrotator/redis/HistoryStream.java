package io.cidrotator.redis;

import io.cidrotator.dialer.CallEnd;
import io.cidrotator.history.HistoryEvent;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;

import static io.cidrotator.redis.ScriptReplies.millis;

/**
 * The allocation history's stream ({@code lua/history.lua} appends to it, in the allocate, release and undo scripts):
 * {@code lua/history_read.lua} reads it for the writer holding the lease, {@code lua/history_done.lua} trims what
 * the writer wrote. Entries come back as {@link HistoryEvent}s.
 */
public final class HistoryStream {

  public static final LuaScript READ = LuaScript.load("history_read");
  public static final LuaScript DONE = LuaScript.load("history_done");
  public static final LuaScript WRITERS = LuaScript.load("history_writers");

  private HistoryStream() {
  }

  /**
   * One read: the entries in the stream ({@code backlog}) and dropped so far (all writers), whether this writer holds
   * the lease, the oldest entries (none without the lease), the stream's epoch token (a new one: the stream was
   * lost) and the last entry written to PostgreSQL (null: none yet in this stream).
   */
  public record Read(long backlog, long dropped, boolean leased, List<Entry> entries, String epoch, EntryId written) {

    /** The id of the last entry read; null when none was. */
    public EntryId lastId() {
      return entries.isEmpty() ? null : entries.get(entries.size() - 1).id();
    }
  }

  /** One entry: its stream id and the event it records (null when the entry is not one history.lua writes). */
  public record Entry(EntryId id, HistoryEvent event) {
  }

  /** A stream entry's id, "ms-seq": ids grow with every entry appended. */
  public record EntryId(long ms, long seq) implements Comparable<EntryId> {

    /** The id {@code text} names; null for null or '' (no entry: the stream was full). */
    public static EntryId parse(String text) {
      if (text == null || text.isEmpty()) {
        return null;
      }
      int dash = text.indexOf('-');
      return new EntryId(Long.parseLong(text.substring(0, dash)), Long.parseLong(text.substring(dash + 1)));
    }

    /** The smallest id after this one: XTRIM MINID keeps it and everything later. */
    EntryId successor() {
      return new EntryId(ms, seq + 1);
    }

    @Override
    public int compareTo(EntryId other) {
      return ms != other.ms ? Long.compare(ms, other.ms) : Long.compare(seq, other.seq);
    }

    @Override
    public String toString() {
      return ms + "-" + seq;
    }
  }

  /**
   * Reads at most {@code count} entries for {@code writer}, taking or renewing its lease for {@code leaseMs};
   * {@code newEpoch} becomes the stream's epoch if it has none.
   */
  public static Future<Read> read(ScriptRunner redis, String writer, long leaseMs, int count, String newEpoch) {
    return read(redis, writer, leaseMs, count, newEpoch, null);
  }

  /**
   * As above, recording that this writer's node wrote again, from memory, the history of the stream of {@code
   * done} (null: none yet).
   */
  public static Future<Read> read(ScriptRunner redis, String writer, long leaseMs, int count, String newEpoch,
                                  String done) {
    return redis.run(READ, List.of(writer, Long.toString(leaseMs), Integer.toString(count), newEpoch,
        done == null ? "" : done, Long.toString(System.currentTimeMillis())))
      .map(HistoryStream::read);
  }

  /** The history writers that read within {@code withinMs}, and how many of them are behind the current epoch. */
  public record Writers(long running, long behind) {
  }

  /** {@link Writers}, now. */
  public static Future<Writers> writers(ScriptRunner redis, long withinMs) {
    return redis.run(WRITERS, List.of(Long.toString(System.currentTimeMillis()), Long.toString(withinMs)))
      .map(reply -> new Writers(reply.get(0).toLong(), reply.get(1).toLong()));
  }

  /** Trims the stream up to and including {@code lastWritten}: it is in PostgreSQL. Succeeds with what is left. */
  public static Future<Long> written(ScriptRunner redis, String writer, EntryId lastWritten) {
    return redis.run(DONE, List.of(writer, lastWritten.toString(), lastWritten.successor().toString(), "0"))
      .map(Response::toLong);
  }

  /** Gives {@code writer}'s lease up, so another node's writer (or this node's next start) takes over at once. */
  public static Future<Long> leave(ScriptRunner redis, String writer) {
    return redis.run(DONE, List.of(writer, "", "", "1")).map(Response::toLong);
  }

  /**
   * The time (ms, Redis's clock) of the last history entry this server holds: the stream's newest entry, else the
   * last one written and trimmed; 0 when it holds none. Writes after it may be lost when the server is a replica
   * that was promoted (what asynchronous replication had not sent yet) or restarted from its files.
   */
  public static Future<Long> lastEntryMs(ScriptRunner redis) {
    return Future.all(
        redis.send(Request.cmd(Command.XREVRANGE).arg(RedisKeys.HISTORY).arg("+").arg("-").arg("COUNT").arg(1)),
        redis.send(Request.cmd(Command.GET).arg(RedisKeys.HISTORY_WRITTEN)))
      .map(both -> {
        Response newest = both.resultAt(0);
        Response written = both.resultAt(1);
        EntryId last = newest != null && newest.size() > 0 ? EntryId.parse(newest.get(0).get(0).toString()) : null;
        EntryId trimmed = written == null ? null : EntryId.parse(written.toString());
        long lastMs = last == null ? 0 : last.ms();
        return Math.max(lastMs, trimmed == null ? 0 : trimmed.ms());
      });
  }

  /**
   * When the oldest entry the stream still holds was appended (ms; Long.MAX_VALUE when it holds none): the history
   * of everything before it is in PostgreSQL, every release included.
   */
  public static Future<Long> oldestEntryMs(ScriptRunner redis) {
    return redis.send(Request.cmd(Command.XRANGE).arg(RedisKeys.HISTORY).arg("-").arg("+").arg("COUNT").arg(1))
      .map(oldest -> oldest != null && oldest.size() > 0 ? EntryId.parse(oldest.get(0).get(0).toString()).ms()
        : Long.MAX_VALUE);
  }

  /** The entries waiting in the stream. */
  public static Future<Long> backlog(ScriptRunner redis) {
    return redis.send(Request.cmd(Command.XLEN).arg(RedisKeys.HISTORY)).map(Response::toLong);
  }

  private static Read read(Response r) {
    Response range = r.get(3);
    List<Entry> entries = new ArrayList<>(range.size());
    for (Response entry : range) {
      entries.add(new Entry(EntryId.parse(entry.get(0).toString()), eventOrNull(entry.get(1))));
    }
    return new Read(r.get(0).toLong(), r.get(1).toLong(), r.get(2).toInteger() == 1, entries, r.get(4).toString(),
      EntryId.parse(r.get(5).toString()));
  }

  /** The unit separator history.lua joins an entry's values with. */
  private static final char SEPARATOR = '\u001f';

  /** An entry's one field, v, as history.lua wrote it; null for anything else. */
  private static HistoryEvent eventOrNull(Response pairs) {
    try {
      if (pairs.size() != 2 || !"v".equals(pairs.get(0).toString())) {
        return null;
      }
      return event(split(pairs.get(1).toString()));
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The values joined by SEPARATOR, '' read as null. */
  private static List<String> split(String entry) {
    List<String> values = new ArrayList<>(12);
    int from = 0;
    while (true) {
      int to = entry.indexOf(SEPARATOR, from);
      String value = to < 0 ? entry.substring(from) : entry.substring(from, to);
      values.add(value.isEmpty() ? null : value);
      if (to < 0) {
        return values;
      }
      from = to + 1;
    }
  }

  private static HistoryEvent event(List<String> v) {
    return switch (v.get(0)) {
      case "a" -> v.size() != 12 ? null : HistoryEvent.allocated(v.get(1), v.get(2), v.get(5), v.get(6), v.get(7),
        v.get(8), v.get(9), millis(v.get(3)), millis(v.get(4)), HistoryEvent.Call.of(v.get(10), v.get(11)));
      case "r" -> v.size() != 8 ? null : HistoryEvent.released(v.get(1), v.get(2), millis(v.get(3)), v.get(4),
        new CallEnd(v.get(5), integer(v.get(6)), integer(v.get(7))));
      case "u" -> v.size() != 2 ? null : HistoryEvent.undone(v.get(1));
      default -> null;
    };
  }

  private static Integer integer(String value) {
    return value == null ? null : Integer.valueOf(value);
  }
}
