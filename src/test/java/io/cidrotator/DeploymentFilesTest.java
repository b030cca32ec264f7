package io.cidrotator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deployment files, read as Docker would read them (no Docker engine runs here): every setting reaches the
 * container, PostgreSQL and Redis stay off the host's ports, Redis never evicts and keeps its data, the image runs
 * as a fixed unprivileged uid, and the build context leaves local data out.
 */
class DeploymentFilesTest {

  private static final Pattern SETTING_LINE = Pattern.compile("(?m)^(?:# )?([A-Z][A-Z_]+)=");

  @Test
  void everySettingTheServerReadsIsInEnvExample() throws IOException {
    String text = Files.readString(Path.of(".env.example"));
    List<String> lines = new ArrayList<>();
    Matcher m = SETTING_LINE.matcher(text);
    while (m.find()) {
      lines.add(m.group(1));
    }

    // A line each (commented: its default), or, for the compose file's own wiring, named in a comment as KEY=.
    assertThat(AppConfig.KEYS).allSatisfy(key -> assertThat(text).as(".env.example").contains(key + "="));
    assertThat(lines).contains("ADMIN_TOKEN", "POSTGRES_PASSWORD", "LOG_LEVEL", "JAVA_OPTS");
  }

  @Test
  void theApiGetsEnvAndTheDatabasesAreNotPublished() throws IOException {
    JsonNode services = compose().get("services");

    assertThat(services.get("api").get("env_file").toString()).contains(".env");
    assertThat(services.get("api").get("ports").toString()).doesNotContain("\"8000:8000\"").contains("127.0.0.1:8000");
    assertThat(services.get("postgres").has("ports")).as("postgres published on the host").isFalse();
    assertThat(services.get("redis").has("ports")).as("redis published on the host").isFalse();
  }

  @Test
  void redisNeverEvictsAndKeepsAnAppendOnlyFile() throws IOException {
    String command = compose().get("services").get("redis").get("command").toString();

    assertThat(command).contains("\"--maxmemory-policy\",\"noeviction\"").contains("\"--appendonly\",\"yes\"");
  }

  @Test
  void theStopGraceOfComposeExceedsTheServersOwn() throws IOException {
    String grace = compose().get("services").get("api").get("stop_grace_period").asText();

    assertThat(Integer.parseInt(grace.replace("s", ""))).isGreaterThan(10);
  }

  @Test
  void theImageRunsAsUid10001AndTheBuildContextLeavesLocalDataOut() throws IOException {
    String dockerfile = Files.readString(Path.of("Dockerfile"));
    List<String> ignored = Files.readAllLines(Path.of(".dockerignore"));

    assertThat(dockerfile).contains("useradd --system --uid 10001").contains("USER 10001");
    assertThat(ignored).contains("data/", "target/", ".env");
  }

  private static JsonNode compose() throws IOException {
    return new ObjectMapper(new YAMLFactory()).readTree(Path.of("docker-compose.yml").toFile());
  }
}
