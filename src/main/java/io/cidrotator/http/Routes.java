package io.cidrotator.http;

import io.vertx.ext.web.Router;

/** The HTTP routes of one feature; {@code RouterVerticle} mounts every feature's routes, in its order. */
public interface Routes {

  void mount(Router router);
}
