package io.cidrotator.allocation;

import io.cidrotator.Bus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

/** The only code that builds or reads the messages about live reservations (listing, bulk release). */
public final class ReservationClient {

  private final Vertx vertx;
  private final DeliveryOptions options;

  public ReservationClient(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.options = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  /**
   * A page of the live reservations, soonest expiry first; {@code pool} and {@code campaign} filter when not
   * null. Succeeds with items, total, page, size.
   */
  public Future<JsonObject> list(String pool, String campaign, int page, int size) {
    JsonObject query = new JsonObject()
      .put("pool", pool)
      .put("campaign", campaign)
      .put("page", page)
      .put("size", size);
    return request(Bus.RESERVATION_LIST, query);
  }

  /** Releases every live reservation of {@code campaign}; succeeds with campaign, released, caller_ids. */
  public Future<JsonObject> releaseCampaign(String campaign) {
    return request(Bus.RESERVATION_RELEASE_CAMPAIGN, new JsonObject().put("campaign", campaign));
  }

  private Future<JsonObject> request(String address, JsonObject body) {
    return Bus.request(vertx, address, body, options);
  }
}
