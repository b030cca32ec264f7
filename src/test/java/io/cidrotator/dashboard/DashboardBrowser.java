package io.cidrotator.dashboard;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.cidrotator.TestServer;
import io.vertx.core.json.JsonObject;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Stream;

/**
 * What the dashboard's browser tests share: a real server (with a users file of one admin and one viewer) and Debian's
 * headless Chromium driven through chromium-driver (named explicitly: Selenium Manager never looks for, or downloads,
 * a browser), at 1280x900, downloads into a directory of its own, screenshots into target/screenshots; and the steps
 * every test takes (the login form, a view, the token the tab keeps, the console's errors).
 */
final class DashboardBrowser implements AutoCloseable {

  static final String ADMIN = "olivia";
  static final String ADMIN_PASSWORD = "olivia-password";
  static final String VIEWER = "victor";
  static final String VIEWER_PASSWORD = "victor-password";
  /** Why the tests are skipped where Debian's browser is missing (a machine with only a JDK and Maven). */
  static final String MISSING =
    "browser tests need Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver)";
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");

  final TestServer server;
  final ChromeDriver driver;
  final String base;
  final Path downloads;
  private final ChromeDriverService service;
  private final Path profile;

  private DashboardBrowser(TestServer server, ChromeDriverService service, ChromeDriver driver, Path profile,
                           Path downloads) {
    this.server = server;
    this.service = service;
    this.driver = driver;
    this.profile = profile;
    this.downloads = downloads;
    this.base = "http://127.0.0.1:" + server.config.apiPort();
  }

  static boolean installed() {
    return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
  }

  static DashboardBrowser start() throws IOException {
    Path users = Files.createTempFile("dashboard-users", null);
    users.toFile().deleteOnExit();
    Files.writeString(users, String.join("\n",
      ADMIN + ":admin:" + BCrypt.withDefaults().hashToString(4, ADMIN_PASSWORD.toCharArray()),
      VIEWER + ":viewer:" + BCrypt.withDefaults().hashToString(4, VIEWER_PASSWORD.toCharArray())));
    TestServer server = TestServer.start(new JsonObject().put("USERS_FILE", users.toString()));

    Path profile = Files.createTempDirectory("dashboard-chromium");
    ChromeDriverService service = new ChromeDriverService.Builder()
      .usingDriverExecutable(CHROMEDRIVER.toFile())
      .usingAnyFreePort()
      .build();
    ChromeOptions options = new ChromeOptions()
      .setBinary(CHROMIUM.toString())
      .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--window-size=1280,900", "--user-data-dir=" + profile);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    Path downloads = Files.createDirectories(profile.resolve("downloads"));
    options.setExperimentalOption("prefs", Map.of(
      "download.default_directory", downloads.toString(),
      "download.prompt_for_download", false));
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().window().setSize(new Dimension(1280, 900));
    Files.createDirectories(SCREENSHOTS);
    return new DashboardBrowser(server, service, driver, profile, downloads);
  }

  /** The login form of a fresh tab (nothing in its sessionStorage); answers the wait the test goes on with. */
  WebDriverWait signedOut() {
    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(10));
    driver.get(base + "/");
    driver.executeScript("sessionStorage.clear()");
    driver.get(base + "/#overview");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-username")));
    return wait;
  }

  /**
   * The console's script errors and Content-Security-Policy refusals since the last call (refused requests are the
   * API's answers, not errors); the tab then signs out.
   */
  List<String> consoleErrorsThenSignOut() {
    List<String> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
      .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
      .map(LogEntry::getMessage)
      .filter(message -> !message.contains("Failed to load resource"))
      .toList();
    driver.executeScript("sessionStorage.clear()");
    return errors;
  }

  void fillLogin(String username, String password) {
    driver.findElement(By.id("login-username")).sendKeys(username);
    driver.findElement(By.id("login-password")).sendKeys(password);
    driver.findElement(By.id("login-submit")).click();
  }

  void login(WebDriverWait wait, String username, String password) {
    fillLogin(username, password);
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("app")));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), username));
  }

  /** Follows the navigation link to a view, as a user would. */
  void open(WebDriverWait wait, String view) {
    driver.findElement(By.cssSelector("nav a[data-view='" + view + "']")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("view-" + view)));
  }

  /** The token the page keeps for the tab, or null. */
  String token() {
    return (String) driver.executeScript(
      "const s = sessionStorage.getItem('cidrotator.session'); return s ? JSON.parse(s).token : null;");
  }

  void screenshot(String name) {
    try {
      Files.copy(((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath(),
        SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    driver.quit();
    service.stop();
    server.close();
    try (Stream<Path> files = Files.walk(profile)) {
      files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    }
  }
}
