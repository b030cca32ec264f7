package io.cidrotator.bench;

import io.cidrotator.phone.NanpNumber;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SyntheticInventoryTest {

  @Test
  void numbersAreDistinctValidNanpNumbersOfTheirAreaCode() {
    // 2 area codes x 15,000 numbers: crosses into a second exchange in each.
    SyntheticInventory inventory = new SyntheticInventory(30_000, 2);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < inventory.numbers(); i++) {
      String cid = inventory.callerId(i);
      assertThat(cid).matches("[2-9][0-9]{2}[2-9][0-9]{6}").startsWith(inventory.areaCodeOf(i));
      assertThat(seen.add(cid)).as("duplicate %s", cid).isTrue();
    }
    assertThat(NanpNumber.parse("to", inventory.callerId(29_999), List.of()).digits())
      .isEqualTo(inventory.callerId(29_999));
  }

  @Test
  void areaCodesSkipTheN11ServiceCodes() {
    SyntheticInventory inventory = new SyntheticInventory(1_000_000, SyntheticInventory.MAX_AREA_CODES);

    assertThat(inventory.seededAreaCodes())
      .hasSize(792)
      .doesNotHaveDuplicates()
      .noneMatch(code -> code.endsWith("11"))
      .allMatch(code -> code.matches("[2-9][0-9]{2}"));
  }

  @Test
  void destinationsFallInSeededAreaCodesOnly() {
    SyntheticInventory inventory = new SyntheticInventory(5, 100);
    Random random = new Random(1);

    assertThat(inventory.seededAreaCodes()).hasSize(5);
    for (int i = 0; i < 1000; i++) {
      String destination = inventory.randomDestination(random);
      assertThat(inventory.seededAreaCodes()).contains(destination.substring(0, 3));
      assertThat(NanpNumber.parse("to", destination, List.of()).digits()).isEqualTo(destination);
    }
  }

  @Test
  void rejectsAreaCodeCountsOutOfRange() {
    assertThatThrownBy(() -> new SyntheticInventory(10, 793)).hasMessageStartingWith("--area-codes");
    assertThatThrownBy(() -> new SyntheticInventory(0, 10)).hasMessageStartingWith("--numbers");
  }
}
