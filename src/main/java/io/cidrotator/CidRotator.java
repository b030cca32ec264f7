package io.cidrotator;

import io.cidrotator.auth.HashPassword;
import io.cidrotator.metrics.Metrics;
import io.cidrotator.redis.RedisUnavailableException;
import io.vertx.core.json.JsonObject;
import io.vertx.launcher.application.HookContext;
import io.vertx.launcher.application.VertxApplication;
import io.vertx.launcher.application.VertxApplicationHooks;
import io.vertx.pgclient.PgException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The launcher: Vert.x's own {@link VertxApplication} with two hooks, Prometheus metrics turned on and
 * {@code conf/config.json} read when no {@code -conf} is given (CONFIG_FILE names another file). The jar's one other
 * command, {@code hash-password NAME ROLE}, makes a USERS_FILE line ({@link HashPassword}).
 */
public final class CidRotator extends VertxApplication implements VertxApplicationHooks {

  private static final Logger LOG = LoggerFactory.getLogger(CidRotator.class);

  private JsonObject config = new JsonObject();

  public CidRotator(String[] args) {
    super(args);
  }

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals(HashPassword.COMMAND)) {
      HashPassword.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    new CidRotator(args).launch();
  }

  @Override
  public void beforeStartingVertx(HookContext context) {
    Metrics.vertxOptions(context.vertxOptions());
    try {
      context.vertxOptions().setEventLoopPoolSize(AppConfig.eventLoops(AppConfig.withEnvironment(config, System.getenv())));
    } catch (IllegalArgumentException e) {
      // MainVerticle validates every setting and stops the start-up naming this one.
    }
  }

  /**
   * A start that failed for a reason the operator can fix (a setting, a port in use, Redis or PostgreSQL
   * unreachable) is one line naming it; anything else keeps its stack trace, which is a bug report.
   */
  @Override
  public void afterFailureToDeployVerticle(HookContext context, Throwable failure) {
    if (failure instanceof IllegalArgumentException || failure instanceof IllegalStateException
      || failure instanceof RedisUnavailableException || failure instanceof PgException
      || failure instanceof ConnectException) {
      LOG.error("cid-rotator did not start: {}", failure.getMessage());
    } else {
      LOG.error("cid-rotator did not start", failure);
    }
  }

  @Override
  public void afterFailureToStartVertx(HookContext context, Throwable failure) {
    LOG.error("cid-rotator did not start: Vert.x did not start", failure);
  }

  @Override
  public void afterFailureToStopVertx(HookContext context, Throwable failure) {
    LOG.error("cid-rotator did not stop cleanly", failure);
  }

  @Override
  public JsonObject afterConfigParsed(JsonObject parsed) {
    config = readConfig(parsed);
    return config;
  }

  private static JsonObject readConfig(JsonObject parsed) {
    if (parsed != null && !parsed.isEmpty()) {
      return parsed;
    }
    Path file = Path.of(System.getenv().getOrDefault("CONFIG_FILE", "conf/config.json"));
    if (!Files.exists(file)) {
      return new JsonObject();
    }
    try {
      return new JsonObject(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
