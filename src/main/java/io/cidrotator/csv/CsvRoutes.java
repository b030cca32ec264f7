package io.cidrotator.csv;

import io.cidrotator.auth.Access;
import io.cidrotator.http.CsvDownload;
import io.cidrotator.http.Input;
import io.cidrotator.http.Routes;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.WriteStream;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * {@code POST /api/caller-ids/import} (admin) streams a CSV body to a temp file, which the admin verticle
 * imports; {@code GET /api/caller-ids/export} (viewer) streams the inventory as CSV, page by page.
 */
public final class CsvRoutes implements Routes {

  static final long MAX_BODY = 50L * 1024 * 1024;
  private static final int EXPORT_PAGE = 2_000;
  private static final Logger LOG = LoggerFactory.getLogger(CsvRoutes.class);

  private final Vertx vertx;
  private final CsvClient csv;
  private final Access access;

  public CsvRoutes(Vertx vertx, Access access) {
    this.vertx = vertx;
    this.csv = new CsvClient(vertx);
    this.access = access;
  }

  /** Mount before the caller-ID routes: {@code /api/caller-ids/export} is not a caller-ID. */
  @Override
  public void mount(Router router) {
    router.post("/api/caller-ids/import")
      .handler(CsvRoutes::holdBody)
      .handler(access.admin())
      .respond(this::importCsv);
    router.get("/api/caller-ids/export")
      .handler(access.viewer())
      .handler(this::export);
  }

  /**
   * The body waits while the credentials are checked; a body left unread by a refusal (401, 413, ...)
   * would stall a kept-alive connection, so that connection is closed once the answer is out.
   */
  private static void holdBody(RoutingContext ctx) {
    ctx.request().pause();
    ctx.addEndHandler(v -> {
      if (!ctx.request().isEnded()) {
        ctx.request().connection().close();
      }
    });
    ctx.next();
  }

  private Future<JsonObject> importCsv(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    Input.csvContentType(request);
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null && Long.parseLong(length) > MAX_BODY) {
      throw tooLarge();
    }
    if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
      ctx.response().writeContinue();
    }
    return vertx.fileSystem()
      .createTempFile("cid-rotator-import-", ".csv")
      .compose(file -> receive(request, file)
        .compose(v -> csv.importFile(Path.of(file), Access.actor(ctx)))
        .eventually(() -> vertx.fileSystem()
          .delete(file)
          .recover(e -> {
            LOG.warn("Could not delete the import's temp file {}: {}", file, e.getMessage());
            return Future.succeededFuture();
          })));
  }

  /** Writes the body to {@code file} as it arrives (the file's write queue paces the upload). */
  private Future<Void> receive(HttpServerRequest request, String file) {
    return vertx.fileSystem()
      .open(file, new OpenOptions().setWrite(true).setTruncateExisting(true))
      .map(Capped::new)
      .compose(out -> request.pipeTo(out)
        .recover(e -> out.end()
          .transform(closed -> Future.failedFuture(e))));
  }

  private static HttpException tooLarge() {
    return new HttpException(413, "body: the file is over " + MAX_BODY / (1024 * 1024) + " MB; split it");
  }

  /** Pages of 2,000 numbers, in caller_id order. */
  private void export(RoutingContext ctx) {
    CsvDownload.send(ctx, "caller-ids.csv", exportPage(""));
  }

  private Future<CsvDownload.Page> exportPage(String after) {
    return csv.exportPage(after, EXPORT_PAGE)
      .map(page -> new CsvDownload.Page(page.csv(), page.last() == null ? null : () -> exportPage(page.last())));
  }

  /**
   * The temp file, refusing the body once it passes MAX_BODY (a chunked upload has no Content-Length).
   * Ending it twice is harmless: a failed pipe may already have ended it.
   */
  private static final class Capped implements WriteStream<Buffer> {

    private final AsyncFile file;
    private long written;
    private boolean ended;

    Capped(AsyncFile file) {
      this.file = file;
    }

    @Override
    public Future<Void> write(Buffer data) {
      written += data.length();
      if (written > MAX_BODY) {
        return Future.failedFuture(tooLarge());
      }
      return ended ? Future.failedFuture("the upload has ended") : file.write(data);
    }

    @Override
    public Future<Void> end() {
      if (ended) {
        return Future.succeededFuture();
      }
      ended = true;
      return file.end();
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
      file.exceptionHandler(handler);
      return this;
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
      file.setWriteQueueMaxSize(maxSize);
      return this;
    }

    @Override
    public boolean writeQueueFull() {
      return !ended && file.writeQueueFull();
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
      file.drainHandler(handler);
      return this;
    }
  }
}
