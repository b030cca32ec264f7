package io.cidrotator.http;

import io.vertx.ext.web.Router;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** {@code GET /openapi.yaml}: docs/openapi.yaml, the description of every route, packaged into the jar. */
public final class OpenApiRoutes implements Routes {

  private static final String OPENAPI = read();

  @Override
  public void mount(Router router) {
    router.get("/openapi.yaml").handler(ctx -> ctx.response()
      .putHeader("Content-Type", "application/yaml")
      .end(OPENAPI));
  }

  private static String read() {
    try (InputStream in = OpenApiRoutes.class.getClassLoader().getResourceAsStream("openapi/openapi.yaml")) {
      if (in == null) {
        throw new IllegalStateException("openapi/openapi.yaml is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
