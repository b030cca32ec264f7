package io.cidrotator.csv;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.cidrotator.Bus;
import io.cidrotator.audit.Actor;
import io.cidrotator.audit.AuditLog;
import io.cidrotator.callerid.AssignedPrefixes;
import io.cidrotator.inventory.InventorySync;
import io.cidrotator.phone.NanpNumber;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One import of a CSV file of caller-IDs. The whole file is read and checked first, off the event loop
 * (header, CSV syntax, size, every row), so a file that cannot be imported changes nothing. Then the
 * rows that passed are upserted in batches of 5,000, each batch in its own transaction, while the next
 * batch is read and the batch before is written to Redis: the time is about the larger of PostgreSQL's
 * and Redis's share instead of their sum. The audit row commits with the last batch. Once the answer
 * arrives, every change is in PostgreSQL and Redis; after a failure half-way, the rows of the batches
 * committed so far stay, and importing the file again completes the import.
 */
final class CsvImport {

  /** The old tool's columns, then the optional ones; also the export's columns, in this order. */
  static final List<String> COLUMNS = List.of("caller_id", "carrier", "area_code", "hourly_limit", "daily_limit",
    "pool", "active", "meta", "prefixes");
  static final int MAX_ROWS = 1_000_000;
  /** Rejections reported line by line; the count stays exact beyond it. */
  static final int REPORT_LIMIT = 100_000;

  private static final Logger LOG = LoggerFactory.getLogger(CsvImport.class);
  private static final int BATCH = 5_000;
  private static final int SYNC_PAGE = 2_000;
  private static final int MAX_CARRIER = 64;
  private static final int MAX_META = 4_096;
  private static final int CALLER_ID = 0;
  private static final int CARRIER = 1;
  private static final int AREA_CODE = 2;
  private static final int HOURLY_LIMIT = 3;
  private static final int DAILY_LIMIT = 4;
  private static final int POOL = 5;
  private static final int ACTIVE = 6;
  private static final int META = 7;
  private static final int PREFIXES = 8;
  private static final CsvMapper CSV = CsvMapper.builder()
    .enable(CsvParser.Feature.WRAP_AS_ARRAY)
    .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
    .build();

  private final Vertx vertx;
  private final Pool pg;
  private final InventorySync sync;
  private final Path file;
  private final Actor actor;

  // Read and written by one step at a time: the blocking reads run in order, and the event-loop steps
  // that follow each read are joined to it by a future.
  private MappingIterator<String[]> rows;
  private int width;
  private final int[] cellOf = new int[COLUMNS.size()];
  private final Set<String> pools = new HashSet<>();
  private final LineIndex seen = new LineIndex();
  private final JsonArray rejections = new JsonArray();
  private int rowsRead;
  private int rejected;
  private int inserted;
  private int updated;
  private int unchanged;
  private final BitSet rejectedLines = new BitSet();
  private int committedRows;
  private Future<Void> redisWrites = Future.succeededFuture();
  private long started;
  private long lastCommit;

  CsvImport(Vertx vertx, Pool pg, InventorySync sync, Path file, Actor actor) {
    this.vertx = vertx;
    this.pg = pg;
    this.sync = sync;
    this.file = file;
    this.actor = actor;
  }

  /** Imports the file; answers {inserted, updated, unchanged, rejected, rejected_rows}. */
  Future<JsonObject> run() {
    started = System.nanoTime();
    return pg.query(CsvSql.POOLS)
      .execute()
      .compose(names -> {
        names.forEach(row -> pools.add(row.getString("name")));
        return vertx.executeBlocking(this::check);
      })
      .compose(v -> vertx.executeBlocking(this::readBatch))
      .compose(this::importFrom)
      .compose(v -> redisWrites)
      .recover(this::stopped)
      .onSuccess(v -> LOG.info("CSV import of {} rows by {}: {} in {} ms (Redis done {} ms after the last commit)",
        rowsRead, actor.subject(), counts().encode(), (System.nanoTime() - started) / 1_000_000,
        (System.nanoTime() - lastCommit) / 1_000_000))
      .map(v -> report())
      .eventually(() -> vertx.executeBlocking(this::close));
  }

