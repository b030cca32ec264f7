package io.cidrotator.redis;

import io.cidrotator.redis.ReleaseCampaignScript.Released;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static io.cidrotator.redis.ScriptFixture.DEFAULT_POOL;
import static io.cidrotator.redis.ScriptFixture.HISTORY_LIMIT;
import static io.cidrotator.redis.ScriptFixture.T0;
import static io.cidrotator.redis.ScriptFixture.TTL;
import static io.cidrotator.redis.ScriptFixture.allocated;
import static io.cidrotator.redis.ScriptFixture.callerIdOf;
import static io.cidrotator.redis.ScriptFixture.number;
import static io.cidrotator.redis.ScriptFixture.windows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * release_campaign.lua through {@link ReleaseCampaignScript}: ends every live reservation of one campaign in every
 * pool, as a release ends one; reservations already over by their TTL are left to the lazy reclaim.
 */
class ReleaseCampaignScriptTest {

  @RegisterExtension
  static final ScriptFixture redis = new ScriptFixture();

  @Test
  void releaseCampaignEndsOnlyThatCampaignsLiveReservationsAndKeepsTheirLruPlace() {
    redis.sync(number("5125550001").usedAt(1000), number("5125550002").usedAt(2000),
      number("5125550003").usedAt(3000).inPool("east"));
    redis.salesAllocateFromEast(null, "area_code,pool");
    String first = allocated(redis.allocateFor("stop-me", T0, "512")).allocationId();
    redis.allocateFor("keep-me", T0 + 1, "512");
    String third = allocated(redis.allocateFor("sales", T0 + 2, "512")).allocationId();

    List<Released> released = releaseCampaign("stop-me", T0 + 3);

    assertThat(withoutEntries(released)).containsExactly(new Released("5125550001", first, null));
    assertThat(released.get(0).historyEntry()).as("the release's history entry").isNotNull();
    assertThat(callerIdOf(redis.allocateFor("keep-me", T0 + 4, "512"))).isEqualTo("5125550001");
    assertThat(withoutEntries(releaseCampaign("sales", T0 + 5))).containsExactly(new Released("5125550003", third, null));
    assertThat(releaseCampaign("sales", T0 + 6)).isEmpty();
  }

  @Test
  void aReleasedNumberAtItsCapGoesToTheCappedSetAndAnExpiredReservationIsLeftToTheReclaim() {
    redis.sync(number("5125550001").usedAt(1000).hourlyCap(1), number("5125550002").usedAt(0));
    redis.allocateFor("stop-me", T0, "512");
    String live = allocated(redis.allocateFor("stop-me", T0 + TTL / 2, "512")).allocationId();

    List<Released> released = releaseCampaign("stop-me", T0 + TTL);

    assertThat(withoutEntries(released)).containsExactly(new Released("5125550001", live, null));
    StateScript.Reply capped = redis.state("5125550001", T0 + TTL);
    assertThat(capped.state()).isEqualTo("capped");
    assertThat(capped.until()).isEqualTo(windows(T0).hourEnd());
    assertThat(redis.zscore(RedisKeys.reserved(DEFAULT_POOL), "5125550002")).isEqualTo(T0 + TTL);
  }

  private static List<Released> releaseCampaign(String campaign, long now) {
    return ReleaseCampaignScript.run(redis.runner(), new ReleaseCampaignScript.Args(campaign, now, windows(now), HISTORY_LIMIT))
      .await();
  }

  private static List<Released> withoutEntries(List<Released> released) {
    return released.stream().map(one -> new Released(one.callerId(), one.allocationId(), null)).toList();
  }
}
