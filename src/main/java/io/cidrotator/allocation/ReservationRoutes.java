package io.cidrotator.allocation;

import io.cidrotator.audit.AuditClient;
import io.cidrotator.auth.Access;
import io.cidrotator.dialer.ReleaseRequest;
import io.cidrotator.http.Input;
import io.cidrotator.http.Routes;
import io.cidrotator.phone.NanpNumber;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

/**
 * The live reservations as Redis holds them: {@code GET /api/reservations} (viewer), and their release by an
 * admin, one ({@code DELETE /api/reservation/{caller_id}}, the old tool's route) or every one of a campaign
 * ({@code DELETE /api/reservations?campaign=}, e.g. when a campaign is stopped mid-shift). Releases are audited.
 */
public final class ReservationRoutes implements Routes {

  private static final int DEFAULT_SIZE = 50;
  private static final int MAX_SIZE = 1000;
  private static final long TIMEOUT_MS = 10_000;

  private final ReservationClient reservations;
  private final AllocationClient allocation;
  private final AuditClient audit;
  private final Access access;

  public ReservationRoutes(Vertx vertx, Access access, AllocationClient allocation) {
    this.reservations = new ReservationClient(vertx, TIMEOUT_MS);
    this.allocation = allocation;
    this.audit = new AuditClient(vertx, ADMIN_TIMEOUT_MS);
    this.access = access;
  }

  @Override
  public void mount(Router router) {
    router.delete("/api/reservation/:caller_id").handler(access.admin()).respond(this::release);
    router.get("/api/reservations").handler(access.viewer()).respond(this::list);
    router.delete("/api/reservations").handler(access.admin()).respond(this::releaseCampaign);
  }

  /**
   * DELETE /api/reservation/{caller_id}: {success, message, released_from_redis}, as the old tool answered; a number
   * not in the inventory too (200, released_from_redis false), as the old tool did.
   */
  private Future<JsonObject> release(RoutingContext ctx) {
    NanpNumber callerId = Input.number("caller_id", ctx.pathParam("caller_id"));
    return allocation.release(ReleaseRequest.of(callerId.digits()))
      .compose(result -> audit.record("reservation.release", callerId.digits(),
          new JsonObject().put("released", result.released()), Access.actor(ctx))
        .map(v -> released(result.released() ? "reservation of " + callerId.digits() + " released"
          : callerId.digits() + " had no live reservation", result.released())))
      .recover(e -> e instanceof ReplyException reply && reply.failureCode() == 404
        ? Future.succeededFuture(released(callerId.digits() + " is not in the inventory", false))
        : Future.failedFuture(e));
  }

  private static JsonObject released(String message, boolean released) {
    return new JsonObject()
      .put("success", true)
      .put("message", message)
      .put("released_from_redis", released);
  }

  /** GET /api/reservations?pool=&campaign=&page=&size=: {items, total, page, size}, soonest expiry first. */
  private Future<JsonObject> list(RoutingContext ctx) {
    String pool = Input.poolName("pool", Input.optional(ctx.request().getParam("pool")));
    String campaign = Input.name("campaign", ctx.request().getParam("campaign"));
    Integer page = Input.positive("page", ctx.request().getParam("page"));
    Integer size = Input.positive("size", ctx.request().getParam("size"));
    if (size != null && size > MAX_SIZE) {
      throw new HttpException(400, "size: at most " + MAX_SIZE + ", got " + size);
    }
    return reservations.list(pool, campaign, page == null ? 1 : page, size == null ? DEFAULT_SIZE : size);
  }

  /**
   * DELETE /api/reservations?campaign=: ends every live reservation of the campaign, records that in the audit
   * trail, and says how many. When the audit write fails (PostgreSQL down) the answer is that failure though
   * the release happened: a retry releases nothing more and is audited.
   */
  private Future<JsonObject> releaseCampaign(RoutingContext ctx) {
    String campaign = Input.name("campaign", ctx.request().getParam("campaign"));
    if (campaign == null) {
      throw new HttpException(400, "campaign: required (the campaign whose reservations to release)");
    }
    return reservations.releaseCampaign(campaign)
      .compose(result -> audit.record("reservations.release", campaign, result, Access.actor(ctx)).map(result))
      .map(result -> new JsonObject()
        .put("success", true)
        .put("campaign", campaign)
        .put("released", result.getInteger("released"))
        .put("caller_ids", result.getJsonArray("caller_ids")));
  }
}
