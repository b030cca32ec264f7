package io.cidrotator.dashboard;

import io.cidrotator.http.Api;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class DashboardHeadersTest {

  @RegisterExtension
  static final Api api = new Api();

  @ParameterizedTest
  @ValueSource(strings = {"/", "/index.html"})
  void theDashboardIsServedWithItsSecurityHeaders(String path) {
    HttpResponse<Buffer> response = api.anonymous(HttpMethod.GET, path).send().await();

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).startsWith("text/html");
    assertThat(response.getHeader("Content-Security-Policy")).isEqualTo("default-src 'self'; img-src 'self' data:; "
      + "style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
      + "form-action 'self'");
    assertThat(response.getHeader("X-Frame-Options")).isEqualTo("DENY");
    assertThat(response.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(response.getHeader("Referrer-Policy")).isEqualTo("no-referrer");
    assertThat(response.getHeader("Cache-Control")).isEqualTo("no-cache");
  }

  @Test
  void theOldToolsDashboardPathLeadsToTheDashboard() {
    HttpResponse<Buffer> response = api.anonymous(HttpMethod.GET, "/dashboard").followRedirects(false).send().await();

    assertThat(response.statusCode()).isEqualTo(302);
    assertThat(response.getHeader("Location")).isEqualTo("/");
  }

  @Test
  void theApiKeepsItsOwnHeaders() {
    HttpResponse<Buffer> response = api.anonymous(HttpMethod.GET, "/health").send().await();

    assertThat(response.getHeader("Content-Security-Policy")).isNull();
  }
}
