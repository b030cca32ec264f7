package io.cidrotator.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.cidrotator.TestServer;
import io.cidrotator.http.Api;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * POST /api/auth/token: the admin token, a user of USERS_FILE or a still valid bearer buys a short-lived
 * JWT; failed attempts from one address are slowed down. Each test logs in from its own loopback
 * address, so the failures of one test never slow down the next.
 */
class AuthTokenTest {

  private static final String USERS = String.join("\n",
    "# name:role:bcrypt-hash",
    "alice:admin:" + BCrypt.withDefaults().hashToString(4, "alice-password".toCharArray()),
    "victor:viewer:" + BCrypt.withDefaults().hashToString(4, "victor-password".toCharArray()));
  private static final AtomicInteger ADDRESSES = new AtomicInteger(1);

  @RegisterExtension
  static final Api api = new Api(new JsonObject()
    .put("USERS_FILE", Tokens.file("users", USERS))
    .put("TOKEN_TTL_MINUTES", 5));

  private String address;
  private WebClient client;

  @BeforeEach
  void ownClientAddress() {
    address = "127.0.0." + ADDRESSES.incrementAndGet();
    client = api.clientFrom(address);
  }

  @AfterEach
  void closeClient() {
    client.close();
  }

  private HttpRequest<Buffer> tokenRequest() {
    return client.post("/api/auth/token");
  }

  private HttpResponse<Buffer> login(JsonObject body) {
    return tokenRequest().sendJsonObject(body).await();
  }

  private HttpResponse<Buffer> login(String username, String password) {
    return login(new JsonObject().put("username", username).put("password", password));
  }

  private static HttpResponse<Buffer> stats(String token) {
    return api.bearer(HttpMethod.GET, "/api/stats", token).send().await();
  }