  /**
   * The first pass: every row checked, the rejected ones reported and remembered by line; the file is
   * then opened again for the second pass, which imports the others.
   */
  private Void check() throws IOException {
    open();
    String[] cells;
    while ((cells = next()) != null) {
      int line = rows.getParser().currentTokenLocation().getLineNr();
      if (++rowsRead > MAX_ROWS) {
        throw new Bus.Failure(413, "body: more than " + MAX_ROWS + " rows; split the file");
      }
      try {
        validate(cells, line);
      } catch (Rejected r) {
        rejected++;
        rejectedLines.set(line);
        if (rejections.size() < REPORT_LIMIT) {
          rejections.add(new JsonObject().put("line", line).put("value", r.value).put("reason", r.getMessage()));
        }
      }
    }
    close();
    open();
    return null;
  }

  private Void open() throws IOException {
    try {
      rows = CSV.readerFor(String[].class)
        .with(CsvSchema.emptySchema())
        .readValues(Files.newBufferedReader(file, StandardCharsets.UTF_8));
    } catch (CharacterCodingException e) {
      // The parser reads the first characters as it opens.
      throw notUtf8();
    }
    String[] header = next();
    if (header == null) {
      throw new Bus.Failure(400, "body: the file is empty; its first line must be the header ("
        + String.join(",", COLUMNS) + ")");
    }
    width = header.length;
    Arrays.fill(cellOf, -1);
    for (int i = 0; i < header.length; i++) {
      String name = header[i].replace("\uFEFF", "").trim().toLowerCase(Locale.ROOT);
      int column = COLUMNS.indexOf(name);
      if (column < 0) {
        throw new Bus.Failure(400, "header: unknown column '" + shown(header[i]) + "' (the first line must name "
          + "the columns: " + String.join(", ", COLUMNS) + ")");
      }
      if (cellOf[column] >= 0) {
        throw new Bus.Failure(400, "header: column '" + name + "' appears twice");
      }
      cellOf[column] = i;
    }
    if (cellOf[CALLER_ID] < 0) {
      throw new Bus.Failure(400, "header: the caller_id column is required");
    }
    return null;
  }

  private Void close() throws IOException {
    if (rows != null) {
      rows.close();
    }
    return null;
  }

  /** The next record, or null at the end; a file that is not UTF-8 CSV fails the import (400). */
  private String[] next() {
    try {
      return rows.hasNextValue() ? rows.nextValue() : null;
    } catch (CharacterCodingException e) {
      throw notUtf8();
    } catch (IOException | RuntimeException e) {
      throw new Bus.Failure(400, "line " + rows.getCurrentLocation().getLineNr() + ": not readable as UTF-8 CSV: "
        + shown(String.valueOf(e.getMessage())));
    }
  }

  /**
   * A file in another encoding (a spreadsheet's Latin-1 or Windows-1252 export). The text is decoded in blocks
   * ahead of the parser, so the line is not known.
   */
  private static Bus.Failure notUtf8() {
    return new Bus.Failure(400, "body: not UTF-8 text (save the file as CSV UTF-8)");
  }

  /**
   * Commits {@code batch} while the next one is read, then hands its changes to the Redis writes (in
   * order, one batch after the other) and goes on with the next batch without waiting for them.
   */
  private Future<Void> importFrom(Batch batch) {
    boolean last = batch.size() < BATCH;
    Future<Batch> next = last ? null : vertx.executeBlocking(this::readBatch);
    Future<List<String>> changed = pg.withTransaction(tx -> tx.query(CsvSql.INDEX_LOOKUPS)
      .execute()
      .compose(v -> upsert(tx, batch))
      .compose(ids -> last ? audit(tx).map(ids) : Future.succeededFuture(ids)));
    Future<Void> previous = redisWrites;
    redisWrites = changed.compose(ids -> previous.compose(v -> writeToRedis(ids, 0)));
    return changed.compose(ids -> {
      committedRows += batch.size();
      lastCommit = System.nanoTime();
      return last ? Future.succeededFuture() : next.compose(this::importFrom);
    });
  }

  /** The rows of the second pass that the first one accepted, up to a batch. */
  private Batch readBatch() {
    Batch batch = new Batch();
    String[] cells;
    while (batch.size() < BATCH && (cells = next()) != null) {
      int line = rows.getParser().currentTokenLocation().getLineNr();
      if (!rejectedLines.get(line)) {
        batch.add(validate(cells, line));
      }
    }
    return batch;
  }

  private Future<Void> audit(SqlConnection tx) {
    return AuditLog.record(tx, actor, "caller_id.import", null, null, counts());
  }

