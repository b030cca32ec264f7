package io.cidrotator.audit;

import io.cidrotator.auth.Access;
import io.cidrotator.http.Input;
import io.cidrotator.http.Routes;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Set;

/** {@code GET /api/audit} (viewer): the audit trail of admin writes, newest first, filtered and paged by id. */
public final class AuditRoutes implements Routes {

  private static final Set<String> PARAMS = Set.of("before_id", "actor", "action", "target", "since", "until",
    "limit");
  private static final int MAX_LIMIT = 500;

  private final AuditClient audit;
  private final Access access;

  public AuditRoutes(Vertx vertx, Access access) {
    this.audit = new AuditClient(vertx, ADMIN_TIMEOUT_MS);
    this.access = access;
  }

  @Override
  public void mount(Router router) {
    router.get("/api/audit").handler(access.viewer()).respond(this::page);
  }

  private Future<JsonObject> page(RoutingContext ctx) {
    MultiMap params = ctx.queryParams();
    Input.onlyParams(params, PARAMS);
    String beforeId = params.get("before_id");
    if (beforeId != null && !beforeId.matches("[0-9]{1,18}")) {
      throw new HttpException(400, "before_id: must be an id from next_before_id, got '" + beforeId + "'");
    }
    return audit.page(new JsonObject()
      .put("before_id", beforeId == null ? null : Long.parseLong(beforeId))
      .put("actor", Input.shortText("actor", params.get("actor")))
      .put("action", Input.shortText("action", params.get("action")))
      .put("target", Input.shortText("target", params.get("target")))
      .put("since", time("since", params.get("since")))
      .put("until", time("until", params.get("until")))
      .put("limit", Input.integer("limit", params.get("limit"), 100, 1, MAX_LIMIT)));
  }

  private static String time(String name, String raw) {
    if (raw == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(raw).toString();
    } catch (DateTimeParseException e) {
      throw new HttpException(400, name + ": an ISO-8601 time with offset such as 2026-11-26T08:00:00Z, got '"
        + raw + "'");
    }
  }
}
