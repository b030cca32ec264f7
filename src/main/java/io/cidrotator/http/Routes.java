package io.cidrotator.http;

import io.vertx.ext.web.Router;

/** The HTTP routes of one feature; {@code RouterVerticle} mounts every feature's routes, in its order. */
public interface Routes {

  /**
   * How long a route waits for the admin verticle's answer unless it says otherwise: a page of the history or
   * a write that re-syncs its numbers into Redis takes a while; a dead verticle must still end in a 503.
   */
  long ADMIN_TIMEOUT_MS = 30_000;

  void mount(Router router);
}
