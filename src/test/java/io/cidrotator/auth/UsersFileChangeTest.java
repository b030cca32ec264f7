package io.cidrotator.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.cidrotator.http.Api;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * USERS_FILE is read again when it changes: a user removed from it, or demoted, loses what their tokens gave them
 * within seconds, not when the tokens expire; a change that does not read keeps the users read before.
 */
class UsersFileChangeTest {

  private static final String ALICE = "alice:admin:" + BCrypt.withDefaults().hashToString(4, "alice-pw".toCharArray());
  private static final String ALICE_VIEWER = ALICE.replace(":admin:", ":viewer:");
  private static final String BOB = "bob:viewer:" + BCrypt.withDefaults().hashToString(4, "bob-pw".toCharArray());
  private static final Path FILE = Path.of(Tokens.file("users", ALICE + "\n" + BOB + "\n"));
  private static final Duration NOTICED = Duration.ofMillis(Users.WATCH_MS * 4);

  @RegisterExtension
  static final Api api = new Api(new JsonObject().put("USERS_FILE", FILE.toString()).put("TOKEN_TTL_MINUTES", 60));

  @BeforeEach
  void aliceIsAnAdmin() throws IOException {
    write(ALICE + "\n" + BOB + "\n");
    // The test before may have removed or demoted alice: until the file is read again (failed logins would be
    // throttled, so no polling with them).
    api.server().vertx.timer(2 * Users.WATCH_MS + 500).await();
    assertThat(releaseCampaign(token("alice", "alice-pw")).statusCode()).isEqualTo(200);
  }

  @Test
  void aUserRemovedFromTheFileGets401WithATokenIssuedBefore() throws IOException {
    String token = token("alice", "alice-pw");

    write(BOB + "\n");

    HttpResponse<Buffer> stats = api.poll(() -> stats(token), r -> r.statusCode() == 401, NOTICED);
    assertThat(stats.statusCode()).isEqualTo(401);
    assertThat(stats.bodyAsJsonObject().getString("detail")).contains("alice is no longer in USERS_FILE");
  }

  @Test
  void aUserDemotedToViewerCanNoLongerWriteWithAnAdminTokenIssuedBefore() throws IOException {
    String token = token("alice", "alice-pw");
    assertThat(releaseCampaign(token).statusCode()).isEqualTo(200);

    write(ALICE_VIEWER + "\n" + BOB + "\n");

    HttpResponse<Buffer> write = api.poll(() -> releaseCampaign(token), r -> r.statusCode() == 403, NOTICED);
    assertThat(write.statusCode()).isEqualTo(403);
    assertThat(stats(token).statusCode()).as("a read, which the viewer role allows").isEqualTo(200);
  }

  @Test
  void aChangeThatDoesNotReadKeepsTheUsersReadBefore() throws IOException {
    String token = token("alice", "alice-pw");

    write(ALICE + "\nthis is not a user line\n");
    api.server().vertx.timer(NOTICED.toMillis()).await();

    assertThat(releaseCampaign(token).statusCode()).isEqualTo(200);
    assertThat(login("bob", "bob-pw").statusCode()).as("bob, in the users read before").isEqualTo(200);
  }

  private static void write(String users) throws IOException {
    Files.writeString(FILE, users);
  }

  private static HttpResponse<Buffer> login(String name, String password) {
    return api.anonymous(HttpMethod.POST, "/api/auth/token")
      .sendJsonObject(new JsonObject().put("username", name).put("password", password)).await();
  }

  private static String token(String name, String password) {
    HttpResponse<Buffer> response = login(name, password);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject().getString("token");
  }

  private static HttpResponse<Buffer> stats(String token) {
    return api.bearer(HttpMethod.GET, "/api/stats", token).send().await();
  }

  private static HttpResponse<Buffer> releaseCampaign(String token) {
    return api.bearer(HttpMethod.DELETE, "/api/reservations?campaign=none", token).send().await();
  }
}
