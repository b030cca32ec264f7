package io.cidrotator.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;

import java.util.EnumSet;

/** Prometheus metrics of Vert.x (HTTP, event bus, pools) and of our own meters, in one registry. */
public final class Metrics {

  private Metrics() {
  }

  /** Vert.x options with Micrometer metrics and the Prometheus registry turned on. */
  public static VertxOptions vertxOptions(VertxOptions options) {
    return options.setMetricsOptions(new MicrometerMetricsOptions()
      .setEnabled(true)
      .setJvmMetricsEnabled(true)
      // The route label, not the raw path: query strings and caller-IDs must not become label values.
      .setLabels(EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.EB_ADDRESS,
        Label.EB_FAILURE, Label.EB_SIDE, Label.POOL_TYPE, Label.POOL_NAME))
      .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
  }

  /** The registry Vert.x reports to; a global one when metrics are off, so meters still work. */
  public static MeterRegistry registry() {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    return registry != null ? registry : io.micrometer.core.instrument.Metrics.globalRegistry;
  }
}
