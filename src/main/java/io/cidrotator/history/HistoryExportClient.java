package io.cidrotator.history;

import io.cidrotator.Bus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.LocalDate;

/** The only code that builds or reads the history export's messages of the event bus. */
public final class HistoryExportClient {

  private final Bus.Sender bus;

  public HistoryExportClient(Vertx vertx, long timeoutMs) {
    this.bus = new Bus.Sender(vertx, timeoutMs);
  }

  /** What one export holds: the allocations of the days {@code from} to {@code to} in TIMEZONE, of one campaign or all. */
  public record Export(LocalDate from, LocalDate to, String campaign) {

    /** {@code history-<from>-to-<to>.csv}. */
    public String filename() {
      return "history-" + from + "-to-" + to + ".csv";
    }
  }

  /** Where a page ended: its last row's allocated_at (ISO-8601, to the microsecond) and id. */
  public record Cursor(String allocatedAt, String id) {
  }

  /** One page: its CSV text, and its last row when more may follow (null when this page was the last). */
  public record Page(String csv, Cursor last) {
  }

  /**
   * At most {@code limit} allocations of {@code export} after {@code after} in (allocated_at, id) order, as CSV; the
   * first page ({@code after} null) starts with the header.
   */
  public Future<Page> page(Export export, Cursor after, int limit) {
    JsonObject request = new JsonObject()
      .put("from", export.from().toString())
      .put("to", export.to().toString())
      .put("campaign", export.campaign())
      .put("limit", limit);
    if (after != null) {
      request.put("after_at", after.allocatedAt()).put("after_id", after.id());
    }
    return bus.request(Bus.HISTORY_EXPORT_PAGE, request)
      .map(body -> new Page(body.getString("csv"), body.getString("last_id") == null ? null
        : new Cursor(body.getString("last_at"), body.getString("last_id"))));
  }
}
