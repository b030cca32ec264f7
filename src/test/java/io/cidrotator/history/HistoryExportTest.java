package io.cidrotator.history;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.cidrotator.TestServer;
import io.cidrotator.auth.RoleTokens;
import io.cidrotator.http.Api;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GET /api/history/export (viewer): the allocations of a range of days in TIMEZONE (America/Chicago for the test
 * server) as CSV, streamed page by page in allocated_at order.
 */
class HistoryExportTest {

  private static final String HEADER = "allocation_id,allocated_at,released_at,caller_id,destination,area_code,pool,"
    + "campaign,agent,tier,outcome,dial_status,answered_seconds,hangup_cause,call_key,uid,lead_id\n";

  @RegisterExtension
  static final Api api = new Api(RoleTokens.serverSettings());

  @BeforeEach
  void emptyHistory() {
    api.reset();
  }

  /** GET /api/history/export as a viewer, with the query parameters given as name, value pairs. */
  private static HttpResponse<Buffer> export(String... params) {
    HttpRequest<Buffer> request = api.anonymous(HttpMethod.GET, "/api/history/export")
      .putHeader("Authorization", RoleTokens.bearer("vera"));
    for (int i = 0; i < params.length; i += 2) {
      request.addQueryParam(params[i], params[i + 1]);
    }
    return request.send().await();
  }

