package io.cidrotator.http;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/**
 * The headers of the dashboard's static files: a Content-Security-Policy that allows only this origin's
 * files (the dashboard has no inline script or style) and no framing, no MIME sniffing, no referrer,
 * and revalidation on every load, so a new version of the dashboard is seen at once.
 */
final class DashboardHeaders {

  static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    + "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

  private DashboardHeaders() {
  }

  /** Sets the headers, then hands over to the static handler. */
  static void add(RoutingContext ctx) {
    MultiMap headers = ctx.response().headers();
    headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY)
      .set("X-Frame-Options", "DENY")
      .set("X-Content-Type-Options", "nosniff")
      .set("Referrer-Policy", "no-referrer")
      .set("Cache-Control", "no-cache");
    ctx.next();
  }
}
