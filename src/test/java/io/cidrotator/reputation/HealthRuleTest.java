package io.cidrotator.reputation;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The rest rule's statistics and the thresholds' defaults and bounds. */
class HealthRuleTest {

  @Test
  void theWilsonUpperBoundMatchesWorkedValues() {
    assertThat(HealthRule.wilsonUpper(2, 40)).isCloseTo(0.1650, within(0.0005));
    assertThat(HealthRule.wilsonUpper(5, 40)).isCloseTo(0.2611, within(0.0005));
    assertThat(HealthRule.wilsonUpper(0, 30)).isCloseTo(0.1135, within(0.0005));
    assertThat(HealthRule.wilsonUpper(30, 30)).isEqualTo(1.0);
  }

  @Test
  void aLowRateRestsOnlyWithEnoughCallsOfItsOwnAndOfThePool() {
    HealthSettings settings = HealthSettings.DEFAULTS;

    // 2 of 40 against a 40% pool: the upper bound (16.5%) is below half the baseline (20%).
    JsonObject evidence = HealthRule.restEvidence(40, 2, 10_000, 4_000, settings);
    assertThat(evidence).isNotNull();
    assertThat(evidence.getDouble("upper_bound")).isEqualTo(0.1650);
    assertThat(evidence.getDouble("pool_answer_rate_7d")).isEqualTo(0.4);
    // 5 of 40 may be chance; 2 of 39 is too few calls; a pool of 199 calls is no baseline (5 x min_calls).
    assertThat(HealthRule.restEvidence(40, 5, 10_000, 4_000, settings)).isNull();
    assertThat(HealthRule.restEvidence(39, 2, 10_000, 4_000, settings)).isNull();
    assertThat(HealthRule.restEvidence(40, 2, 199, 80, settings)).isNull();
  }

  @Test
  void thresholdsDefaultAndAreCheckedByName() {
    HealthSettings set = HealthSettings.of(new JsonObject().put("min_calls", 20).put("ratio", 0.4));
    assertThat(set.minCalls()).isEqualTo(20);
    assertThat(set.ratio()).isEqualTo(0.4);
    assertThat(set.restHours()).isEqualTo(HealthSettings.DEFAULTS.restHours());

    assertThat(HealthSettings.checked(new JsonObject().put("min_calls", 20.0).putNull("ratio")))
      .isEqualTo(new JsonObject().put("min_calls", 20).putNull("ratio"));
    assertThatThrownBy(() -> HealthSettings.checked(new JsonObject().put("probation_hours", -1)))
      .hasMessage("health.probation_hours: a whole number from 0 to 720, got -1");
    assertThatThrownBy(() -> HealthSettings.checked(new JsonObject().put("ratio", 0.01)))
      .hasMessage("health.ratio: a number from 0.05 to 0.95, got 0.01");
    assertThatThrownBy(() -> HealthSettings.checked("strict")).hasMessageStartingWith("health: an object");
  }
}
