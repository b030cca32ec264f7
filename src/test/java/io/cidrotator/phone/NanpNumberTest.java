package io.cidrotator.phone;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NanpNumberTest {

  private static final List<String> VICIDIAL = List.of("9");

  @ParameterizedTest
  @CsvSource({
    "5125551234, 5125551234",
    "15125551234, 5125551234",
    "+1 (512) 555-1234, 5125551234",
    "512.555.1234, 5125551234",
    "915125551234, 5125551234",
    "95125551234, 5125551234",
    "5555551234, 5555551234",
    "9195551234, 9195551234",
    "19195551234, 9195551234",
    "919195551234, 9195551234",
  })
  void aDialedNumberIsReducedToItsTenNanpDigits(String raw, String expected) {
    assertThat(NanpNumber.parse("to", raw, VICIDIAL).digits()).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"123", "0125551234", "1125551234", "5121551234", "5120551234", "abc", "25125551234",
    "5125551234567", "++", "44 20 7946 0958"})
  void anythingElseIsRejectedNamingTheField(String raw) {
    assertThatThrownBy(() -> NanpNumber.parse("to", raw, VICIDIAL))
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessageStartingWith("to: ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"915125551234", "95125551234"})
  void theDialPrefixIsOnlyStrippedWhenConfigured(String raw) {
    assertThatThrownBy(() -> NanpNumber.parse("to", raw, List.of()))
      .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"5125551234\n2024-01-01 ERROR forged", "\u0000\u0001"})
  void errorsNeverEchoControlCharacters(String raw) {
    assertThatThrownBy(() -> NanpNumber.parse("to", raw, VICIDIAL))
      .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("\u0000"));
  }

  @ParameterizedTest
  @CsvSource({"5125551234, 512", "9195551234, 919"})
  void theAreaCodeIsTheFirstThreeDigits(String raw, String npa) {
    assertThat(NanpNumber.parse("to", raw, VICIDIAL).areaCode()).isEqualTo(npa);
  }
}
