package io.cidrotator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.cidrotator.auth.LoginThrottle;
import io.cidrotator.auth.Users;
import io.cidrotator.http.Api;
import io.cidrotator.stats.RequestStats;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/openapi.yaml describes exactly the routes the server has: none missing, none extra. */
class OpenApiTest {

  private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

  @RegisterExtension
  static final Api api = new Api();

  @Test
  void theDocumentDescribesEveryRouteAndNothingElse() throws IOException {
    RouterVerticle router = new RouterVerticle(
      AppConfig.from(TestServer.baseConfig().put("API_PORT", 0)),
      new RequestStats(new SimpleMeterRegistry()), new LoginThrottle(), Users.load(api.server().vertx, null), "test");
    String deployment = api.server().vertx.deployVerticle(router).await();
    try {
      assertThat(documented()).isEqualTo(new TreeSet<>(router.routes()));
    } finally {
      api.server().vertx.undeploy(deployment).await();
    }
  }

  @Test
  void theServerServesTheDocument() throws IOException {
    HttpResponse<Buffer> response = api.anonymous(HttpMethod.GET, "/openapi.yaml").send().await();

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/yaml");
    assertThat(response.bodyAsString()).isEqualTo(Files.readString(Path.of("docs/openapi.yaml")));
  }

  @Test
  void everyOperationListsItsResponsesAndEveryAdminOperationItsSecurity() throws IOException {
    JsonNode paths = document().get("paths");
    List<String> problems = new ArrayList<>();
    paths.fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
      if (!HTTP_METHODS.contains(op.getKey())) {
        return;
      }
      String name = op.getKey().toUpperCase() + " " + path.getKey();
      if (!op.getValue().has("responses") || op.getValue().get("responses").isEmpty()) {
        problems.add(name + " lists no responses");
      }
      if (path.getKey().startsWith("/api/") && !op.getValue().has("security")) {
        problems.add(name + " names no security");
      }
    }));
    assertThat(problems).isEmpty();
  }

  private static Set<String> documented() throws IOException {
    Set<String> operations = new TreeSet<>();
    Iterator<String> paths = document().get("paths").fieldNames();
    JsonNode all = document().get("paths");
    while (paths.hasNext()) {
      String path = paths.next();
      all.get(path).fieldNames().forEachRemaining(key -> {
        if (HTTP_METHODS.contains(key)) {
          operations.add(key.toUpperCase() + " " + path);
        }
      });
    }
    return operations;
  }

  private static JsonNode document() throws IOException {
    return new ObjectMapper(new YAMLFactory()).readTree(Path.of("docs/openapi.yaml").toFile());
  }
}
