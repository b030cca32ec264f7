package io.cidrotator;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The start-up warning about dialer routes open to anyone who reaches the port. */
class MainVerticleTest {

  private final Logger logger = (Logger) LoggerFactory.getLogger(MainVerticle.class);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeEach
  void captureTheLog() {
    logged.start();
    logger.addAppender(logged);
  }

  @AfterEach
  void releaseTheLog() {
    logger.detachAppender(logged);
  }

  private static AppConfig config(JsonObject settings) {
    return AppConfig.from(new JsonObject()
      .put("POSTGRES_HOST", "db.example")
      .put("REDIS_HOST", "cache.example")
      .put("ADMIN_TOKEN", "a-long-random-admin-token-123")
      .mergeIn(settings));
  }

  private List<String> warnings() {
    return logged.list.stream()
      .filter(event -> event.getLevel().toString().equals("WARN"))
      .map(ILoggingEvent::getFormattedMessage)
      .toList();
  }

  @Test
  void openDialerRoutesOnAnAddressBeyondLoopbackAreWarnedAbout() {
    MainVerticle.warnAboutOpenDialerRoutes(config(new JsonObject().put("API_HOST", "0.0.0.0")));

    assertThat(warnings()).singleElement().asString()
      .contains("API_HOST is 0.0.0.0", "DIALER_KEYS", "ALLOWED_DIALER_IPS");
  }

  @Test
  void openDialerRoutesOnLoopbackAreNotWarnedAbout() {
    for (String host : List.of("127.0.0.1", "127.0.0.2", "::1", "localhost")) {
      MainVerticle.warnAboutOpenDialerRoutes(config(new JsonObject().put("API_HOST", host)));
    }

    assertThat(warnings()).isEmpty();
  }

  @Test
  void dialerKeysSilenceTheWarning() {
    MainVerticle.warnAboutOpenDialerRoutes(config(new JsonObject().put("API_HOST", "0.0.0.0")
      .put("DIALER_KEYS", "a-dialer-key-0123456789")));

    assertThat(warnings()).isEmpty();
  }

  @Test
  void anAllowlistSilencesTheWarning() {
    MainVerticle.warnAboutOpenDialerRoutes(config(new JsonObject().put("API_HOST", "10.0.0.5")
      .put("ALLOWED_DIALER_IPS", "10.0.0.0/8")));

    assertThat(warnings()).isEmpty();
  }
}
