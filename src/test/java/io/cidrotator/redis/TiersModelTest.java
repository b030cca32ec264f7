package io.cidrotator.redis;

import io.cidrotator.pool.TierPlace;
import io.cidrotator.pool.Tiers;
import io.cidrotator.redis.AllocateScript.Allocated;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static io.cidrotator.redis.ScriptFixture.T0;
import static io.cidrotator.redis.ScriptFixture.number;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * allocate.lua against a plain model of the tiers, over a few thousand random allocations, releases and
 * deactivations: every answer must be the first number of the first tier that has one, in lru order (a tie between
 * numbers never used goes to the first area code, then the first caller-ID), and the sets and tier indexes hold
 * keys.lua's invariant throughout.
 */
class TiersModelTest {

  @RegisterExtension
  static final ScriptFixture redis = new ScriptFixture();

  /**
   * New York City, New York State, New Jersey (same zone), California, and Idaho's 208, which spans zones (208215 is
   * Pacific, 208221 Mountain): several numbers per exchange.
   */
  private static final List<String> EXCHANGES = List.of("212555", "212556", "646555", "718555", "518555", "716555",
    "201555", "973555", "415555", "213555", "208215", "208221");
  /** A New Jersey number an admin assigned to Manhattan's 212: a New York number for the tiers. */
  private static final String ASSIGNED_ELSEWHERE = "9735550009";
  private static final List<String> DESTINATIONS = List.of("2125551000", "2125561000", "2127771000", "6465551000",
    "9175551000", "5185551000", "3155551000", "2015551000", "4155551000", "8005551000", "5415551000", "9155551000",
    "2082151000", "9735551000");

  private final Map<String, Model> numbers = new HashMap<>();

  /** One number as the model sees it. */
  private static final class Model {
    final String callerId;
    final TierPlace place;
    long score;
    boolean reserved;
    boolean active = true;

    Model(String callerId, String areaCode) {
      this.callerId = callerId;
      this.place = TierPlace.of(callerId, areaCode, List.of());
    }

    ScriptFixture.NumberRow row() {
      return number(callerId).inAreaCode(place.areaCode());
    }

    boolean available() {
      return active && !reserved;
    }
  }

  @Test
  void everyAllocationIsTheFirstNumberOfTheFirstTierThatHasOne() {
    for (String exchange : EXCHANGES) {
      for (int line = 1; line <= 3; line++) {
        String callerId = exchange + String.format("%04d", line);
        numbers.put(callerId, new Model(callerId, callerId.substring(0, 3)));
      }
    }
    numbers.put(ASSIGNED_ELSEWHERE, new Model(ASSIGNED_ELSEWHERE, "212"));
    numbers.values().forEach(n -> redis.sync(n.row()));
    Random random = new Random(12);
    long now = T0;
    int allocated = 0;
    // 10 ms a step: the run stays well within the reservation TTL, so no reservation expires (not modelled).
    for (int step = 0; step < 3000; step++) {
      now += 10;
      int op = random.nextInt(10);
      if (op < 6) {
        String destination = DESTINATIONS.get(random.nextInt(DESTINATIONS.size()));
        Optional<Expected> expected = expected(destination);
        AllocateScript.Reply reply = redis.allocateTo(now, destination);
        if (expected.isEmpty()) {
          assertThat(reply).as("step %d: %s", step, destination).isInstanceOf(AllocateScript.Refused.class);
          continue;
        }
        assertThat(reply).as("step %d: %s", step, destination).isInstanceOf(Allocated.class);
        Allocated answer = (Allocated) reply;
        assertThat(List.of(answer.callerId(), answer.tier())).as("step %d: %s", step, destination)
          .containsExactly(expected.get().number.callerId, expected.get().tier);
        expected.get().number.reserved = true;
        expected.get().number.score = now;
        allocated++;
      } else if (op < 9) {
        List<Model> reserved = numbers.values().stream().filter(n -> n.reserved).toList();
        if (!reserved.isEmpty()) {
          Model released = reserved.get(random.nextInt(reserved.size()));
          redis.release(released.callerId, now);
          released.reserved = false;
        }
      } else {
        List<Model> all = new ArrayList<>(numbers.values());
        Model toggled = all.get(random.nextInt(all.size()));
        toggled.active = !toggled.active;
        redis.sync(toggled.active ? toggled.row() : toggled.row().deactivated());
      }
      if (step % 250 == 0) {
        redis.assertSetsAndIndexesHold();
      }
    }
    assertThat(allocated).as("allocations made").isGreaterThan(800);
    redis.assertSetsAndIndexesHold();
  }

  private record Expected(Model number, String tier) {
  }

  /** The model's answer: the first tier with an available number, its least recently used one. */
  private Optional<Expected> expected(String destination) {
    TierPlace callee = TierPlace.of(destination);
    for (String tier : Tiers.ALL) {
      Optional<Model> first = numbers.values().stream()
        .filter(Model::available)
        .filter(n -> (callee.key(tier) != null || tier.equals("pool")) && callee.reaches(tier, n.place))
        .min(Comparator.<Model>comparingLong(n -> n.score).thenComparing(n -> n.place.areaCode())
          .thenComparing(n -> n.callerId));
      if (first.isPresent()) {
        return Optional.of(new Expected(first.get(), tier));
      }
    }
    return Optional.empty();
  }
}
