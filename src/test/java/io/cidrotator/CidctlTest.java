package io.cidrotator;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * scripts/cidctl run as an operator would, against a real server and database. It needs curl and psql:
 * .ci/run installs them; on a machine with only a JDK and Maven these tests are skipped, saying why.
 */
class CidctlTest {

  private static TestServer server;

  @TempDir
  Path temp;

  @BeforeAll
  static void start() {
    for (String tool : List.of("curl", "psql", "tar")) {
      assumeTrue(onPath(tool), tool + " is not installed (apt-get install curl postgresql-client)");
    }
    server = TestServer.start(new JsonObject());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static boolean onPath(String tool) {
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
      .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
  }

  @BeforeEach
  void emptyInventory() {
    server.reset();
  }

  record Run(int exit, String out, String err) {
  }

  @Test
  void countPrintsTheInventoryTotals() throws Exception {
    server.seed(TestServer.numbers("512", 3));

    Run run = cidctl("count");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("numbers       3", "active        3", "reserved now  0");
  }

  @Test
  void aWrongTokenFailsWithTheServersReason() throws Exception {
    Run run = cidctl("--token", "wrong-token-wrong-token", "count");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("401", "invalid bearer token");
  }

  @Test
  void backupThenRestoreBringsBackTheInventoryAndRedisFollows() throws Exception {
    server.seed(TestServer.numbers("512", 3));
    Path flags = temp.resolve("flags.csv");
    Files.writeString(flags, "caller_id,source,label\n5125550102,T-Mobile,Scam Likely\n");
    assertThat(cidctl("flag", flags.toString()).exit()).isZero();
    Path backup = temp.resolve("backup.tar.gz");
    assertThat(cidctl("backup", backup.toString()).exit()).isZero();
    server.sql.query("DELETE FROM caller_ids WHERE caller_id = '5125550100'").execute().await();
    server.sql.query("DELETE FROM caller_id_flags").execute().await();
    server.sql.query("UPDATE caller_ids SET is_active = false WHERE caller_id = '5125550101'").execute().await();

    Run run = cidctl("restore", backup.toString(), "--yes");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("loaded 3 numbers into Redis");
    assertThat(server.sql.query("SELECT caller_id FROM caller_ids WHERE is_active ORDER BY caller_id").execute()
      .await()).extracting(row -> row.getString("caller_id"))
      .containsExactly("5125550100", "5125550101", "5125550102");
    assertThat(server.sql.query("SELECT caller_id, label FROM caller_id_flags").execute().await())
      .extracting(row -> row.getString("caller_id") + " " + row.getString("label"))
      .containsExactly("5125550102 Scam Likely");
    assertThat(server.http.get("/next-cid").addQueryParam("to", "5125559999").send().await().statusCode())
      .isEqualTo(200);
  }

  @Test
  void aBackupHoldsEveryTableOfTheSchema() throws Exception {
    String line = Files.readAllLines(Path.of("scripts/cidctl")).stream().filter(l -> l.startsWith("TABLES=("))
      .findFirst().orElseThrow();
    List<String> backedUp = List.of(line.substring("TABLES=(".length(), line.length() - 1).split(" "));

    List<String> tables = new ArrayList<>();
    server.sql.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
      + "AND table_type = 'BASE TABLE' AND table_name <> 'flyway_schema_history'").execute().await()
      .forEach(row -> tables.add(row.getString("table_name")));

    assertThat(backedUp).containsExactlyInAnyOrderElementsOf(tables);
  }

  @Test
  void flagRecordsACsvOfFlagsOrSaysWhichLineIsWrong() throws Exception {
    server.seed(TestServer.numbers("512", 2));
    Path bad = temp.resolve("bad.csv");
    Files.writeString(bad, "caller_id,source\n5125550100,Hiya\n5125550101,\n");
    Path good = temp.resolve("good.csv");
    Files.writeString(good, "caller_id,source\n5125550100,Hiya\n");

    Run refused = cidctl("flag", bad.toString());
    Run recorded = cidctl("flag", good.toString());

    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err()).contains("line 3: source: required");
    assertThat(recorded.exit()).as(recorded.err()).isZero();
    assertThat(recorded.out()).contains("\"flagged\":1");
  }

  @Test
  void aRestoreThatFailsHalfwayChangesNothing() throws Exception {
    server.seed(TestServer.numbers("512", 2));
    Path backup = temp.resolve("backup.tar.gz");
    assertThat(cidctl("backup", backup.toString()).exit()).isZero();
    Path unpacked = Files.createDirectory(temp.resolve("unpacked"));
    run("tar", "-xzf", backup.toString(), "-C", unpacked.toString());
    // A row the table's CHECK refuses, after the good ones: pools are restored before caller_ids fails.
    Files.writeString(unpacked.resolve("caller_ids.csv"), Files.readString(unpacked.resolve("caller_ids.csv"))
      .replace("5125550101", "0005550101"));
    Path broken = temp.resolve("broken.tar.gz");
    run("tar", "-czf", broken.toString(), "-C", unpacked.toString(), "manifest", "pools.csv", "caller_ids.csv",
      "campaigns.csv", "allocations.csv", "audit_log.csv");
    server.seed(TestServer.numbers("713", 1));

    Run run = cidctl("restore", broken.toString(), "--yes");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(server.sql.query("SELECT count(*) FROM caller_ids").execute().await().iterator().next().getLong(0))
      .isEqualTo(3);
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).inheritIO().start();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(String.join(" ", command)).isZero();
  }

  @Test
  void restoreWithoutYesChangesNothing() throws Exception {
    server.seed(TestServer.numbers("512", 1));
    Path backup = temp.resolve("backup.tar.gz");
    cidctl("backup", backup.toString());
    server.seed(TestServer.numbers("713", 1));

    Run run = cidctl("restore", backup.toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(server.sql.query("SELECT count(*) FROM caller_ids").execute().await().iterator().next().getLong(0))
      .isEqualTo(2);
  }

  @Test
  void restoreRefusesAFileThatIsNoBackup() throws Exception {
    Path junk = temp.resolve("junk.tar.gz");
    Files.writeString(junk, "not a backup");

    Run run = cidctl("restore", junk.toString(), "--yes");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("is not a cidctl backup");
  }

  @Test
  void everyCommandIsDescribedByHelpAndAnUnknownOneIsAUsageError() throws Exception {
    Run help = cidctl("--help");
    Run unknown = cidctl("frobnicate");

    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("count", "reservations", "import-sample", "export", "reload", "backup", "restore",
      "hash-password", "flag");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("unknown command 'frobnicate'");
  }

  private Run cidctl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("scripts/cidctl"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    env.put("CIDROTATOR_URL", "http://127.0.0.1:" + server.config.apiPort());
    env.put("ADMIN_TOKEN", TestServer.ADMIN_TOKEN);
    env.remove("POSTGRES_URL");
    env.put("POSTGRES_HOST", server.config.postgresHost());
    env.put("POSTGRES_PORT", Integer.toString(server.config.postgresPort()));
    env.put("POSTGRES_USER", server.config.postgresUser());
    env.put("POSTGRES_PASSWORD", server.config.postgresPassword());
    env.put("POSTGRES_DB", server.config.postgresDb());
    Path out = temp.resolve("out.txt");
    Path err = temp.resolve("err.txt");
    Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("cidctl " + String.join(" ", args) + " did not finish in 60 s");
    }
    return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
      Files.readString(err, StandardCharsets.UTF_8));
  }
}
