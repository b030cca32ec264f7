package io.cidrotator.http;

import io.cidrotator.Poll;
import io.cidrotator.TestServer;
import io.cidrotator.history.HistoryClient;
import io.cidrotator.redis.RedisIndex;
import io.cidrotator.redis.RedisKeys;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The calls the HTTP contract tests make on a {@link TestServer}: the public routes, the admin routes
 * with or without the token, and reads of the Redis and PostgreSQL state they leave behind.
 * Every call blocks on the JUnit thread. Registered as an extension ({@code @RegisterExtension static}),
 * it starts one server for the test class and stops it after the last test.
 */
public final class Api implements BeforeAllCallback, AfterAllCallback {

  /** The Redis key of the live reservations of the default pool (score = expiry, ms). */
  public static final String RESERVED = RedisKeys.reserved("default");

  private final JsonObject overrides;
  private TestServer server;
  private HistoryClient history;

  /** A server of the class's own, with {@code overrides} on top of the test settings. */
  public Api(JsonObject overrides) {
    this.overrides = overrides;
  }

  public Api() {
    this(new JsonObject());
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    server = TestServer.start(overrides);
    history = new HistoryClient(server.vertx, 10_000);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    server.close();
  }

  public TestServer server() {
    return server;
  }

  /** {@link TestServer#reset()}: the previous test's history written, then PostgreSQL and Redis emptied. */
  public void reset() {
    server.reset();
  }

  /** {@link TestServer#awaitHistoryWritten()}. */
  public void awaitHistoryWritten() {
    server.awaitHistoryWritten();
  }

  /** History batches the admin verticle has written to PostgreSQL so far. */
  public long historyWrites() {
    return history.status().await().getLong("writes");
  }

  /** History events the admin verticle holds, not yet written to PostgreSQL. */
  public int historyBuffered() {
    return history.status().await().getInteger("buffered");
  }

  /** GET /next-cid with the query parameters given as name, value pairs (each value URL-encoded). */
  public HttpResponse<Buffer> nextCid(String... params) {
    return get("/next-cid", params);
  }

  /** GET /release?caller_id=... */
  public HttpResponse<Buffer> release(String callerId) {
    return get("/release", "caller_id", callerId);
  }

  /** GET {@code path} with the query parameters given as name, value pairs. */
  public HttpResponse<Buffer> get(String path, String... params) {
    HttpRequest<Buffer> request = server.http.get(path);
    for (int i = 0; i < params.length; i += 2) {
      request.addQueryParam(params[i], params[i + 1]);
    }
    return request.send().await();
  }

  /** GET of a request URI sent exactly as written (already encoded). */
  public HttpResponse<Buffer> getRaw(String uri) {
    return server.http.get(uri).send().await();
  }

  /** A request carrying the admin bearer token. */
  public HttpRequest<Buffer> admin(HttpMethod method, String uri) {
    return server.http.request(method, uri).putHeader("Authorization", server.bearer());
  }

  /** A request carrying {@code Authorization: Bearer <token>}. */
  public HttpRequest<Buffer> bearer(HttpMethod method, String uri, String token) {
    return server.http.request(method, uri).putHeader("Authorization", "Bearer " + token);
  }

  /**
   * A client whose connections come from {@code localAddress} (Linux routes all of 127.0.0.0/8 to the
   * loopback), for what the server decides by client address: login throttling, ALLOWED_DIALER_IPS.
   * Up to 32 connections, so that parallel requests are in flight together.
   */
  public WebClient clientFrom(String localAddress) {
    return WebClient.create(server.vertx, new WebClientOptions()
        .setDefaultHost("127.0.0.1")
        .setDefaultPort(server.config.apiPort())
        .setLocalAddress(localAddress),
      new PoolOptions().setHttp1MaxSize(32));
  }

  /** A request without any Authorization header. */
  public HttpRequest<Buffer> anonymous(HttpMethod method, String uri) {
    return server.http.request(method, uri);
  }

  /** GET /api/stats with the token; the body. */
  public JsonObject stats() {
    HttpResponse<Buffer> response = admin(HttpMethod.GET, "/api/stats").send().await();
    if (response.statusCode() != 200) {
      throw new AssertionError("/api/stats answered " + response.statusCode() + ": " + response.bodyAsString());
    }
    return response.bodyAsJsonObject();
  }

  /** The caller_id of a successful JSON /next-cid, failing the test on any other answer. */
  public String allocate(String to) {
    HttpResponse<Buffer> response = nextCid("to", to);
    if (response.statusCode() != 200) {
      throw new AssertionError("/next-cid?to=" + to + " answered " + response.statusCode() + ": "
        + response.bodyAsString());
    }
    return response.bodyAsJsonObject().getString("caller_id");
  }

  /** How many reservations the default pool holds in Redis. */
  public long reservedCount() {
    return redis(Request.cmd(Command.ZCARD).arg(RESERVED)).toLong();
  }

  /** Whether {@code callerId} is reserved in Redis. */
  public boolean isReserved(String callerId) {
    return redis(Request.cmd(Command.ZSCORE).arg(RESERVED).arg(callerId)) != null;
  }

  /** What the Redis index holds, read through RedisKeys. */
  public RedisIndex index() {
    return new RedisIndex(server.redis);
  }

  public Response redis(Request request) {
    return server.redis.send(request).await();
  }

  /** Redis keys matching {@code pattern} (KEYS: the test database is tiny). */
  public List<String> redisKeys(String pattern) {
    List<String> keys = new ArrayList<>();
    for (Response key : redis(Request.cmd(Command.KEYS).arg(pattern))) {
      keys.add(key.toString());
    }
    return keys;
  }

  /** Rows of a query with positional parameters. */
  public List<Row> rows(String sql, Object... params) {
    List<Row> rows = new ArrayList<>();
    server.sql.preparedQuery(sql).execute(Tuple.wrap(params)).await().forEach(rows::add);
    return rows;
  }

  /** {@link Poll#last}: the last value read, once {@code done} accepts it or {@code within} is over. */
  public <T> T poll(Supplier<T> value, Predicate<T> done, Duration within) {
    return Poll.last(server.vertx, within, value, done);
  }

  /**
   * Waits, if needed, until the current minute has at least {@code seconds} left, so that a short burst
   * of requests falls into one per-minute rate-limit window.
   */
  public void awayFromMinuteEnd(int seconds) {
    long msLeft = 60_000L - System.currentTimeMillis() % 60_000L;
    if (msLeft < seconds * 1000L) {
      server.vertx.timer(msLeft + 20).await();
    }
  }
}
