package io.cidrotator.bench;

import io.cidrotator.AppConfig;
import io.cidrotator.allocation.Allocator;
import io.cidrotator.auth.DialerAccess;
import io.cidrotator.dialer.Allocation;
import io.cidrotator.dialer.AllocationRequest;
import io.cidrotator.dialer.Allocations;
import io.cidrotator.dialer.DialerRoutes;
import io.cidrotator.dialer.ReleaseRequest;
import io.cidrotator.http.ApiErrors;
import io.cidrotator.stats.RequestStats;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

import java.util.function.BooleanSupplier;

/**
 * The benchmark's direct route: {@code /next-cid} and {@code /release} as the production router serves them (the
 * same {@link DialerRoutes}: parsing, dialer check, formats, failures), on a port of their own, with an
 * {@link Allocator} called in place instead of over the event bus. {@code scripts/bench} runs the same load
 * against both ports: the difference is what the bus hop costs. Deployed with as many instances as the
 * production router; each has its own allocator (its own Redis connection), as each allocator verticle does.
 */
public final class DirectRouteVerticle extends VerticleBase {

  private final AppConfig config;
  private final int port;
  private final RequestStats stats;
  private Allocator allocator;
  private HttpServer server;

  public DirectRouteVerticle(AppConfig config, int port, RequestStats stats) {
    this.config = config;
    this.port = port;
    this.stats = stats;
  }

  @Override
  public Future<?> start() {
    allocator = new Allocator(vertx, config, "bench-direct");
    Router router = Router.router(vertx);
    new DialerRoutes(config.dialPrefixes(), new DialerAccess(config.auth()), stats, new InPlace(allocator))
      .mount(router);
    router.route().failureHandler(ApiErrors::handle);
    router.errorHandler(404, ApiErrors::handle);
    router.errorHandler(405, ApiErrors::handle);
    return allocator.start()
      .compose(v -> vertx.createHttpServer(new HttpServerOptions()
          .setHost(config.apiHost())
          .setPort(port)
          .setTcpNoDelay(true)
          .setMaxInitialLineLength(4096))
        .requestHandler(router)
        .listen())
      .onSuccess(s -> server = s);
  }

  /** The bound port. */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> stop() {
    Future<Void> closing = server == null ? Future.succeededFuture() : server.close();
    return closing.eventually(allocator::stop);
  }

  /** The allocator's own methods, with the bodies the bus would carry, minus the bus. */
  private record InPlace(Allocator allocator) implements Allocations {

    @Override
    public Future<Allocation> allocate(AllocationRequest request, BooleanSupplier callerGone) {
      return allocator.allocate(request.toJson()).map(Allocation::fromJson);
    }

    @Override
    public Future<Release> release(ReleaseRequest request) {
      return allocator.release(request.toJson()).map(Release::fromJson);
    }
  }
}
