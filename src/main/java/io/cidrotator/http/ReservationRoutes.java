package io.cidrotator.http;

import io.cidrotator.allocation.ReservationClient;
import io.cidrotator.inventory.CallerIdClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

/**
 * {@code /api/reservations}: the live reservations as Redis holds them (viewer), and the release of every
 * reservation of one campaign (admin), e.g. when a campaign is stopped mid-shift.
 */
final class ReservationRoutes {

  private static final int DEFAULT_SIZE = 50;
  private static final int MAX_SIZE = 1000;
  private static final long TIMEOUT_MS = 10_000;

  private final ReservationClient reservations;
  private final CallerIdClient audit;
  private final Access access;

  ReservationRoutes(Vertx vertx, Access access) {
    this.reservations = new ReservationClient(vertx, TIMEOUT_MS);
    this.audit = new CallerIdClient(vertx, TIMEOUT_MS);
    this.access = access;
  }

  void mount(Router router) {
    router.get("/api/reservations").handler(access.viewer()).respond(this::list);
    router.delete("/api/reservations").handler(access.admin()).respond(this::releaseCampaign);
  }

  /** GET /api/reservations?pool=&campaign=&page=&size=: {items, total, page, size}, soonest expiry first. */
  private Future<JsonObject> list(RoutingContext ctx) {
    String pool = PoolRoutes.poolName("pool", blankAsNull(ctx.request().getParam("pool")));
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
      .compose(result -> audit.recordAudit("reservations.release", campaign, result, Access.actor(ctx)).map(result))
      .map(result -> new JsonObject()
        .put("success", true)
        .put("campaign", campaign)
        .put("released", result.getInteger("released"))
        .put("caller_ids", result.getJsonArray("caller_ids")));
  }

  private static String blankAsNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
