package io.cidrotator.inventory;

import io.cidrotator.auth.Access;
import io.cidrotator.http.Routes;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/** {@code POST /api/inventory/reload} (admin): rebuilds the Redis index from PostgreSQL, e.g. after a restore. */
public final class InventoryRoutes implements Routes {

  private final InventoryClient inventory;
  private final Access access;

  public InventoryRoutes(Vertx vertx, Access access) {
    this.inventory = new InventoryClient(vertx, ADMIN_TIMEOUT_MS);
    this.access = access;
  }

  @Override
  public void mount(Router router) {
    router.post("/api/inventory/reload").handler(access.admin())
      .respond(ctx -> inventory.reload(Access.actor(ctx)));
  }
}