  private static String ok(String... params) {
    HttpResponse<Buffer> response = export(params);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).isEqualTo("text/csv; charset=utf-8");
    return response.bodyAsString();
  }

  /** One history row straight into PostgreSQL, not released; its id. */
  private static UUID allocation(String allocatedAt, String campaign) {
    UUID id = UUID.randomUUID();
    api.rows("""
        INSERT INTO allocations (id, caller_id, destination, area_code, campaign, agent, tier, pool, allocated_at)
        VALUES ($1, '5125550100', '7135551234', '713', $2, 'agent-7', 'pool', 'default', $3)
        """, id, campaign, OffsetDateTime.parse(allocatedAt));
    return id;
  }

  private static ZoneId zone() {
    return api.server().config.timezone();
  }

  private static List<List<String>> parse(String csv) throws IOException {
    try (MappingIterator<List<String>> rows = new CsvMapper()
      .readerForListOf(String.class)
      .with(CsvParser.Feature.WRAP_AS_ARRAY)
      .readValues(csv)) {
      return rows.readAll();
    }
  }

  @Test
  void anAllocationAndItsReleaseFromTheDialerRoutesAreExportedInLocalTime() {
    api.server().seed(TestServer.numbers("512", 1));
    JsonObject allocated = api.nextCid("to", "915125551234", "campaign", "sales", "agent", "alice",
      "uid", "1767225600.42").bodyAsJsonObject();
    assertThat(api.get("/release", "caller_id", "5125550100", "dialstatus", "ANSWER", "answered", "42",
      "cause", "16").statusCode()).isEqualTo(200);
    api.awaitHistoryWritten();
    Row row = api.rows("SELECT allocated_at, released_at FROM allocations").get(0);
    OffsetDateTime allocatedAt = row.getOffsetDateTime("allocated_at");
    DateTimeFormatter local = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX");
    LocalDate day = allocatedAt.atZoneSameInstant(zone()).toLocalDate();

    String csv = ok("from", day.toString());

    assertThat(csv).isEqualTo(HEADER + String.join(",", allocated.getString("reservation"),
      allocatedAt.atZoneSameInstant(zone()).format(local),
      row.getOffsetDateTime("released_at").atZoneSameInstant(zone()).format(local),
      "5125550100", "5125551234", "512", "default", "sales", "alice", "prefix", "released", "ANSWER", "42", "16",
      "", "1767225600.42", "") + "\n");
  }

  @Test
  void aDayRunsFromMidnightToMidnightInTheServersTimezoneAcrossAClockChange() {
    // 2026-03-08 in Chicago: CST (-06:00) until 02:00, CDT (-05:00) after; a day of 23 hours.
    allocation("2026-03-07T23:59:59.999-06:00", "sales");
    UUID first = allocation("2026-03-08T00:00:00-06:00", "sales");
    UUID last = allocation("2026-03-08T23:59:59.999-05:00", "sales");
    allocation("2026-03-09T00:00:00-05:00", "sales");

    HttpResponse<Buffer> response = export("from", "2026-03-08");

    assertThat(response.getHeader("Content-Disposition"))
      .isEqualTo("attachment; filename=history-2026-03-08-to-2026-03-08.csv");
    assertThat(response.bodyAsString()).isEqualTo(HEADER
      + first + ",2026-03-08T00:00:00.000-06:00,,5125550100,7135551234,713,default,sales,agent-7,pool,,,,,,,\n"
      + last + ",2026-03-08T23:59:59.999-05:00,,5125550100,7135551234,713,default,sales,agent-7,pool,,,,,,,\n");
  }

  @Test
  void toIncludesItsDayAndTheRowsComeInAllocatedAtOrder() {
    UUID third = allocation("2026-03-12T23:00:00-05:00", "sales");
    UUID first = allocation("2026-03-10T00:00:00-05:00", "sales");
    UUID second = allocation("2026-03-11T12:00:00-05:00", "sales");
    allocation("2026-03-13T00:00:00-05:00", "sales");

    HttpResponse<Buffer> response = export("from", "2026-03-10", "to", "2026-03-12");

    assertThat(response.getHeader("Content-Disposition"))
      .isEqualTo("attachment; filename=history-2026-03-10-to-2026-03-12.csv");
    assertThat(response.bodyAsString().lines().skip(1).map(line -> line.substring(0, 36)))
      .containsExactly(first.toString(), second.toString(), third.toString());
  }

  @Test
  void aCampaignExportsOnlyItsAllocations() {
    allocation("2026-03-10T10:00:00-05:00", "retention");
    UUID sales = allocation("2026-03-10T11:00:00-05:00", "sales");
    allocation("2026-03-10T12:00:00-05:00", null);

    String csv = ok("from", "2026-03-10", "campaign", "sales");

    assertThat(csv.lines().skip(1)).singleElement().asString().startsWith(sales + ",");
  }

  @Test
  void aCampaignWithACommaAndAQuoteIsQuotedInItsCellAndFiltersAsSent() throws IOException {
    api.server().seed(TestServer.numbers("512", 2));
    String campaign = "north,\"vip\"";
    String id = api.nextCid("to", "5125551234", "campaign", campaign).bodyAsJsonObject().getString("reservation");
    api.nextCid("to", "5125551235", "campaign", "north");
    api.awaitHistoryWritten();
    LocalDate day = api.rows("SELECT allocated_at FROM allocations WHERE id = $1", UUID.fromString(id)).get(0)
      .getOffsetDateTime("allocated_at").atZoneSameInstant(zone()).toLocalDate();

    String csv = ok("from", day.toString(), "campaign", campaign);

    assertThat(csv).startsWith(HEADER + id + ",").contains(",default,\"north,\"\"vip\"\"\",,prefix,");
    List<List<String>> rows = parse(csv);
    assertThat(rows).hasSize(2);
    assertThat(rows.get(1).get(7)).isEqualTo(campaign);
  }

  @Test
  void moreRowsThanAPageComeEachOnceInAllocatedAtThenIdOrder() {
    // Three rows a millisecond: a page can end between rows of the same allocated_at, which the id then orders.
    int count = 2 * HistoryExportRoutes.PAGE;
    api.rows("""
        INSERT INTO allocations (id, caller_id, destination, area_code, campaign, tier, pool, allocated_at)
        SELECT gen_random_uuid(), '5125550100', '7135551234', '713', 'sales', 'pool', 'default',
               timestamptz '2026-03-10 08:00:00-05' + (i / 3) * interval '1 millisecond'
        FROM generate_series(0, $1::int - 1) i
        """, count);
    List<String> expected = api.rows("SELECT id FROM allocations ORDER BY allocated_at, id").stream()
      .map(row -> row.getUUID("id").toString())
      .toList();

    String csv = ok("from", "2026-03-10");

    assertThat(csv).startsWith(HEADER);
    assertThat(csv.lines().skip(1).map(line -> line.substring(0, 36)).toList()).hasSize(count).isEqualTo(expected);
  }

  @Test
  void ninetyThreeDaysAreOneExport() {
    HttpResponse<Buffer> response = export("from", "2026-01-01", "to", "2026-04-03");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Disposition"))
      .isEqualTo("attachment; filename=history-2026-01-01-to-2026-04-03.csv");
    assertThat(response.bodyAsString()).isEqualTo(HEADER);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "?to=2026-03-08|from: required, the first day as YYYY-MM-DD",
    "?from=|from: required, the first day as YYYY-MM-DD",
    "?from=2026-02-30|from: must be a date as YYYY-MM-DD, got '2026-02-30'",
    "?from=03/08/2026|from: must be a date as YYYY-MM-DD, got '03/08/2026'",
    "?from=2026-03-08&to=2026-3-9|to: must be a date as YYYY-MM-DD, got '2026-3-9'",
    "?from=2026-03-08&to=2026-03-07|to: 2026-03-07 is before from (2026-03-08)",
    "?from=2026-01-01&to=2026-04-04|to: at most 93 days in one export, 2026-01-01 to 2026-04-04 is 94; export it in parts",
    "?from=2026-03-08&campaign=two%20words|campaign: at most 64 printable characters without spaces",
    "?from=2026-03-08&day=2026-03-08|day: unknown query parameter (allowed: campaign, from, to)"})
  void badParametersAre400NamingThem(String queryAndDetail) {
    String[] parts = queryAndDetail.split("\\|");

    HttpResponse<Buffer> response = api.anonymous(HttpMethod.GET, "/api/history/export" + parts[0])
      .putHeader("Authorization", RoleTokens.bearer("vera"))
      .send()
      .await();

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject().put("detail", parts[1]));
  }

  @Test
  void exportWithoutTokenIsA401() {
    HttpResponse<Buffer> response = api.anonymous(HttpMethod.GET, "/api/history/export?from=2026-03-08").send().await();

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.bodyAsJsonObject().getString("detail")).isNotBlank();
  }
}
