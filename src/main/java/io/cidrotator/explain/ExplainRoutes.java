package io.cidrotator.explain;

import io.cidrotator.auth.Access;
import io.cidrotator.http.Input;
import io.cidrotator.http.Routes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

import java.util.Set;

/**
 * {@code GET /api/explain?to=&campaign=} (viewer): a dry run of {@code /next-cid} for that destination and campaign,
 * reserving and counting nothing ({@link Explain}).
 */
public final class ExplainRoutes implements Routes {

  private static final Set<String> PARAMS = Set.of("to", "campaign");

  private final ExplainClient explain;
  private final Access access;

  public ExplainRoutes(Vertx vertx, Access access) {
    this.explain = new ExplainClient(vertx, ADMIN_TIMEOUT_MS);
    this.access = access;
  }

  @Override
  public void mount(Router router) {
    router.get("/api/explain").handler(access.viewer()).respond(this::explain);
  }

  private Future<JsonObject> explain(RoutingContext ctx) {
    Input.onlyParams(ctx.queryParams(), PARAMS);
    String to = ctx.request().getParam("to");
    if (to == null || to.isBlank()) {
      throw new HttpException(400, "to: required, the number to dial (as /next-cid takes it)");
    }
    String campaign = ctx.request().getParam("campaign");
    return explain.explain(to, campaign == null || campaign.isEmpty() ? null : Input.name("campaign", campaign));
  }
}
