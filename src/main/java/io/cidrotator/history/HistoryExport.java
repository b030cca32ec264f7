package io.cidrotator.history;

import io.cidrotator.Bus;
import io.cidrotator.csv.CsvLines;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/** The bus side of the history export: pages of the allocations of a range of days as CSV, on the admin verticle. */
public final class HistoryExport implements Bus.Handlers {

  static final List<String> COLUMNS = List.of("allocation_id", "allocated_at", "released_at", "caller_id",
    "destination", "area_code", "pool", "campaign", "agent", "tier", "outcome", "dial_status", "answered_seconds",
    "hangup_cause", "call_key", "uid", "lead_id");
  /** Quotes only the cells that need it (the default quotes every cell over 24 characters: each id and time). */
  /** The operator's local time with its offset, always to the millisecond: what a spreadsheet shows as it is. */
  private static final DateTimeFormatter LOCAL_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX");

  private final Pool pg;
  private final ZoneId zone;

  /** Days start and end at midnight in {@code zone} (TIMEZONE), and times are written in it. */
  public HistoryExport(Pool pg, ZoneId zone) {
    this.pg = pg;
    this.zone = zone;
  }

  @Override
  public Map<String, Function<JsonObject, Future<JsonObject>>> handlers() {
    return Map.of(Bus.HISTORY_EXPORT_PAGE, this::page);
  }

  /**
   * {@code {from, to, campaign, after_at, after_id, limit}} to {@code {csv, last_at, last_id}}: the header first on
   * the first page (no after_id); last_at and last_id only when the page is full, so another may follow.
   */
  private Future<JsonObject> page(JsonObject request) {
    String afterId = request.getString("after_id");
    OffsetDateTime start = afterId == null
      ? LocalDate.parse(request.getString("from")).atStartOfDay(zone).toOffsetDateTime()
      : OffsetDateTime.parse(request.getString("after_at"));
    OffsetDateTime end = LocalDate.parse(request.getString("to")).plusDays(1).atStartOfDay(zone).toOffsetDateTime();
    int limit = request.getInteger("limit");
    return pg.preparedQuery(HistoryExportSql.PAGE)
      .execute(Tuple.of(start, end, afterId == null ? null : UUID.fromString(afterId), request.getString("campaign"),
        limit))
      .map(rows -> toPage(rows, afterId == null, limit));
  }

  private JsonObject toPage(RowSet<Row> rows, boolean first, int limit) {
    List<String[]> lines = new ArrayList<>(rows.size() + 1);
    if (first) {
      lines.add(COLUMNS.toArray(new String[0]));
    }
    Row last = null;
    for (Row row : rows) {
      lines.add(cells(row));
      last = row;
    }
    JsonObject page = new JsonObject().put("csv", CsvLines.write(lines));
    if (rows.size() == limit) {
      page.put("last_at", last.getOffsetDateTime("allocated_at").toString())
        .put("last_id", last.getUUID("id").toString());
    }
    return page;
  }

  /** A row in COLUMNS' order; empty cells for what is not known. */
  private String[] cells(Row row) {
    return new String[] {
      row.getUUID("id").toString(),
      localTime(row.getOffsetDateTime("allocated_at")),
      localTime(row.getOffsetDateTime("released_at")),
      row.getString("caller_id"),
      row.getString("destination"),
      row.getString("area_code"),
      row.getString("pool"),
      row.getString("campaign"),
      row.getString("agent"),
      row.getString("tier"),
      row.getString("outcome"),
      row.getString("dial_status"),
      text(row.getInteger("answered_seconds")),
      text(row.getInteger("hangup_cause")),
      row.getString("call_key"),
      row.getString("uid"),
      text(row.getLong("lead_id"))};
  }

  private String localTime(OffsetDateTime time) {
    return time == null ? null : time.atZoneSameInstant(zone).format(LOCAL_TIME);
  }

  private static String text(Number value) {
    return value == null ? null : value.toString();
  }
}
