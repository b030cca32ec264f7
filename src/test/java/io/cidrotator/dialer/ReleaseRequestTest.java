package io.cidrotator.dialer;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static io.cidrotator.dialer.DialerParameters.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

/** The end of a call, parsed once for HTTP and FastAGI, and its body on the bus. */
class ReleaseRequestTest {

  private static final String RESERVATION = "019a2b3c-4d5e-7f60-8a1b-2c3d4e5f6a7b";
  private static final String CALL_KEY = "V1260930150000012345";
  private static final String NOTHING_NAMES_THE_CALL =
    "caller_id: required query parameter is missing (or give uid, or callkey with VICIdial's call id)";

  private static ReleaseRequest parse(String... namesAndValues) {
    return ReleaseRequest.parse(DialerParameters.of(namesAndValues));
  }

  @Test
  void everyParameterIsRead() {
    ReleaseRequest request = parse("caller_id", "5125550100", "reservation", RESERVATION, "callkey", CALL_KEY,
      "uid", "1732612345.123", "dialstatus", "ANSWER", "answered", "42", "cause", "16");

    assertThat(request).isEqualTo(new ReleaseRequest("5125550100", RESERVATION,
      new CallIdentity(CALL_KEY, "1732612345.123"), new CallEnd("ANSWER", 42, 16)));
  }

  @Test
  void theCallerIdIsReducedToItsTenDigits() {
    assertThat(parse("caller_id", "+1 (512) 555-0100").callerId()).isEqualTo("5125550100");
  }

  @Test
  void aCallerIdWithAnOutsideLinePrefixIsRefusedBecauseOnlyDestinationsCarryOne() {
    assertRefused(() -> parse("caller_id", "915125550100"), 400,
      "caller_id: '915125550100' is not a 10-digit NANP number");
  }

  @ParameterizedTest
  @CsvSource({"callkey, " + CALL_KEY, "callkey, VB260930150000012345", "uid, 1732612345.123"})
  void theCallKeyOrTheUidAloneNameTheCall(String name, String value) {
    ReleaseRequest request = parse(name, value);

    assertThat(request.callerId()).isNull();
    assertThat(name.equals("callkey") ? request.callKey() : request.uid()).isEqualTo(value);
    assertThat(request.end()).isEqualTo(CallEnd.UNKNOWN);
  }

  @Test
  void nothingNamingTheCallIs422() {
    assertRefused(() -> parse("dialstatus", "ANSWER"), 422, NOTHING_NAMES_THE_CALL);
  }

  @Test
  void emptyNamesOfTheCallAre422LikeAbsentOnes() {
    assertRefused(() -> parse("caller_id", "", "callkey", "", "uid", ""), 422, NOTHING_NAMES_THE_CALL);
  }

  @ParameterizedTest
  @ValueSource(strings = {"Alice Desk Phone", "SIP/1001", "V126093015"})
  void aCallKeyThatIsNoVicidialCallIdIsDroppedNotRefused(String callKey) {
    assertThat(parse("uid", "1732612345.123", "callkey", callKey).callKey()).isNull();
  }

  @Test
  void aCallKeyThatIsNoVicidialCallIdDoesNotNameTheCall() {
    assertRefused(() -> parse("callkey", "Alice Desk Phone"), 422, NOTHING_NAMES_THE_CALL);
  }

  @Test
  void emptyOptionalValuesAreReadAsAbsentAsAnUnsetDialplanVariableArrives() {
    ReleaseRequest request = parse("caller_id", "5125550100", "reservation", "", "callkey", "", "uid", "",
      "dialstatus", "", "answered", "", "cause", "");

    assertThat(request).isEqualTo(new ReleaseRequest("5125550100", null, CallIdentity.ANONYMOUS, CallEnd.UNKNOWN));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "caller_id|1234|caller_id: '1234' is not a 10-digit NANP number",
    "caller_id|5121550100|caller_id: '5121550100' is not a NANP number (area code and exchange must start with 2-9)",
    "reservation|not-a-reservation|reservation: not a reservation id as /next-cid returns it",
    "reservation|019A2B3C-4D5E-7F60-8A1B-2C3D4E5F6A7B|reservation: not a reservation id as /next-cid returns it",
    "dialstatus|answer|dialstatus: an Asterisk DIALSTATUS such as ANSWER or BUSY, got 'answer'",
    "answered|-1|answered: must be an integer from 0 to 604800, got '-1'",
    "answered|forty|answered: must be an integer from 0 to 604800, got 'forty'",
    "cause|128|cause: must be an integer from 0 to 127, got '128'",
    "uid|a b|uid: at most 64 printable characters without spaces"})
  void anInvalidValueIs400NamingItsParameter(String name, String value, String message) {
    String[] params = name.equals("caller_id")
      ? new String[] {"caller_id", value}
      : new String[] {"caller_id", "5125550100", name, value};

    assertRefused(() -> parse(params), 400, message);
  }

  @Test
  void toJsonIsTheBodyOfTheReleaseMessage() {
    JsonObject body = parse("caller_id", "5125550100", "reservation", RESERVATION, "dialstatus", "BUSY",
      "answered", "0", "cause", "17").toJson();

    assertThat(body).isEqualTo(new JsonObject()
      .put("caller_id", "5125550100")
      .put("reservation", RESERVATION)
      .putNull("callkey")
      .putNull("uid")
      .put("dialstatus", "BUSY")
      .put("answered", 0)
      .put("cause", 17));
  }

  @Test
  void fromJsonReadsBackWhatToJsonWrote() {
    ReleaseRequest full = parse("caller_id", "5125550100", "reservation", RESERVATION, "callkey", CALL_KEY,
      "uid", "1732612345.123", "dialstatus", "ANSWER", "answered", "42", "cause", "16");
    ReleaseRequest byUid = parse("uid", "1732612345.123");

    assertThat(ReleaseRequest.fromJson(full.toJson())).isEqualTo(full);
    assertThat(ReleaseRequest.fromJson(byUid.toJson())).isEqualTo(byUid);
  }

  @Test
  void ofANumberAloneEndsWhateverReservationItHoldsWithAnUnknownEnd() {
    assertThat(ReleaseRequest.of("5125550100"))
      .isEqualTo(new ReleaseRequest("5125550100", null, CallIdentity.ANONYMOUS, CallEnd.UNKNOWN));
  }

  @Test
  void namingPrefersTheCallerIdThenTheCallKeyThenTheUid() {
    assertThat(parse("caller_id", "5125550100", "callkey", CALL_KEY, "uid", "1.2").naming())
      .isEqualTo("caller_id 5125550100");
    assertThat(parse("callkey", CALL_KEY, "uid", "1.2").naming()).isEqualTo("callkey " + CALL_KEY);
    assertThat(parse("uid", "1.2").naming()).isEqualTo("uid 1.2");
  }
}
