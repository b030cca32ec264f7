package io.cidrotator.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** The checks of a refused request: its status and a {"detail"} body that names what was wrong. */
public final class Rejections {

  private Rejections() {
  }

  /**
   * Sends {@code fieldAndBody} ("field|raw JSON body") with the admin token to {@code uri} and asserts a 400
   * whose detail starts with the field's name.
   */
  public static void assertBodyRejected(Api api, HttpMethod method, String uri, String fieldAndBody) {
    String[] parts = fieldAndBody.split("\\|", 2);

    HttpResponse<Buffer> response = api.admin(method, uri)
      .putHeader("Content-Type", "application/json")
      .sendBuffer(Buffer.buffer(parts[1]))
      .await();

    assertDetail(response, 400, parts[0] + ": ");
  }

  public static void assertDetail(HttpResponse<Buffer> response, int status, String prefix) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.fieldNames()).containsExactly("detail");
    assertThat(body.getString("detail")).startsWith(prefix);
  }
}
