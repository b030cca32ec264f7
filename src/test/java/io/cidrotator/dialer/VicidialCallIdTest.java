package io.cidrotator.dialer;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class VicidialCallIdTest {

  @ParameterizedTest
  @CsvSource({
    "V1260930150000012345, auto, 12345",
    "M1260930150000000042, manual, 42",
    "Y1260930159999999999, manual, 9999999999",
    "VB260930150000012345, auto, 12345",
    "V11260930150000012345, auto, 12345"})
  void theCallTypeAndLeadIdAreDecoded(String callId, String type, long leadId) {
    assertThat(VicidialCallId.parse(callId)).isEqualTo(new VicidialCallId(type, leadId));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "V", "X1260930150000012345", "V126093015000001234", "V126093015000001234x",
    "1732612345.123", "v1260930150000012345", "V112609301500000123456"})
  void anythingElseIsNoVicidialCallId(String text) {
    assertThat(VicidialCallId.parse(text)).isNull();
  }
}
