package io.cidrotator.dialer;

import io.cidrotator.phone.NanpNumber;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static io.cidrotator.dialer.DialerParameters.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

/** The dialer's request for a caller-ID, parsed once for HTTP and FastAGI, and its body on the bus. */
class AllocationRequestTest {

  private static final List<String> VICIDIAL = List.of("9");
  private static final String CALL_KEY = "V1260930150000012345";

  private static AllocationRequest parse(String... namesAndValues) {
    return AllocationRequest.parse(DialerParameters.of(namesAndValues), VICIDIAL);
  }

  @Test
  void everyParameterIsRead() {
    AllocationRequest request = parse("to", "5125551234", "campaign", "sales", "agent", "1001", "callkey", CALL_KEY,
      "uid", "1732612345.123");

    assertThat(request).isEqualTo(new AllocationRequest(new NanpNumber("5125551234"), "sales", "1001",
      new CallIdentity(CALL_KEY, "1732612345.123")));
  }

  @Test
  void onlyToIsRequiredAndTheOthersAreNullWhenAbsent() {
    assertThat(parse("to", "5125551234"))
      .isEqualTo(new AllocationRequest(new NanpNumber("5125551234"), null, null, CallIdentity.ANONYMOUS));
  }

  @Test
  void emptyValuesAreReadAsAbsent() {
    AllocationRequest request = parse("to", "5125551234", "campaign", "", "agent", "", "callkey", "", "uid", "");

    assertThat(request).isEqualTo(new AllocationRequest(new NanpNumber("5125551234"), null, null, CallIdentity.ANONYMOUS));
  }

  @ParameterizedTest
  @CsvSource({
    "915125551234, 5125551234",
    "95125551234, 5125551234",
    "15125551234, 5125551234",
    "+1 (512) 555-1234, 5125551234"})
  void theDialPrefixAndTheCountryCodeAreStrippedFromTo(String to, String digits) {
    assertThat(parse("to", to).destination()).isEqualTo(new NanpNumber(digits));
  }

  @Test
  void onlyTheConfiguredDialPrefixesAreStripped() {
    AllocationRequest request = AllocationRequest.parse(DialerParameters.of("to", "7715125551234"), List.of("77"));

    assertThat(request.destination()).isEqualTo(new NanpNumber("5125551234"));
    assertRefused(() -> AllocationRequest.parse(DialerParameters.of("to", "7715125551234"), List.of("9")), 400,
      "to: '7715125551234' is not a 10-digit NANP number");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " "})
  void aMissingOrBlankToIs422(String to) {
    assertRefused(() -> parse("to", to), 422, "to: required query parameter is missing");
  }

  @Test
  void noToAtAllIs422() {
    assertRefused(() -> parse("campaign", "sales"), 422, "to: required query parameter is missing");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "abc|to: no digits in 'abc'",
    "1234|to: '1234' is not a 10-digit NANP number",
    "5121551234|to: '5121551234' is not a NANP number (area code and exchange must start with 2-9)"})
  void aToThatIsNoNanpNumberIs400NamingTo(String to, String message) {
    assertRefused(() -> parse("to", to), 400, message);
  }

  @ParameterizedTest
  @CsvSource({"campaign, sales floor", "agent, agent\t7", "uid, 1732612345 123"})
  void aNameWithASpaceOrAControlCharacterIs400NamingIt(String name, String value) {
    assertRefused(() -> parse("to", "5125551234", name, value), 400,
      name + ": at most 64 printable characters without spaces");
  }

  @Test
  void aCampaignOfSixtyFiveCharactersIs400NamingIt() {
    assertRefused(() -> parse("to", "5125551234", "campaign", "c".repeat(65)), 400,
      "campaign: at most 64 printable characters without spaces");
  }

  @Test
  void theFirstInvalidParameterIsTheOneNamed() {
    assertRefused(() -> parse("to", "5125551234", "campaign", "a b", "agent", "c d"), 400,
      "campaign: at most 64 printable characters without spaces");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Alice Desk Phone", "SIP/1001", "1732612345.123", "V126093015"})
  void aCallKeyThatIsNoVicidialCallIdIsDroppedNotRefused(String callKey) {
    assertThat(parse("to", "5125551234", "callkey", callKey).callKey()).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {CALL_KEY, "VB260930150000012345", "M1260930150000000042", "V11260930150000012345"})
  void aVicidialCallIdIsKeptAsTheCallKeyTheLetterMonthFormToo(String callKey) {
    assertThat(parse("to", "5125551234", "callkey", callKey).callKey()).isEqualTo(callKey);
  }

  @Test
  void toJsonIsTheBodyOfTheAllocationMessage() {
    JsonObject body = parse("to", "915125551234", "campaign", "sales", "agent", "1001", "callkey", CALL_KEY,
      "uid", "1732612345.123").toJson();

    assertThat(body).isEqualTo(new JsonObject()
      .put("to", "5125551234")
      .put("campaign", "sales")
      .put("agent", "1001")
      .put("callkey", CALL_KEY)
      .put("uid", "1732612345.123"));
  }

  @Test
  void toJsonCarriesAbsentParametersAsNulls() {
    assertThat(parse("to", "5125551234").toJson()).isEqualTo(new JsonObject()
      .put("to", "5125551234")
      .putNull("campaign")
      .putNull("agent")
      .putNull("callkey")
      .putNull("uid"));
  }

  @Test
  void fromJsonReadsBackWhatToJsonWrote() {
    AllocationRequest request = parse("to", "5125551234", "campaign", "sales", "agent", "1001", "callkey", CALL_KEY,
      "uid", "1732612345.123");

    assertThat(AllocationRequest.fromJson(request.toJson())).isEqualTo(request);
    AllocationRequest bare = parse("to", "5125551234");
    assertThat(AllocationRequest.fromJson(bare.toJson())).isEqualTo(bare);
  }

  @Test
  void fromJsonIgnoresTheDeadlineTheClientAdds() {
    AllocationRequest request = parse("to", "5125551234", "agent", "1001");

    assertThat(AllocationRequest.fromJson(request.toJson().put("deadline", 1_764_086_400_000L))).isEqualTo(request);
  }
}
