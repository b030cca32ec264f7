package io.cidrotator.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.cidrotator.http.Api;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The monitoring kit in conf/: the Prometheus alert rules and the Grafana dashboard parse, are complete (a severity,
 * a summary and a description on each rule; a query on each panel), and every metric they name exists in /metrics of
 * a running server once it has allocated, released and flagged. With promtool installed (Debian's prometheus; .ci/run
 * installs it), promtool checks the rules and the dashboard's queries too.
 */
class MonitoringFilesTest {

  @RegisterExtension
  static final Api api = new Api();

  private static final Path ALERTS = Path.of("conf/prometheus/alerts.yml");
  private static final Path DASHBOARD = Path.of("conf/grafana/cid-rotator.json");
  /** Our metrics' names (Prometheus's own, such as up, are not in /metrics). */
  private static final Pattern METRIC = Pattern.compile("\\b(?:cidrotator|vertx)_[a-z0-9_]+\\b");

  @TempDir
  Path temp;

  @Test
  void everyAlertRuleIsComplete() throws IOException {
    List<JsonNode> rules = alertRules();

    assertThat(rules).hasSizeGreaterThanOrEqualTo(10);
    Set<String> names = new HashSet<>();
    for (JsonNode rule : rules) {
      String name = rule.path("alert").asText();
      assertThat(name).as("alert name").matches("CidRotator[A-Za-z]+");
      assertThat(names.add(name)).as(name + " is unique").isTrue();
      assertThat(rule.path("expr").asText()).as(name).isNotBlank();
      assertThat(rule.path("labels").path("severity").asText()).as(name).isIn("critical", "warning", "info");
      assertThat(rule.path("annotations").path("summary").asText()).as(name).isNotBlank();
      assertThat(rule.path("annotations").path("description").asText()).as(name).isNotBlank();
    }
  }

  @Test
  void everyDashboardPanelHasAQueryAndAPlace() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());

    assertThat(dashboard.path("uid").asText()).isEqualTo("cid-rotator");
    assertThat(dashboard.path("__inputs").get(0).path("pluginId").asText()).isEqualTo("prometheus");
    Set<Integer> ids = new HashSet<>();
    int queries = 0;
    for (JsonNode panel : dashboard.path("panels")) {
      assertThat(ids.add(panel.path("id").asInt())).as("unique panel id").isTrue();
      assertThat(panel.path("gridPos").path("w").asInt()).isBetween(1, 24);
      if (panel.path("type").asText().equals("row")) {
        continue;
      }
      assertThat(panel.path("title").asText()).isNotBlank();
      assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
      for (JsonNode target : panel.path("targets")) {
        assertThat(target.path("expr").asText()).isNotBlank();
        queries++;
      }
    }
    assertThat(queries).isGreaterThanOrEqualTo(12);
  }

  @Test
  void everyMetricTheyNameIsInTheMetricsOfARunningServer() throws IOException {
    Set<String> named = new TreeSet<>();
    List<String> expressions = new ArrayList<>(alertRules().stream().map(rule -> rule.path("expr").asText()).toList());
    expressions.addAll(dashboardQueries());
    for (String expr : expressions) {
      Matcher m = METRIC.matcher(expr);
      while (m.find()) {
        named.add(m.group());
      }
    }
    exerciseEveryMetric();

    Set<String> exposed = PrometheusText.parse(api.get("/metrics").bodyAsString()).names();

    assertThat(named).hasSizeGreaterThanOrEqualTo(10);
    assertThat(exposed).containsAll(named);
  }

  @Test
  void promtoolChecksTheRulesAndTheDashboardsQueries() throws Exception {
    assumeTrue(onPath("promtool"), "promtool is not installed (apt-get install prometheus)");
    assertThat(promtool(ALERTS)).isEqualTo("");

    // The dashboard's queries as recording rules: promtool parses each ($pool stands for every pool).
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
    List<String> queries = dashboardQueries();
    for (int i = 0; i < queries.size(); i++) {
      rules.append("      - record: dashboard:query").append(i).append("\n        expr: '")
        .append(queries.get(i).replace("$pool", ".*").replace("'", "''")).append("'\n");
    }
    Path file = temp.resolve("dashboard-queries.yml");
    Files.writeString(file, rules);
    assertThat(promtool(file)).isEqualTo("");
  }

  private static List<JsonNode> alertRules() throws IOException {
    List<JsonNode> rules = new ArrayList<>();
    new YAMLMapper().readTree(ALERTS.toFile()).path("groups")
      .forEach(group -> group.path("rules").forEach(rules::add));
    return rules;
  }

  private static List<String> dashboardQueries() throws IOException {
    List<String> queries = new ArrayList<>();
    new ObjectMapper().readTree(DASHBOARD.toFile()).path("panels")
      .forEach(panel -> panel.path("targets").forEach(target -> queries.add(target.path("expr").asText())));
    return queries;
  }

  /** Makes the server count what only counts once something happened: allocations, releases, a flag. */
  private static void exerciseEveryMetric() {
    api.reset();
    api.server().seed(IntStream.rangeClosed(1, 3).mapToObj(i -> new JsonObject()
      .put("caller_id", String.format("512555%04d", i))).toList());
    String local = api.allocate("5125551234");
    api.get("/release", "caller_id", local, "dialstatus", "ANSWER", "answered", "20");
    api.release(api.allocate("2125551234"));
    api.admin(HttpMethod.POST, "/api/caller-ids/5125550003/flags").sendJsonObject(new JsonObject()
      .put("source", "Hiya")).await();
    api.awaitHistoryWritten();
  }

  /** promtool's complaints about {@code file}; empty when it passes. */
  private static String promtool(Path file) throws IOException, InterruptedException {
    Process process = new ProcessBuilder("promtool", "check", "rules", file.toString()).redirectErrorStream(true)
      .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return process.exitValue() == 0 ? "" : output;
  }

  private static boolean onPath(String tool) {
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
      .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
  }
}
