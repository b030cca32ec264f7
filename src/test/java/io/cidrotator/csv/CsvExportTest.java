package io.cidrotator.csv;

import io.cidrotator.auth.RoleTokens;
import io.cidrotator.http.Api;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** GET /api/caller-ids/export (viewer): the inventory as CSV in the import's columns, streamed page by page. */
class CsvExportTest {

  @RegisterExtension
  static final Api api = new Api(new JsonObject().put("SECRET_KEY", RoleTokens.SECRET_KEY));

  @BeforeEach
  void emptyInventory() {
    api.reset();
  }

  @Test
  void exportAnswersEveryNumberInTheImportsColumns() {
    api.rows("INSERT INTO pools (name) VALUES ('sales')");
    importCsv(CsvImportTest.HEADER
      + "5125550100,\"Telnyx, Inc.\",512,20,150,sales,false,\"{\"\"region\"\":\"\"tx\"\"}\"\n"
      + "7375550101,,,,,,,\n");

    HttpResponse<Buffer> response = export(api.server().bearer());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).isEqualTo("text/csv; charset=utf-8");
    assertThat(response.getHeader("Content-Disposition")).isEqualTo("attachment; filename=caller-ids.csv");
    assertThat(response.bodyAsString()).isEqualTo(CsvImportTest.EXPORT_HEADER
      + "5125550100,\"Telnyx, Inc.\",512,20,150,sales,false,\"{\"\"region\"\":\"\"tx\"\"}\",\n"
      + "7375550101,,737,,,default,true,{},\n");
  }

  @Test
  void anEmptyInventoryExportsTheHeaderAlone() {
    HttpResponse<Buffer> response = export(api.server().bearer());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsString()).isEqualTo(CsvImportTest.EXPORT_HEADER);
  }

  @Test
  void aViewerCanExport() {
    importCsv(CsvImportTest.HEADER + "5125550100,telnyx,,,,,,\n");

    HttpResponse<Buffer> response = export(RoleTokens.bearer("vera", "viewer"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsString()).endsWith("5125550100,telnyx,512,,,default,true,{},\n");
  }

  @Test
  void exportWithoutTokenIsA401() {
    HttpResponse<Buffer> response = api.anonymous(HttpMethod.GET, "/api/caller-ids/export").send().await();

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.bodyAsJsonObject().getString("detail")).isNotBlank();
  }

  @Test
  void importingAnExportChangesNothing() {
    api.rows("INSERT INTO pools (name) VALUES ('sales')");
    StringBuilder csv = new StringBuilder(CsvImportTest.EXPORT_HEADER);
    for (int i = 0; i < 5_000; i++) {
      csv.append(String.format("%d555%04d,%s,%s,%s,,%s,%s,%s,%s\n", 201 + i / 1_000, i % 1_000,
        i % 3 == 0 ? "" : "\"carrier, \"\"" + i % 7 + "\"\"\"", i % 5 == 0 ? "512" : "", i % 4 == 0 ? "" : i % 50 + 1,
        i % 2 == 0 ? "sales" : "", i % 6 == 0 ? "no" : "", i % 9 == 0 ? "\"{\"\"n\"\":" + i + "}\"" : "",
        i % 11 == 0 ? "3125 31" : ""));
    }
    assertThat(importCsv(csv.toString()).bodyAsJsonObject().getInteger("inserted")).isEqualTo(5_000);

    HttpResponse<Buffer> exported = export(api.server().bearer());
    HttpResponse<Buffer> reimported = importCsv(exported.bodyAsString());

    assertThat(exported.bodyAsString().lines()).hasSize(5_001);
    assertThat(reimported.bodyAsJsonObject())
      .isEqualTo(CsvImportTest.counts(0, 0, 5_000, 0).put("rejected_rows", new JsonArray()));
  }

  private static HttpResponse<Buffer> export(String authorization) {
    return api.anonymous(HttpMethod.GET, "/api/caller-ids/export")
      .putHeader("Authorization", authorization)
      .send()
      .await();
  }

  private static HttpResponse<Buffer> importCsv(String csv) {
    HttpResponse<Buffer> response = api.admin(HttpMethod.POST, "/api/caller-ids/import")
      .putHeader("Content-Type", "text/csv")
      .sendBuffer(Buffer.buffer(csv))
      .await();
    assertThat(response.statusCode()).isEqualTo(200);
    return response;
  }
}
