package io.cidrotator.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

/** The HTTP routes of one feature; {@code RouterVerticle} mounts every feature's routes, in its order. */
public interface Routes {

  /**
   * How long a route waits for the admin verticle's answer unless it says otherwise: a page of the history or
   * a write that re-syncs its numbers into Redis takes a while; a dead verticle must still end in a 503.
   */
  long ADMIN_TIMEOUT_MS = 30_000;

  void mount(Router router);

  /** The body handler of a route that takes a small JSON body (a write of the admin API): at most 64 KiB. */
  static BodyHandler smallBody() {
    // No multipart file uploads: nothing of ours takes one, and a refused request's upload would stay on disk.
    return BodyHandler.create(false).setBodyLimit(64 * 1024);
  }
}
