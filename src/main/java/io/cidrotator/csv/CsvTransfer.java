package io.cidrotator.csv;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import io.cidrotator.Bus;
import io.cidrotator.audit.Actor;
import io.cidrotator.inventory.InventorySync;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The bus side of the CSV import and export: consumers on the admin verticle's PostgreSQL pool. */
public final class CsvTransfer implements Bus.Handlers {

  private static final ObjectWriter CSV = new CsvMapper().writer();

  private final Vertx vertx;
  private final Pool pg;
  private final InventorySync sync;
  private Future<JsonObject> lastImport = Future.succeededFuture();

  public CsvTransfer(Vertx vertx, Pool pg, InventorySync sync) {
    this.vertx = vertx;
    this.pg = pg;
    this.sync = sync;
  }

  @Override
  public Map<String, Function<JsonObject, Future<JsonObject>>> handlers() {
    return Map.of(
      Bus.CSV_IMPORT, this::importCsv,
      Bus.CSV_EXPORT_PAGE, this::exportPage);
  }

  /**
   * One import at a time: two files naming the same numbers in different orders would otherwise lock
   * rows against each other until PostgreSQL aborts one, and each import holds a connection of the pool.
   */
  private Future<JsonObject> importCsv(JsonObject request) {
    CsvImport next = new CsvImport(vertx, pg, sync, Path.of(request.getString("file")), Actor.of(request));
    Future<JsonObject> result = lastImport.transform(previous -> next.run());
    lastImport = result;
    return result;
  }

  /** {@code {csv, last}}: the rows after {@code after} as CSV (the header first on the first page). */
  private Future<JsonObject> exportPage(JsonObject request) {
    String after = request.getString("after", "");
    return pg.preparedQuery(CsvSql.EXPORT_PAGE)
      .execute(Tuple.of(after, request.getInteger("limit")))
      .map(rows -> {
        List<String[]> lines = new ArrayList<>(rows.size() + 1);
        if (after.isEmpty()) {
          lines.add(CsvImport.COLUMNS.toArray(new String[0]));
        }
        String last = null;
        for (Row row : rows) {
          lines.add(cells(row));
          last = row.getString("caller_id");
        }
        return new JsonObject()
          .put("csv", write(lines))
          .put("last", last);
      });
  }

  /** A row in CsvImport.COLUMNS' order, written so that importing it changes nothing. */
  private static String[] cells(Row row) {
    Integer hourly = row.getInteger("hourly_limit");
    Integer daily = row.getInteger("daily_limit");
    return new String[] {
      row.getString("caller_id"),
      row.getString("carrier"),
      row.getString("area_code"),
      hourly == null ? null : hourly.toString(),
      daily == null ? null : daily.toString(),
      row.getString("pool"),
      row.getBoolean("is_active").toString(),
      row.getJsonObject("meta").encode(),
      String.join(" ", row.getArrayOfStrings("prefixes"))};
  }

  private static String write(List<String[]> lines) {
    try {
      return CSV.writeValueAsString(lines);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