  /**
   * A failure once batches are committed leaves them in: the answer says so. A failure before that is
   * answered as it is.
   */
  private Future<Void> stopped(Throwable e) {
    Future<Void> settled = redisWrites.transform(ar -> Future.succeededFuture());
    if (committedRows == 0 && !(e instanceof RedisWriteFailure)) {
      return settled.compose(v -> Future.failedFuture(e));
    }
    int status = e instanceof Bus.Failure f ? f.status : e instanceof PgException ? 500 : 503;
    if (!(e instanceof Bus.Failure)) {
      LOG.error("CSV import stopped after {} committed rows", committedRows, e);
    }
    String what = e instanceof RedisWriteFailure
      ? "the rows are committed in PostgreSQL, but Redis could not be updated (" + e.getMessage() + "): restart "
        + "the server once Redis is back, it then reloads Redis from PostgreSQL"
      : "the import stopped (" + e.getMessage() + ") after " + committedRows + " of the file's rows were "
        + "committed; importing the file again completes it";
    return settled.compose(v -> Future.failedFuture(new Bus.Failure(status, what)));
  }

  private ValidRow validate(String[] cells, int line) {
    if (cells.length > width) {
      throw new Rejected(shown(String.join(",", cells)), "row: " + cells.length + " cells, the header has " + width);
    }
    String raw = cell(cells, CALLER_ID);
    if (raw == null) {
      throw new Rejected("", "caller_id: required");
    }
    NanpNumber callerId;
    try {
      callerId = NanpNumber.parse("caller_id", raw, List.of());
    } catch (IllegalArgumentException e) {
      throw new Rejected(shown(raw), e.getMessage());
    }
    String carrier = cell(cells, CARRIER);
    if (carrier != null && carrier.length() > MAX_CARRIER) {
      throw new Rejected(shown(carrier), "carrier: at most " + MAX_CARRIER + " characters");
    }
    String areaCode = cell(cells, AREA_CODE);
    if (areaCode == null) {
      areaCode = callerId.areaCode();
    } else if (!NanpNumber.isAreaCode(areaCode)) {
      throw new Rejected(shown(areaCode), "area_code: must be 3 digits starting with 2-9");
    }
    String pool = cell(cells, POOL);
    if (pool != null && !pools.contains(pool)) {
      throw new Rejected(shown(pool), "pool: unknown pool '" + shown(pool) + "'");
    }
    ValidRow number = new ValidRow(callerId.digits(), carrier, areaCode, limit(cells, HOURLY_LIMIT),
      limit(cells, DAILY_LIMIT), pool, active(cells), meta(cells), prefixes(cells));
    int first = seen.putIfAbsent(Long.parseLong(callerId.digits()), line);
    if (first != 0 && first != line) {
      throw new Rejected(shown(raw), "caller_id: " + callerId.digits() + " is already on line " + first);
    }
    return number;
  }

  /**
   * The prefixes cell: assigned prefixes separated by spaces, commas or semicolons, comma-separated; '' for a blank
   * cell (none), null without the column (an existing number keeps its own).
   */
  private String prefixes(String[] cells) {
    if (cellOf[PREFIXES] < 0) {
      return null;
    }
    String raw = cell(cells, PREFIXES);
    if (raw == null) {
      return "";
    }
    try {
      return String.join(",", AssignedPrefixes.parse(List.of(raw.split("[\\s,;]+"))));
    } catch (IllegalArgumentException e) {
      throw new Rejected(shown(raw), e.getMessage());
    }
  }

  /** The trimmed cell of {@code column}; null when blank, or when the file has no such column. */
  private String cell(String[] cells, int column) {
    int i = cellOf[column];
    if (i < 0 || i >= cells.length) {
      return null;
    }
    String value = cells[i].trim();
    return value.isEmpty() ? null : value;
  }

