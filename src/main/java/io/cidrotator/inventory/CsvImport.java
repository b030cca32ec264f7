package io.cidrotator.inventory;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.cidrotator.Bus;
import io.cidrotator.audit.Actor;
import io.cidrotator.audit.AuditLog;
import io.cidrotator.phone.NanpNumber;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One import of a CSV file of caller-IDs. The file is read in batches off the event loop, each batch
 * upserted while the next one is read; every batch, the audit row and the pool check share one
 * transaction, so a failure leaves the inventory as it was. Rows that fail validation are reported and
 * skipped, never written. Once committed, the changed numbers are written to Redis before the answer.
 */
final class CsvImport {

  /** The old tool's columns, then the optional ones; also the export's columns, in this order. */
  static final List<String> COLUMNS = List.of("caller_id", "carrier", "area_code", "hourly_limit", "daily_limit",
    "pool", "active", "meta");
  static final int MAX_ROWS = 1_000_000;
  /** Rejections reported line by line; the count stays exact beyond it. */
  static final int REPORT_LIMIT = 100_000;

  private static final Logger LOG = LoggerFactory.getLogger(CsvImport.class);
  private static final int BATCH = 5_000;
  private static final int SYNC_PAGE = 2_000;
  private static final Pattern AREA_CODE_SHAPE = Pattern.compile("[2-9][0-9]{2}");
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
  private long[] changed = new long[1024];
  private int changedCount;
  private long started;
  private long committed;

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
    return vertx.executeBlocking(this::open)
      .compose(v -> pg.withTransaction(this::importAll))
      .onSuccess(v -> committed = System.nanoTime())
      .compose(v -> syncChanged())
      .onSuccess(v -> LOG.info("CSV import of {} rows by {}: {} in {} ms (PostgreSQL {} ms, then Redis {} ms)",
        rowsRead, actor.subject(), counts().encode(), (System.nanoTime() - started) / 1_000_000,
        (committed - started) / 1_000_000, (System.nanoTime() - committed) / 1_000_000))
      .map(v -> report())
      .eventually(() -> vertx.executeBlocking(this::close));
  }

  /** Every batch, then the audit row, in the transaction {@code tx}. */
  private Future<Void> importAll(SqlConnection tx) {
    return tx.query(CsvSql.GENERIC_PLANS)
      .execute()
      .compose(v -> tx.query(CsvSql.POOLS).execute())
      .compose(names -> {
        names.forEach(row -> pools.add(row.getString("name")));
        return vertx.executeBlocking(this::readBatch);
      })
      .compose(first -> importFrom(tx, first))
      .compose(v -> AuditLog.record(tx, actor, "caller_id.import", null, null, counts()));
  }

  private Void open() throws IOException {
    rows = CSV.readerFor(String[].class)
      .with(CsvSchema.emptySchema())
      .readValues(Files.newBufferedReader(file, StandardCharsets.UTF_8));
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

  /** The next record, or null at the end; a file that is not CSV fails the import (400). */
  private String[] next() {
    try {
      return rows.hasNextValue() ? rows.nextValue() : null;
    } catch (IOException | RuntimeException e) {
      throw new Bus.Failure(400, "line " + rows.getCurrentLocation().getLineNr() + ": not readable as UTF-8 CSV: "
        + shown(String.valueOf(e.getMessage())));
    }
  }

  /** Upserts {@code batch} while the next one is read, until the file ends. */
  private Future<Void> importFrom(SqlConnection tx, Batch batch) {
    if (batch.size() == 0) {
      return Future.succeededFuture();
    }
    Future<Batch> next = batch.size() < BATCH ? Future.succeededFuture(new Batch()) : vertx.executeBlocking(this::readBatch);
    return Future.all(upsert(tx, batch), next)
      .compose(both -> importFrom(tx, next.result()));
  }

  private Batch readBatch() {
    Batch batch = new Batch();
    String[] cells;
    while (batch.size() < BATCH && (cells = next()) != null) {
      int line = rows.getParser().currentTokenLocation().getLineNr();
      if (++rowsRead > MAX_ROWS) {
        throw new Bus.Failure(413, "body: more than " + MAX_ROWS + " rows; split the file");
      }
      try {
        batch.add(validate(cells, line));
      } catch (Rejected r) {
        rejected++;
        if (rejections.size() < REPORT_LIMIT) {
          rejections.add(new JsonObject().put("line", line).put("value", r.value).put("reason", r.getMessage()));
        }
      }
    }
    return batch;
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
    } else if (!AREA_CODE_SHAPE.matcher(areaCode).matches()) {
      throw new Rejected(shown(areaCode), "area_code: must be 3 digits starting with 2-9");
    }
    String pool = cell(cells, POOL);
    if (pool != null && !pools.contains(pool)) {
      throw new Rejected(shown(pool), "pool: unknown pool '" + shown(pool) + "'");
    }
    ValidRow number = new ValidRow(callerId.digits(), carrier, areaCode, limit(cells, HOURLY_LIMIT),
      limit(cells, DAILY_LIMIT), pool, active(cells), meta(cells));
    int first = seen.putIfAbsent(Long.parseLong(callerId.digits()), line);
    if (first != 0) {
      throw new Rejected(shown(raw), "caller_id: " + callerId.digits() + " is already on line " + first);
    }
    return number;
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

  private Future<Void> upsert(SqlConnection tx, Batch batch) {
    Tuple columns = batch.tuple();
    return tx.preparedQuery(CsvSql.UPDATE_BATCH)
      .execute(columns)
      .compose(changedRows -> tx.preparedQuery(CsvSql.INSERT_BATCH)
        .execute(columns)
        .map(newRows -> {
          updated += changedRows.size();
          inserted += newRows.size();
          unchanged += batch.size() - changedRows.size() - newRows.size();
          changedRows.forEach(this::changed);
          newRows.forEach(this::changed);
          return null;
        }));
  }

  private void changed(Row row) {
    if (changedCount == changed.length) {
      changed = Arrays.copyOf(changed, changedCount * 2);
    }
    changed[changedCount++] = Long.parseLong(row.getString("caller_id"));
  }

  /** Writes the committed changes to Redis; the import stands in PostgreSQL whatever happens here. */
  private Future<Void> syncChanged() {
    if (changedCount == 0) {
      return Future.succeededFuture();
    }
    return syncFrom(0, numbers(0))
      .recover(e -> Future.failedFuture(new Bus.Failure(503, "the import is committed in PostgreSQL, but Redis "
        + "could not be updated (" + e.getMessage() + "): restart the server once Redis is back, it then "
        + "reloads Redis from PostgreSQL")));
  }

  /**
   * Writes the changed numbers, as committed, to Redis a page at a time in the sync script's shape; the
   * next page is read from PostgreSQL while Redis writes this one.
   */
  private Future<Void> syncFrom(int from, Future<RowSet<Row>> page) {
    int to = Math.min(from + SYNC_PAGE, changedCount);
    Future<RowSet<Row>> next = to < changedCount ? numbers(to) : null;
    return page
      .compose(sync::write)
      .compose(v -> next == null ? Future.succeededFuture() : syncFrom(to, next));
  }

  private Future<RowSet<Row>> numbers(int from) {
    int to = Math.min(from + SYNC_PAGE, changedCount);
    String[] page = new String[to - from];
    for (int i = from; i < to; i++) {
      page[i - from] = Long.toString(changed[i]);
    }
    return pg.preparedQuery(CsvSql.NUMBERS_FOR_SYNC)
      .execute(Tuple.of(page));
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

  /** A valid row: pool, active and meta null keep an existing number's values. */
  private record ValidRow(String callerId, String carrier, String areaCode, Integer hourlyLimit, Integer dailyLimit,
                        String pool, Boolean active, String meta) {
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
      }
      return Tuple.of(callerIds, carriers, areaCodes, hourly, daily, pools, active, meta);
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
