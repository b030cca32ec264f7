package io.cidrotator.pool;

import io.cidrotator.Bus;
import io.cidrotator.audit.Actor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * The only code that builds or reads the pool and campaign messages of the event bus. Writes answer once
 * PostgreSQL committed them (with their audit row) and Redis holds them; they fail 404 for an unknown pool or
 * campaign and 409 for a conflict, with a sentence saying which.
 */
public final class PoolClient {

  /** The pool of every number created without one, and of every campaign without a mapping. */
  public static final String DEFAULT_POOL = "default";

  private final Bus.Sender bus;

  public PoolClient(Vertx vertx, long timeoutMs) {
    this.bus = new Bus.Sender(vertx, timeoutMs);
  }

  /** Reads the pool gauges of /metrics afresh (from PostgreSQL and Redis); succeeds once read. */
  public Future<JsonObject> refreshGauges() {
    return bus.request(Bus.POOL_GAUGES, new JsonObject());
  }

  /** Every pool: {@code {items}}. */
  public Future<JsonObject> pools() {
    return bus.request(Bus.POOL_LIST, new JsonObject());
  }

  /** One pool with its counts (numbers, active, campaigns, and available/reserved/capped now). */
  public Future<JsonObject> pool(String name) {
    return bus.request(Bus.POOL_GET, new JsonObject().put("name", name));
  }

  /**
   * Creates a pool from validated fields (name, reservation_ttl, hourly_limit, daily_limit, tiers, strategy,
   * sticky_days, description, calling windows).
   */
  public Future<JsonObject> createPool(JsonObject pool, Actor actor) {
    return bus.request(Bus.POOL_CREATE, new JsonObject().put("pool", pool).put("actor", actor.toJson()));
  }

  /** Applies validated {@code changes} (a null value resets a setting; name renames); succeeds with the pool. */
  public Future<JsonObject> updatePool(String name, JsonObject changes, Actor actor) {
    return bus.request(Bus.POOL_UPDATE, new JsonObject().put("name", name).put("changes", changes)
      .put("actor", actor.toJson()));
  }

  /** Deletes an empty pool; succeeds with {@code {deleted}}. */
  public Future<JsonObject> deletePool(String name, Actor actor) {
    return bus.request(Bus.POOL_DELETE, new JsonObject().put("name", name).put("actor", actor.toJson()));
  }

  /** Every campaign mapping: {@code {items}}. */
  public Future<JsonObject> campaigns() {
    return bus.request(Bus.CAMPAIGN_LIST, new JsonObject());
  }

  /** One campaign's mapping. */
  public Future<JsonObject> campaign(String name) {
    return bus.request(Bus.CAMPAIGN_GET, new JsonObject().put("name", name));
  }

  /** Maps a new campaign (name, pool, description); fails 409 when it is mapped already. */
  public Future<JsonObject> createCampaign(JsonObject campaign, Actor actor) {
    return bus.request(Bus.CAMPAIGN_CREATE, new JsonObject().put("campaign", campaign).put("actor", actor.toJson()));
  }

  /** Creates or replaces a campaign's mapping (name, pool, description). */
  public Future<JsonObject> putCampaign(JsonObject campaign, Actor actor) {
    return bus.request(Bus.CAMPAIGN_PUT, new JsonObject().put("campaign", campaign).put("actor", actor.toJson()));
  }

  /** Removes a campaign's mapping (it then uses the default pool); succeeds with {@code {deleted}}. */
  public Future<JsonObject> deleteCampaign(String name, Actor actor) {
    return bus.request(Bus.CAMPAIGN_DELETE, new JsonObject().put("name", name).put("actor", actor.toJson()));
  }

}