  private Integer limit(String[] cells, int column) {
    String raw = cell(cells, column);
    if (raw == null) {
      return null;
    }
    try {
      int value = Integer.parseInt(raw);
      if (value > 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new Rejected(shown(raw), COLUMNS.get(column) + ": must be a positive integer");
  }

  /** null keeps an existing number's state (a new one is active). */
  private Boolean active(String[] cells) {
    String raw = cell(cells, ACTIVE);
    if (raw == null) {
      return null;
    }
    return switch (raw.toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes" -> Boolean.TRUE;
      case "false", "0", "no" -> Boolean.FALSE;
      default -> throw new Rejected(shown(raw), "active: must be true/false, 1/0 or yes/no");
    };
  }

  /** The JSON text to store; a blank cell is {}, and no meta column keeps an existing number's meta (null). */
  private String meta(String[] cells) {
    if (cellOf[META] < 0) {
      return null;
    }
    String raw = cell(cells, META);
    if (raw == null) {
      return "{}";
    }
    if (raw.length() > MAX_META) {
      throw new Rejected(shown(raw), "meta: at most " + MAX_META + " characters");
    }
    try {
      return new JsonObject(raw).encode();
    } catch (DecodeException | ClassCastException e) {
      throw new Rejected(shown(raw), "meta: must be a JSON object");
    }
  }

  /** Upserts {@code batch}; answers the caller-IDs it changed. */
  private Future<List<String>> upsert(SqlConnection tx, Batch batch) {
    Tuple columns = batch.tuple();
    return tx.preparedQuery(CsvSql.UPDATE_BATCH)
      .execute(columns)
      .compose(changedRows -> tx.preparedQuery(CsvSql.INSERT_BATCH)
        .execute(columns)
        .map(newRows -> {
          updated += changedRows.size();
          inserted += newRows.size();
          unchanged += batch.size() - changedRows.size() - newRows.size();
          List<String> ids = new ArrayList<>(changedRows.size() + newRows.size());
          changedRows.forEach(row -> ids.add(row.getString("caller_id")));
          newRows.forEach(row -> ids.add(row.getString("caller_id")));
          return ids;
        }));
  }

  /** Writes committed numbers to Redis as PostgreSQL now holds them, a page at a time (the sync script's shape). */
  private Future<Void> writeToRedis(List<String> ids, int from) {
    if (from >= ids.size()) {
      return Future.succeededFuture();
    }
    int to = Math.min(from + SYNC_PAGE, ids.size());
    return sync.writeNumbers(ids.subList(from, to))
      .recover(e -> Future.failedFuture(e instanceof RedisWriteFailure ? e : new RedisWriteFailure(e)))
      .compose(v -> writeToRedis(ids, to));
  }

  private JsonObject report() {
    JsonObject report = counts().put("rejected_rows", rejections);
    return rejected > REPORT_LIMIT ? report.put("rejected_rows_truncated", true) : report;
  }

  private JsonObject counts() {
    return new JsonObject()
      .put("inserted", inserted)
      .put("updated", updated)
      .put("unchanged", unchanged)
      .put("rejected", rejected);
  }

  /** Echoes a cell back in the report without letting it forge log lines or grow unbounded. */
  private static String shown(String raw) {
    String shortened = raw.length() > 64 ? raw.substring(0, 64) + "..." : raw;
    return shortened.replaceAll("[^\\x20-\\x7e]", "?");
  }

  /**
   * A valid row: pool, active, meta and prefixes null keep an existing number's values; prefixes are
   * comma-separated ('' for none).
   */
  private record ValidRow(String callerId, String carrier, String areaCode, Integer hourlyLimit, Integer dailyLimit,
                        String pool, Boolean active, String meta, String prefixes) {
  }

  /** A batch of valid rows, as the upsert's column arrays. */
  private static final class Batch {

    private final List<ValidRow> numbers = new ArrayList<>(BATCH);

    void add(ValidRow number) {
      numbers.add(number);
    }

    int size() {
      return numbers.size();
    }

    Tuple tuple() {
      int n = numbers.size();
      String[] callerIds = new String[n];
      String[] carriers = new String[n];
      String[] areaCodes = new String[n];
      Integer[] hourly = new Integer[n];
      Integer[] daily = new Integer[n];
      String[] pools = new String[n];
      Boolean[] active = new Boolean[n];
      String[] meta = new String[n];
      String[] prefixes = new String[n];
      for (int i = 0; i < n; i++) {
        ValidRow number = numbers.get(i);
        callerIds[i] = number.callerId();
        carriers[i] = number.carrier();
        areaCodes[i] = number.areaCode();
        hourly[i] = number.hourlyLimit();
        daily[i] = number.dailyLimit();
        pools[i] = number.pool();
        active[i] = number.active();
        meta[i] = number.meta();
        prefixes[i] = number.prefixes();
      }
      return Tuple.of(callerIds, carriers, areaCodes, hourly, daily, pools, active, meta).addArrayOfString(prefixes);
    }
  }

  /** Writing committed rows to Redis failed. */
  private static final class RedisWriteFailure extends RuntimeException {

    RedisWriteFailure(Throwable cause) {
      super(cause.getMessage(), cause);
    }
  }

  /** A row left out of the import: the offending cell and why. */
  private static final class Rejected extends RuntimeException {

    private final String value;

    Rejected(String value, String reason) {
      super(reason, null, false, false);
      this.value = value;
    }
  }
}
