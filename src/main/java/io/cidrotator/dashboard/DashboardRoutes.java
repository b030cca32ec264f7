package io.cidrotator.dashboard;

import io.cidrotator.http.Routes;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The dashboard: the static files of {@code webroot/} for every GET or HEAD no other route took (mount it last;
 * {@code /dashboard}, the old tool's path, leads to it),
 * with a Content-Security-Policy that allows only this origin's files (the dashboard has no inline script or
 * style) and no framing, no MIME sniffing, no referrer, and revalidation on every load, so a new version of the
 * dashboard is seen at once.
 */
public final class DashboardRoutes implements Routes {

  private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    + "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

  @Override
  public void mount(Router router) {
    // The old tool's dashboard path, in bookmarks and runbooks: the dashboard is at /.
    router.route("/dashboard").method(HttpMethod.GET).method(HttpMethod.HEAD)
      .handler(ctx -> ctx.redirect("/"));
    router.route().method(HttpMethod.GET).method(HttpMethod.HEAD)
      .handler(DashboardRoutes::headers)
      .handler(StaticHandler.create("webroot").setCachingEnabled(false));
  }

  private static void headers(RoutingContext ctx) {
    MultiMap headers = ctx.response().headers();
    headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY)
      .set("X-Frame-Options", "DENY")
      .set("X-Content-Type-Options", "nosniff")
      .set("Referrer-Policy", "no-referrer")
      .set("Cache-Control", "no-cache");
    ctx.next();
  }
}
