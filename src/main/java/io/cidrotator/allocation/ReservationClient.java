package io.cidrotator.allocation;

import io.cidrotator.Bus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** The only code that builds or reads the messages about live reservations (listing, bulk release). */
public final class ReservationClient {

  private final Bus.Sender bus;

  public ReservationClient(Vertx vertx, long timeoutMs) {
    this.bus = new Bus.Sender(vertx, timeoutMs);
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
    return bus.request(Bus.RESERVATION_LIST, query);
  }

  /** Releases every live reservation of {@code campaign}; succeeds with campaign, released, caller_ids. */
  public Future<JsonObject> releaseCampaign(String campaign) {
    return bus.request(Bus.RESERVATION_RELEASE_CAMPAIGN, new JsonObject().put("campaign", campaign));
  }

}