  @Test
  void theAdminTokenBuysAnAdminJwt() {
    HttpResponse<Buffer> response = login(new JsonObject().put("admin_token", TestServer.ADMIN_TOKEN));

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.fieldNames()).containsExactlyInAnyOrder("token", "token_type", "expires_in", "subject", "role");
    assertThat(List.of(body.getString("token_type"), body.getInteger("expires_in"), body.getString("subject"),
      body.getString("role"))).containsExactly("Bearer", 300, "admin-token", "admin");
  }

  @Test
  void theJwtOfTheAdminTokenOpensStats() {
    String token = login(new JsonObject().put("admin_token", TestServer.ADMIN_TOKEN)).bodyAsJsonObject()
      .getString("token");

    assertThat(stats(token).statusCode()).isEqualTo(200);
  }

  @Test
  void theJwtLastsTokenTtlMinutes() {
    String token = login("alice", "alice-password").bodyAsJsonObject().getString("token");

    JsonObject claims = Tokens.payload(token);
    assertThat(claims.getLong("exp") - claims.getLong("iat")).isEqualTo(5 * 60);
    assertThat(List.of(claims.getString("sub"), claims.getString("role"), claims.getString("iss")))
      .containsExactly("alice", "admin", "cid-rotator");
  }

  @Test
  void aUserOfTheUsersFileBuysAJwtWithItsRole() {
    HttpResponse<Buffer> response = login("victor", "victor-password");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("subject")).isEqualTo("victor");
    assertThat(response.bodyAsJsonObject().getString("role")).isEqualTo("viewer");
  }

  @Test
  void theJwtOfAViewerReadsButCannotWrite() {
    String token = login("victor", "victor-password").bodyAsJsonObject().getString("token");

    assertThat(stats(token).statusCode()).isEqualTo(200);
    assertThat(api.bearer(HttpMethod.POST, "/add-number?caller_id=5125550100", token).send().await().statusCode())
      .isEqualTo(403);
  }

  @Test
  void aJwtSignedWithTheProcessKeyIsAcceptedByEveryRouterInstance() {
    String token = login("alice", "alice-password").bodyAsJsonObject().getString("token");
    List<Integer> statuses = new ArrayList<>();

    // Each request opens its own connection, so the requests are spread over the ROUTER_INSTANCES.
    for (int i = 0; i < 8; i++) {
      WebClient fresh = api.clientFrom(address);
      statuses.add(fresh.get("/api/stats").putHeader("Authorization", "Bearer " + token).send().await().statusCode());
      fresh.close();
    }

    assertThat(statuses).containsOnly(200);
  }

  @Test
  void aWrongPasswordIs401() {
    HttpResponse<Buffer> response = login("alice", "victor-password");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.getHeader("WWW-Authenticate")).isEqualTo("Bearer");
    assertThat(response.bodyAsJsonObject().getString("detail")).isEqualTo("wrong user name or password");
  }

  @Test
  void anUnknownUserIs401LikeAWrongPassword() {
    HttpResponse<Buffer> response = login("mallory", "alice-password");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.bodyAsJsonObject().getString("detail")).isEqualTo("wrong user name or password");
  }

  @Test
  void aWrongAdminTokenIs401() {
    assertThat(login(new JsonObject().put("admin_token", "test-admin-token-wrong-0123")).statusCode())
      .isEqualTo(401);
  }

  @Test
  void afterFiveFailuresTheNextAttemptIs429WithRetryAfter() {
    for (int i = 0; i < 5; i++) {
      assertThat(login("alice", "guess-" + i).statusCode()).isEqualTo(401);
    }

    HttpResponse<Buffer> response = login("alice", "guess-5");

    assertThat(response.statusCode()).isEqualTo(429);
    assertThat(response.getHeader("Retry-After")).isEqualTo("1");
    assertThat(response.bodyAsJsonObject().getString("detail")).startsWith("too many failed logins from " + address);
  }

  @Test
  void whileSlowedDownEvenTheRightPasswordWaits() {
    for (int i = 0; i < 5; i++) {
      login("alice", "guess-" + i);
    }

    assertThat(login("alice", "alice-password").statusCode()).isEqualTo(429);
  }

  @Test
  void failuresFromOneAddressDoNotSlowDownAnother() {
    for (int i = 0; i < 5; i++) {
      login("alice", "guess-" + i);
    }
    WebClient other = api.clientFrom("127.0.0." + ADDRESSES.incrementAndGet());

    HttpResponse<Buffer> response = other.post("/api/auth/token")
      .sendJsonObject(new JsonObject().put("username", "alice").put("password", "alice-password"))
      .await();
    other.close();

    assertThat(response.statusCode()).isEqualTo(200);
  }

  @Test
  void aSuccessClearsTheEarlierFailures() {
    for (int i = 0; i < 4; i++) {
      login("alice", "guess-" + i);
    }
    login("alice", "alice-password");
    for (int i = 0; i < 4; i++) {
      login("alice", "guess-" + i);
    }

    assertThat(login("alice", "alice-password").statusCode()).isEqualTo(200);
  }

  @Test
  void anotherUsersGoodLoginFromTheSameAddressNeitherClearsNorSuffersTheGuesses() {
    for (int i = 0; i < 5; i++) {
      login("alice", "guess-" + i);
    }

    assertThat(login("victor", "victor-password").statusCode()).isEqualTo(200);
    assertThat(login("alice", "guess-5").statusCode()).isEqualTo(429);
  }

  @Test
  void parallelGuessesAreSlowedDownLikeSequentialOnes() {
    List<Future<HttpResponse<Buffer>>> guesses = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      guesses.add(tokenRequest().sendJsonObject(new JsonObject().put("username", "alice").put("password", "guess-" + i)));
    }
    List<Integer> statuses = Future.join(guesses).await().<HttpResponse<Buffer>>list().stream()
      .map(HttpResponse::statusCode)
      .toList();

    assertThat(statuses).filteredOn(status -> status == 401).hasSize(5);
    assertThat(statuses).filteredOn(status -> status == 429).hasSize(15);
  }

  @Test
  void aValidBearerIsRefreshedIntoANewJwtOfTheSameIdentity() {
    String token = login("victor", "victor-password").bodyAsJsonObject().getString("token");

    HttpResponse<Buffer> response = tokenRequest().putHeader("Authorization", "Bearer " + token).send().await();

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("subject")).isEqualTo("victor");
    assertThat(response.bodyAsJsonObject().getString("role")).isEqualTo("viewer");
    assertThat(stats(response.bodyAsJsonObject().getString("token")).statusCode()).isEqualTo(200);
  }

  @Test
  void theStaticAdminTokenAsBearerIsExchangedForAJwt() {
    HttpResponse<Buffer> response = tokenRequest().putHeader("Authorization", api.server().bearer()).send().await();

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("role")).isEqualTo("admin");
  }

  @Test
  void aForgedBearerIsNotRefreshed() {
    String forged = Tokens.hs256(Tokens.claims("alice", "admin"), "not-the-process-key-0123456789-abcdef");

    HttpResponse<Buffer> response = tokenRequest().putHeader("Authorization", "Bearer " + forged).send().await();

    assertThat(response.statusCode()).isEqualTo(401);
  }

  @Test
  void anUnknownFieldIs400NamingIt() {
    HttpResponse<Buffer> response = login(new JsonObject().put("username", "alice").put("password", "alice-password")
      .put("remember_me", true));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getString("detail")).startsWith("remember_me: unknown field");
  }

  @Test
  void aBodyThatIsNotJsonIs400() {
    HttpResponse<Buffer> response = tokenRequest().putHeader("Content-Type", "application/json")
      .sendBuffer(Buffer.buffer("username=alice&password=alice-password"))
      .await();

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getString("detail")).isEqualTo("body: not valid JSON");
  }

  @Test
  void aJsonArrayBodyIs400() {
    HttpResponse<Buffer> response = tokenRequest().sendBuffer(Buffer.buffer("[\"alice\", \"alice-password\"]")).await();

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getString("detail")).isEqualTo("body: must be a JSON object");
  }

  @Test
  void aUserNameWithoutPasswordIs400() {
    HttpResponse<Buffer> response = login(new JsonObject().put("username", "alice"));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getString("detail")).startsWith("body: ");
  }

  @Test
  void aPasswordThatIsNotAStringIs400NamingIt() {
    HttpResponse<Buffer> response = login(new JsonObject().put("username", "alice").put("password", 1234));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getString("detail")).startsWith("password: must be a non-empty string");
  }

  @Test
  void anEmptyBodyWithoutBearerIs400() {
    HttpResponse<Buffer> response = tokenRequest().send().await();

    assertThat(response.statusCode()).isEqualTo(400);
  }

  @Test
  void badRequestsDoNotCountAsFailedLogins() {
    for (int i = 0; i < 6; i++) {
      login(new JsonObject().put("username", "alice"));
    }

    assertThat(login("alice", "alice-password").statusCode()).isEqualTo(200);
  }

  @Test
  void guessesOfTheAdminTokenOnAdminRoutesAreSlowedDownAsFailedLoginsArePerAddress() {
    for (int i = 0; i < LoginThrottle.FREE_FAILURES; i++) {
      assertThat(client.get("/api/stats").putHeader("Authorization", "Bearer wrong-guess-" + i).send().await()
        .statusCode()).as("guess %d", i + 1).isEqualTo(401);
    }

    HttpResponse<Buffer> slowed = client.get("/api/stats").putHeader("Authorization", "Bearer wrong-guess-x")
      .send().await();
    HttpResponse<Buffer> rightTokenMeanwhile = client.get("/api/stats")
      .putHeader("Authorization", "Bearer " + TestServer.ADMIN_TOKEN).send().await();
    WebClient elsewhere = api.clientFrom("127.0.0." + ADDRESSES.incrementAndGet());

    assertThat(slowed.statusCode()).isEqualTo(429);
    assertThat(slowed.getHeader("Retry-After")).isEqualTo("1");
    assertThat(slowed.bodyAsJsonObject().getString("detail")).contains("too many wrong bearer tokens from " + address);
    assertThat(rightTokenMeanwhile.statusCode()).as("the same address, until the wait is over").isEqualTo(429);
    try {
      assertThat(elsewhere.get("/api/stats").putHeader("Authorization", "Bearer " + TestServer.ADMIN_TOKEN).send()
        .await().statusCode()).as("another address").isEqualTo(200);
    } finally {
      elsewhere.close();
    }
  }

  @Test
  void requestsWithoutCredentialsAreNotCountedAsGuesses() {
    for (int i = 0; i < LoginThrottle.FREE_FAILURES + 2; i++) {
      assertThat(client.get("/api/stats").send().await().statusCode()).isEqualTo(401);
    }

    assertThat(client.get("/api/stats").putHeader("Authorization", "Bearer " + TestServer.ADMIN_TOKEN).send().await()
      .statusCode()).isEqualTo(200);
  }
}
