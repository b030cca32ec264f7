package io.cidrotator.dialer;

import io.cidrotator.auth.AuthFailure;
import io.cidrotator.auth.DialerAccess;
import io.cidrotator.http.Routes;
import io.cidrotator.stats.RequestStats;
import io.vertx.core.Handler;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

import java.util.List;

/**
 * What a dialplan calls over HTTP: {@code GET /next-cid} before a call and {@code GET|POST /release} at its
 * hangup, answered in the {@link DialplanFormat} asked for. The request is parsed by the dialer model
 * ({@link AllocationRequest}, {@link ReleaseRequest}) and served by {@link Allocations}.
 */
public final class DialerRoutes implements Routes {

  private final List<String> dialPrefixes;
  private final DialerAccess dialers;
  private final RequestStats stats;
  private final Allocations allocations;

  public DialerRoutes(List<String> dialPrefixes, DialerAccess dialers, RequestStats stats, Allocations allocations) {
    this.dialPrefixes = dialPrefixes;
    this.dialers = dialers;
    this.stats = stats;
    this.allocations = allocations;
  }

  @Override
  public void mount(Router router) {
    // measure (or mark, for releases) runs before the dialer check, so a refusal is counted and has the
    // empty text-format body. With the dialer routes open there is no check at all on the hot path.
    route(router.get("/next-cid"), this::measure, this::nextCid);
    route(router.get("/release"), DialplanFormat::mark, this::release);
    route(router.post("/release"), DialplanFormat::mark, this::release);
  }

  /** {@code first}, then the dialer check when DIALER_KEYS or ALLOWED_DIALER_IPS is set, then {@code serve}. */
  private void route(Route route, Handler<RoutingContext> first, Handler<RoutingContext> serve) {
    route.handler(first);
    if (!dialers.open()) {
      route.handler(this::admit);
    }
    route.handler(serve);
  }

  private void admit(RoutingContext ctx) {
    AuthFailure refused = dialers.check(ctx.request().getParam("key"), ctx.request().remoteAddress().hostAddress());
    if (refused == null) {
      ctx.next();
    } else {
      ctx.fail(new HttpException(refused.status(), refused.getMessage()));
    }
  }

  /** Counts the outcome and time of a /next-cid, refused ones included; then reads its format. */
  private void measure(RoutingContext ctx) {
    long started = System.nanoTime();
    ctx.addEndHandler(v -> stats.record(DialerOutcome.ofStatus(ctx.response().getStatusCode()).label(),
      System.nanoTime() - started));
    DialplanFormat.mark(ctx);
  }

  private void nextCid(RoutingContext ctx) {
    AllocationRequest request;
    try {
      request = AllocationRequest.parse(ctx.request()::getParam, dialPrefixes);
    } catch (HttpException e) {
      ctx.fail(e);
      return;
    }
    allocations.allocate(request, ctx.response()::closed)
      .onSuccess(allocation -> DialplanFormat.of(ctx).answer(ctx, request, allocation))
      .onFailure(ctx::fail);
  }

  /** Idempotent: a second release of the same call answers released false. */
  private void release(RoutingContext ctx) {
    ReleaseRequest request;
    try {
      request = ReleaseRequest.parse(ctx.request()::getParam);
    } catch (HttpException e) {
      ctx.fail(e);
      return;
    }
    allocations.release(request)
      .onSuccess(release -> DialplanFormat.of(ctx).answer(ctx, release))
      .onFailure(ctx::fail);
  }
}
