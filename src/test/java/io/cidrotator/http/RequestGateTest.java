package io.cidrotator.http;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** An HTTP/1.1 request without a Host header is a 400 naming the header, not a 500; HTTP/1.0 needs none. */
class RequestGateTest {

  @RegisterExtension
  static final Api api = new Api();

  @Test
  void anHttp11RequestWithoutHostIsA400NamingTheHeader() throws IOException {
    String answer = raw("GET /next-cid?to=5125551234 HTTP/1.1\r\n\r\n");

    assertThat(answer).startsWith("HTTP/1.1 400 ");
    assertThat(new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4)).getString("detail"))
      .startsWith("Host: ");
  }

  @Test
  void anHttp10RequestNeedsNoHost() throws IOException {
    assertThat(raw("GET /health HTTP/1.0\r\n\r\n")).startsWith("HTTP/1.0 200 ");
  }

  /** Sends {@code request} as written and reads the answer until the server closes the connection. */
  private static String raw(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", api.server().config.apiPort())) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
