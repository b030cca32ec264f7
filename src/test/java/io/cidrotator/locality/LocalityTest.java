package io.cidrotator.locality;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The locality the server loads, on known samples of the numbering plan. */
class LocalityTest {

  private static final Locality LOCALITY = Locality.nanp();

  private static List<ZoneId> zones(String... ids) {
    return List.of(ids).stream().map(ZoneId::of).toList();
  }

  @Test
  void manhattansAreaCodesAreOneOverlayInNewYork() {
    AreaCode manhattan = LOCALITY.areaCode("212");

    assertThat(manhattan.overlay()).contains("212", "646", "917", "332");
    assertThat(LOCALITY.areaCode("646").overlay()).isEqualTo(manhattan.overlay());
    assertThat(LOCALITY.areaCode("917").overlay()).isEqualTo(manhattan.overlay());
    assertThat(manhattan.region()).isEqualTo("US-NY");
    assertThat(manhattan.state()).isEqualTo("NY");
    assertThat(manhattan.regionName()).isEqualTo("New York");
    assertThat(manhattan.zones()).isEqualTo(zones("America/New_York"));
    // Long Island's overlay is its own, although the data names New York City for 934.
    assertThat(LOCALITY.areaCode("934").overlay()).containsExactly("631", "934");
  }

  @Test
  void eachAreaCodeHasItsZone() {
    assertThat(LOCALITY.areaCode("915").zones()).isEqualTo(zones("America/Denver"));
    assertThat(LOCALITY.areaCode("808").zones()).isEqualTo(zones("Pacific/Honolulu"));
    ZoneId phoenix = LOCALITY.areaCode("520").zones().get(0);
    assertThat(phoenix).isEqualTo(ZoneId.of("America/Phoenix"));
    assertThat(phoenix.getRules().isDaylightSavings(Instant.parse("2026-07-01T12:00:00Z"))).as("no DST").isFalse();
  }

  @Test
  void canadianAreaCodesAreInTheirProvince() {
    for (String npa : List.of("416", "647")) {
      AreaCode toronto = LOCALITY.areaCode(npa);
      assertThat(toronto.region()).isEqualTo("CA-ON");
      assertThat(toronto.regionName()).isEqualTo("Ontario");
      assertThat(toronto.zones()).isEqualTo(zones("America/Toronto"));
      assertThat(toronto.overlay()).contains("416", "647", "437");
    }
    assertThat(LOCALITY.areaCode("204").regionName()).isEqualTo("Manitoba");
    assertThat(LOCALITY.areaCode("204").region()).isEqualTo("CA-MB");
  }

  @Test
  void anAreaCodeWithoutAnOverlayIsItsOwnGroup() {
    assertThat(LOCALITY.areaCode("808").overlay()).containsExactly("808");
  }

  @Test
  void tollFreeAndUnassignedAreaCodesHaveNoLocality() {
    for (String number : List.of("8005551234", "8885551234", "8775551234", "8665551234", "8335551234")) {
      assertThat(LOCALITY.of(number)).as(number).isNull();
    }
  }

  @Test
  void aNumbersTownComesFromItsPrefix() {
    Place place = LOCALITY.of("6466721234");

    assertThat(place.prefix()).isEqualTo("646672");
    assertThat(place.town()).isEqualTo("New York, NY");
    assertThat(place.area().npa()).isEqualTo("646");
    assertThat(place.zones()).isEqualTo(zones("America/New_York"));
    assertThat(LOCALITY.of("2089351234").town()).isEqualTo("Kamiah, ID");
  }

  @Test
  void anAreaCodeSpanningZonesIsResolvedByPrefixWhereTheDataSaysSo() {
    assertThat(LOCALITY.areaCode("907").zones()).isEqualTo(zones("America/Adak", "America/Anchorage"));
    assertThat(LOCALITY.of("9072091234").zones()).as("Juneau").isEqualTo(zones("America/Juneau"));
    assertThat(LOCALITY.of("9075551234").zones()).isEqualTo(zones("America/Adak", "America/Anchorage"));
    // Idaho: the data splits 208 by prefix only.
    assertThat(LOCALITY.areaCode("208").zones()).containsExactlyInAnyOrder(ZoneId.of("America/Boise"),
      ZoneId.of("America/Denver"), ZoneId.of("America/Los_Angeles"));
    assertThat(LOCALITY.of("2082011234").zones()).isEqualTo(zones("America/Denver"));
    assertThat(LOCALITY.of("2082151234").zones()).isEqualTo(zones("America/Los_Angeles"));
    assertThat(LOCALITY.of("2082991234").zones()).isEqualTo(zones("America/Boise", "America/Los_Angeles"));
  }

  @Test
  void theCaribbeanMembersAreCountries() {
    assertThat(LOCALITY.areaCode("876").region()).isEqualTo("JM");
    assertThat(LOCALITY.areaCode("876").state()).isEqualTo("JM");
    assertThat(LOCALITY.areaCode("787").region()).isEqualTo("US-PR");
    assertThat(LOCALITY.areaCode("242").zones()).isEqualTo(zones("America/Nassau"));
  }

  @Test
  void theWholePlanIsThere() {
    assertThat(LOCALITY.areaCodeCount()).isEqualTo(441);
    assertThat(LOCALITY.townCount()).isEqualTo(31_257);
  }
}
