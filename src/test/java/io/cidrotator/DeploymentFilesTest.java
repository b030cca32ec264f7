package io.cidrotator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import at.favre.lib.crypto.bcrypt.BCrypt;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deployment files, read as Docker would read them (no Docker engine runs here): every setting reaches the
 * container, PostgreSQL and Redis stay off the host's ports, Redis never evicts and keeps its data, the image runs
 * as a fixed unprivileged uid, its arguments reach the jar, and the build context leaves local data out.
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

  /**
   * The image's ENTRYPOINT run by sh as Docker runs it, with the jar's classes in place of /app/cid-rotator.jar:
   * {@code docker compose run api hash-password NAME ROLE} reaches the jar's hash-password command.
   */
  @Test
  void theImagesEntrypointPassesItsArgumentsToTheJar() throws Exception {
    Matcher entrypoint = Pattern.compile("(?m)^ENTRYPOINT (\\[.*])$").matcher(Files.readString(Path.of("Dockerfile")));
    assertThat(entrypoint.find()).as("an exec-form ENTRYPOINT in the Dockerfile").isTrue();
    List<String> command = new ArrayList<>();
    new ObjectMapper().readTree(entrypoint.group(1)).forEach(part -> command.add(part.asText()
      .replace("-jar /app/cid-rotator.jar", "-cp '" + System.getProperty("java.class.path") + "' "
        + CidRotator.class.getName())
      .replace("exec java ", "exec '" + ProcessHandle.current().info().command().orElseThrow() + "' ")));
    command.addAll(List.of("hash-password", "op.alice", "admin"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("JAVA_OPTS", "-XX:MaxRAMPercentage=75");
    Process process = builder.start();
    try (var stdin = process.getOutputStream()) {
      stdin.write("a long passphrase\n".getBytes(StandardCharsets.UTF_8));
    }
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the entrypoint's command finished").isTrue();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();

    assertThat(process.exitValue()).as(out).isZero();
    assertThat(out).startsWith("op.alice:admin:$2a$12$");
    assertThat(BCrypt.verifyer().verify("a long passphrase".toCharArray(), out.substring("op.alice:admin:".length()))
      .verified).isTrue();
  }

  private static JsonNode compose() throws IOException {
    return new ObjectMapper(new YAMLFactory()).readTree(Path.of("docker-compose.yml").toFile());
  }
}
