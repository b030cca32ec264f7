package io.cidrotator.history;

import io.cidrotator.auth.Access;
import io.cidrotator.http.CsvDownload;
import io.cidrotator.http.Input;
import io.cidrotator.http.Routes;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Set;

/**
 * {@code GET /api/history/export?from=&to=&campaign=} (viewer): the allocations of a range of days in TIMEZONE as
 * CSV, streamed page by page in allocated_at order.
 */
public final class HistoryExportRoutes implements Routes {

  static final int PAGE = 5_000;
  /** A quarter of a year; a longer range is exported in parts. */
  static final int MAX_DAYS = 93;
  private static final Set<String> PARAMS = Set.of("from", "to", "campaign");

  private final HistoryExportClient history;
  private final Access access;

  public HistoryExportRoutes(Vertx vertx, Access access) {
    this.history = new HistoryExportClient(vertx, ADMIN_TIMEOUT_MS);
    this.access = access;
  }

  @Override
  public void mount(Router router) {
    router.get("/api/history/export").handler(access.viewer()).handler(this::export);
  }

  private void export(RoutingContext ctx) {
    HistoryExportClient.Export export = export(ctx.queryParams());
    CsvDownload.send(ctx, export.filename(), page(export, null));
  }

  private Future<CsvDownload.Page> page(HistoryExportClient.Export export, HistoryExportClient.Cursor after) {
    return history.page(export, after, PAGE)
      .map(page -> new CsvDownload.Page(page.csv(), page.last() == null ? null : () -> page(export, page.last())));
  }

  /** {@code from} required, {@code to} (inclusive) from it to MAX_DAYS days in all, {@code from} when absent. */
  private static HistoryExportClient.Export export(MultiMap params) {
    Input.onlyParams(params, PARAMS);
    LocalDate from = Input.date("from", params.get("from"));
    if (from == null) {
      throw new HttpException(400, "from: required, the first day as YYYY-MM-DD");
    }
    LocalDate to = Input.date("to", params.get("to"));
    if (to == null) {
      to = from;
    }
    if (to.isBefore(from)) {
      throw new HttpException(400, "to: " + to + " is before from (" + from + ")");
    }
    long days = ChronoUnit.DAYS.between(from, to) + 1;
    if (days > MAX_DAYS) {
      throw new HttpException(400, "to: at most " + MAX_DAYS + " days in one export, " + from + " to " + to + " is "
        + days + "; export it in parts");
    }
    return new HistoryExportClient.Export(from, to, Input.name("campaign", params.get("campaign")));
  }
}
