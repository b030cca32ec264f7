package io.cidrotator.csv;

import io.cidrotator.Bus;
import io.cidrotator.audit.Actor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;

/** The only code that builds or reads the CSV import and export messages of the event bus. */
public final class CsvClient {

  /** A million-row file takes tens of seconds; the import is one transaction, so a retry is safe. */
  private static final long IMPORT_TIMEOUT_MS = 10 * 60_000;
  private static final long PAGE_TIMEOUT_MS = 30_000;

  private final Bus.Sender imports;
  private final Bus.Sender pages;

  public CsvClient(Vertx vertx) {
    this.imports = new Bus.Sender(vertx, IMPORT_TIMEOUT_MS);
    this.pages = new Bus.Sender(vertx, PAGE_TIMEOUT_MS);
  }

  /**
   * Imports a CSV file this JVM can read (the admin verticle opens it) on behalf of {@code actor}; answers
   * {@code {inserted, updated, unchanged, rejected, rejected_rows: [{line, value, reason}]}} once every change
   * is in PostgreSQL and Redis. Fails 400 for a header it cannot use or a file that is not CSV.
   */
  public Future<JsonObject> importFile(Path file, Actor actor) {
    JsonObject request = new JsonObject()
      .put("file", file.toString())
      .put("actor", actor.toJson());
    return imports.request(Bus.CSV_IMPORT, request);
  }

  /** The numbers after {@code after} ("" for the first page, which starts with the header), as CSV. */
  public Future<Page> exportPage(String after, int limit) {
    JsonObject request = new JsonObject()
      .put("after", after)
      .put("limit", limit);
    return pages.request(Bus.CSV_EXPORT_PAGE, request)
      .map(body -> new Page(body.getString("csv"), body.getString("last")));
  }

  /** One page of the export: its CSV text and its last caller_id (null when it held no rows). */
  public record Page(String csv, String last) {
  }
}
