package io.cidrotator.http;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Supplier;

/**
 * A CSV attachment streamed page by page, each page fetched only once the previous one left the write queue, so a
 * slow client holds the reads back instead of filling memory. The first page is fetched before anything is sent, so
 * a failure then is still a JSON error; a later one cuts the connection, which the client sees as a truncated
 * download instead of a short file.
 */
public final class CsvDownload {

  private static final Logger LOG = LoggerFactory.getLogger(CsvDownload.class);

  private CsvDownload() {
  }

  /** One page: its CSV text, and how to fetch the next one (null after the last). */
  public record Page(String csv, Supplier<Future<Page>> next) {
  }

  /** Answers {@code ctx} with the pages from {@code first} on, as the attachment {@code filename}. */
  public static void send(RoutingContext ctx, String filename, Future<Page> first) {
    HttpServerResponse response = ctx.response();
    first
      .compose(page -> {
        response.putHeader(HttpHeaders.CONTENT_TYPE, "text/csv; charset=utf-8")
          .putHeader("Content-Disposition", "attachment; filename=" + filename)
          .setChunked(true);
        return writeFrom(response, page);
      })
      .compose(v -> response.end())
      .onFailure(e -> {
        if (response.headWritten()) {
          LOG.warn("CSV download {} cut short: {}", filename, e.getMessage());
          ctx.request().connection().close();
        } else {
          ctx.fail(e);
        }
      });
  }

  private static Future<Void> writeFrom(HttpServerResponse response, Page page) {
    response.write(page.csv());
    if (page.next() == null) {
      return Future.succeededFuture();
    }
    return drained(response)
      .compose(v -> page.next().get())
      .compose(next -> writeFrom(response, next));
  }

  /** Completes once {@code response} can take more; fails when the client went away meanwhile. */
  private static Future<Void> drained(HttpServerResponse response) {
    if (response.closed()) {
      return Future.failedFuture("the client closed the connection");
    }
    if (!response.writeQueueFull()) {
      return Future.succeededFuture();
    }
    Promise<Void> ready = Promise.promise();
    response.drainHandler(v -> ready.tryComplete());
    response.closeHandler(v -> ready.tryFail("the client closed the connection"));
    return ready.future();
  }
}
