package io.cidrotator.dashboard;

import io.cidrotator.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard in webroot/, driven in Debian's headless Chromium against a real server: login, CSV import,
 * the live feed, releasing a reservation, deactivating a number, number health (the list's states and filter, a
 * number's why and trend, flagging and unflagging, a pool's counts and thresholds, the overview's counts, a CSV of
 * flags), the viewer's read-only view. Every wait is
 * an explicit WebDriverWait; screenshots of the views land in target/screenshots.
 */
class DashboardBrowserTest {

  private static final String ADMIN = DashboardBrowser.ADMIN;
  private static final String ADMIN_PASSWORD = DashboardBrowser.ADMIN_PASSWORD;
  private static final String VIEWER = DashboardBrowser.VIEWER;
  private static final String VIEWER_PASSWORD = DashboardBrowser.VIEWER_PASSWORD;

  private static DashboardBrowser browser;
  private static TestServer server;
  private static ChromeDriver driver;
  private static String base;
  private static Path downloads;

  private WebDriverWait wait;

  @BeforeAll
  static void startServerAndBrowser() throws IOException {
    if (!DashboardBrowser.installed()) {
      return;
    }
    browser = DashboardBrowser.start();
    server = browser.server;
    driver = browser.driver;
    base = browser.base;
    downloads = browser.downloads;
  }

  @AfterAll
  static void stopBrowserAndServer() throws IOException {
    if (browser != null) {
      browser.close();
    }
  }

  @BeforeEach
  void signedOutWithAnEmptyInventory() {
    assumeTrue(DashboardBrowser.installed(), DashboardBrowser.MISSING);
    server.reset();
    wait = browser.signedOut();
  }

  /** A script error or a Content-Security-Policy refusal fails the test (refused requests are the API's answers). */
  @AfterEach
  void noScriptErrorsThenSignOut() {
    if (driver == null) {
      return;
    }
    assertThat(browser.consoleErrorsThenSignOut()).as("browser console errors").isEmpty();
  }

  @Test
  void aWrongPasswordShowsTheServersReasonAndStaysOnTheLoginForm() {
    fillLogin(ADMIN, "not-the-password");

    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("login-error"), "wrong user name or password"));
    assertThat(driver.findElement(By.id("app")).isDisplayed()).isFalse();
    assertThat(token()).isNull();
    screenshot("login");
  }

  @Test
  void theFeedStartsWithWhatTheServerDidBeforeSignInAndTheTilesNameTheirMinute() {
    server.seed(TestServer.numbers("512", 1));
    allocateAndRelease("5125559876", "before-sign-in");

    login(ADMIN, ADMIN_PASSWORD);
    feedRowsSentFirst();

    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#feed tr:first-child"), "released"));
    assertThat(driver.findElement(By.cssSelector("#feed tr:first-child")).getText())
      .contains("5125550100", "512", "before-sign-in");
    assertThat(driver.findElement(By.cssSelector("#feed tr:nth-child(2)")).getText())
      .contains("allocated", "5125550100", "before-sign-in");
    assertThat(driver.findElement(By.id("feed-empty")).isDisplayed()).isFalse();
    // The per-minute tiles say which minute they count; latencies keep two significant digits.
    for (WebElement minute : driver.findElements(By.cssSelector(".tile .minute"))) {
      assertThat(minute.getText()).matches("\\d\\d:\\d\\d–\\d\\d:\\d\\d");
    }
    assertThat(driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
      + "import('/js/dom.js').then((dom) => done([0.954, 1.2, 12.345, 152.6, null].map(dom.ms)));"))
      .isEqualTo(List.of("0.95", "1.2", "12", "150", "-"));
    // Times are the server's TIMEZONE's, and the header says so.
    String zone = server.config.timezone().getId();
    assertThat(driver.findElement(By.id("zone")).getText()).isEqualTo("Times: " + zone);
    screenshot("overview-backfill");
  }

  @Test
  void usageTodayShowsTheTopFifteenUntilAskedForAll() {
    server.seed(TestServer.numbers("512", 20));
    server.sql.query("""
        INSERT INTO allocations (id, caller_id, destination, area_code, tier, pool, allocated_at)
        SELECT gen_random_uuid(), '51255501' || lpad(n::text, 2, '0'), '5125559876', '512', 'area_code', 'default',
               now() - interval '1 second'
        FROM generate_series(0, 19) AS n""").execute().await();
    login(ADMIN, ADMIN_PASSWORD);

    wait.until(d -> d.findElements(By.cssSelector("#chart-usage svg rect.used")).size() == 15);
    assertThat(driver.findElement(By.id("usage-scope")).getText()).isEqualTo("The 15 most used numbers today.");
    driver.findElement(By.id("usage-all")).click();

    wait.until(d -> d.findElements(By.cssSelector("#chart-usage svg rect.used")).size() == 20);
    assertThat(driver.findElement(By.id("usage-all")).getText()).isEqualTo("Top 15 only");
    assertThat(driver.findElement(By.id("usage-all")).getAttribute("aria-pressed")).isEqualTo("true");
  }

  @Test
  void theOverviewShowsEachCampaignsLiveCallsAndLastMinute() {
    server.seed(TestServer.numbers("512", 4));
    for (int i = 0; i < 2; i++) {
      assertThat(server.http.get("/next-cid?to=5125559876&campaign=sales").send().await().statusCode()).isEqualTo(200);
    }
    allocateAndRelease("5125559876", "retention");
    server.awaitHistoryWritten();
    login(ADMIN, ADMIN_PASSWORD);

    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#campaign-load tr[data-campaign='sales']")));
    assertThat(cells("#campaign-load tr[data-campaign='sales'] td")).containsExactly("sales", "2", "2", "0");
    assertThat(cells("#campaign-load tr[data-campaign='retention'] td")).containsExactly("retention", "0", "1", "0");
    assertThat(driver.findElement(By.id("campaign-load-empty")).isDisplayed()).isFalse();

    // Refreshed every 5 s while the overview is open.
    assertThat(server.http.get("/next-cid?to=5125559876&campaign=sales").send().await().statusCode()).isEqualTo(200);
    new WebDriverWait(driver, Duration.ofSeconds(15)).until(d ->
      cells("#campaign-load tr[data-campaign='sales'] td").equals(List.of("sales", "3", "3", "0")));
    screenshot("campaign-load");
  }

  @Test
  void numbersShowTheCapsThatApplyAndWhoseTheyAre() {
    createPool(new JsonObject().put("name", "capped").put("hourly_limit", 7));
    server.seed(List.of(
      new JsonObject().put("caller_id", "5125550100"),
      new JsonObject().put("caller_id", "5125550101").put("pool", "capped"),
      new JsonObject().put("caller_id", "5125550102").put("hourly_limit", 3).put("daily_limit", 30)));
    login(ADMIN, ADMIN_PASSWORD);
    open("numbers");
    wait.until(d -> rowCids("numbers-body").size() == 3);

    int hourly = server.config.hourlyLimit();
    int daily = server.config.dailyLimit();
    assertThat(cells("#numbers-body tr[data-cid='5125550100'] td.cap"))
      .containsExactly(hourly + " (default)", daily + " (default)");
    assertThat(cells("#numbers-body tr[data-cid='5125550101'] td.cap"))
      .containsExactly("7 (pool)", daily + " (default)");
    assertThat(cells("#numbers-body tr[data-cid='5125550102'] td.cap")).containsExactly("3", "30");

    driver.findElement(By.cssSelector("#numbers-body tr[data-cid='5125550101'] button.link")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("limits-form")));
    assertThat(driver.findElement(By.id("edit-hourly")).getAttribute("placeholder")).isEqualTo("pool: 7");
    assertThat(driver.findElement(By.id("edit-daily")).getAttribute("placeholder")).isEqualTo("default: " + daily);
    assertThat(driver.findElement(By.id("import")).getText()).contains("pool", "active", "meta");
  }

  @Test
  void reservationsShowHowLongEachIsHeldAndHighlightLongHolds() {
    createPool(new JsonObject().put("name", "brief").put("reservation_ttl", 10));
    assertThat(server.http.put("/api/campaigns/quick").putHeader("Authorization", server.bearer())
      .sendJsonObject(new JsonObject().put("pool", "brief")).await().statusCode()).isEqualTo(200);
    server.seed(List.of(new JsonObject().put("caller_id", "5125550100").put("pool", "brief"),
      new JsonObject().put("caller_id", "5125550101")));
    assertThat(server.http.get("/next-cid?to=5125559876&campaign=quick").send().await().statusCode()).isEqualTo(200);
    assertThat(server.http.get("/next-cid?to=5125559876&campaign=sales").send().await().statusCode()).isEqualTo(200);
    login(ADMIN, ADMIN_PASSWORD);
    sleep(5500);
    open("reservations");

    wait.until(d -> rowCids("reservations-body").size() == 2);
    // Past half of its 10 s TTL: highlighted; the other (the server's default TTL) is not.
    WebElement brief = driver.findElement(By.cssSelector("#reservations-body tr[data-cid='5125550100']"));
    assertThat(brief.getAttribute("class")).isEqualTo("long");
    assertThat(brief.findElement(By.cssSelector("td.age")).getText()).matches("[5-9] s");
    assertThat(driver.findElement(By.cssSelector("#reservations-body tr[data-cid='5125550101']")).getAttribute("class"))
      .isNullOrEmpty();
    // The two campaign fields say what they do.
    assertThat(driver.findElement(By.cssSelector("label:has(#r-campaign)")).getText()).isEqualTo("Show campaign");
    assertThat(driver.findElement(By.cssSelector("label:has(#release-campaign-name)")).getText())
      .isEqualTo("Campaign to release");
    // Times in the server's TIMEZONE, whatever the browser's.
    JsonObject reservation = server.http.get("/api/reservations?campaign=quick").putHeader("Authorization", server.bearer())
      .send().await().bodyAsJsonObject().getJsonArray("items").getJsonObject(0);
    Object expected = driver.executeScript("return new Date(arguments[0]).toLocaleString(undefined,"
      + " {dateStyle: 'short', timeStyle: 'medium', timeZone: arguments[1]});",
      reservation.getString("reserved_at"), server.config.timezone().getId());
    assertThat(brief.findElements(By.tagName("td")).get(6).getText()).isEqualTo(expected);
    screenshot("reservations-long");
  }

  @Test
  void theCoverageViewPutsTheAreaCodesShortOfNumbersFirstAndDownloadsAsCsv() {
    server.seed(TestServer.numbers("512", 2));
    server.sql.query("""
        INSERT INTO allocations (id, caller_id, destination, area_code, tier, pool, allocated_at, released_at)
        SELECT gen_random_uuid(), '5125550100', '2145551234', '214', 'pool', 'default',
               date_trunc('hour', now()) - interval '2 hours' + make_interval(secs => n),
               date_trunc('hour', now()) - interval '2 hours' + make_interval(secs => n + 60)
        FROM generate_series(1, 300) AS n""").execute().await();
    login(ADMIN, ADMIN_PASSWORD);
    open("coverage");

    wait.until(d -> rowAreaCodes().equals(List.of("214")));
    WebElement dallas = driver.findElement(By.cssSelector("#coverage-body tr[data-area-code='214']"));
    assertThat(dallas.getAttribute("class")).isEqualTo("short");
    assertThat(dallas.findElement(By.cssSelector("td.buy")).getText()).isEqualTo("5");
    assertThat(dallas.getText()).contains("US-TX", "300", "100 %", "60 s", "0 / 0 / 2 / 2");
    screenshot("coverage");

    driver.findElement(By.id("coverage-export")).click();
    Path exported = downloads.resolve("coverage-default-7d.csv");
    wait.until(d -> Files.exists(exported) && readString(exported).contains("214,US-TX,300"));
  }

  @SuppressWarnings("unchecked")
  private List<String> rowAreaCodes() {
    return (List<String>) driver.executeScript("return Array.from(document.querySelectorAll('#coverage-body tr'))"
      + ".map((row) => row.dataset.areaCode);");
  }

  @Test
  void theOverviewExplainsACallAsNextCidThenHandsItOutAndReservesNothing() {
    server.seed(Stream.of("2125550001", "2127770001", "4155550001")
      .map(cid -> new JsonObject().put("caller_id", cid)).toList());
    login(ADMIN, ADMIN_PASSWORD);

    driver.findElement(By.id("overview-explain-to")).sendKeys("2125551234");
    driver.findElement(By.id("overview-explain-campaign")).sendKeys("sales");
    driver.findElement(By.id("overview-explain")).click();

    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("explain-result")));
    assertThat(driver.getCurrentUrl()).endsWith("#explain?to=2125551234&campaign=sales");
    assertThat(driver.findElement(By.id("explain-decision")).getText())
      .isEqualTo("Would hand out 2125550001 (tier prefix)");
    assertThat(driver.findElement(By.id("explain-why")).getText()).startsWith("Why: 'prefix' is the first of the pool's"
      + " tiers (prefix, area_code, overlay, state, time_zone, pool) with a number available");
    assertThat(cells("#explain-steps tr td:first-child"))
      .containsExactly("prefix", "area_code", "overlay", "state", "time_zone", "pool");
    assertThat(cells("#explain-steps tr.chosen td"))
      .containsExactly("prefix", "212-555", "1", "0", "0", "0", "2125550001");
    assertThat(driver.findElement(By.id("explain-summary")).getText())
      .contains("campaign sales", "pool default", "New York", "America/New_York");
    assertThat(driver.findElement(By.id("view-explain")).getText()).contains("it reserves nothing and counts nothing");
    screenshot("explain");

    // A dry run: nothing was reserved, and the call that follows gets the number explained.
    assertThat(reservationsTotal()).isZero();
    HttpResponse<Buffer> next = server.http.get("/next-cid?to=2125551234&campaign=sales").send().await();
    assertThat(next.statusCode()).isEqualTo(200);
    assertThat(next.bodyAsJsonObject().getString("caller_id")).isEqualTo("2125550001");

    // The link explains again: the prefix's one number is on that call now, so its area code's is next.
    driver.navigate().refresh();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("explain-decision"),
      "Would hand out 2127770001 (tier area_code)"));
    assertThat(cells("#explain-steps tr[data-tier='prefix'] td"))
      .containsExactly("prefix", "212-555", "0", "1", "0", "0", "-");
    assertThat(cells("#explain-steps tr.chosen td:first-child")).containsExactly("area_code");
    assertThat(reservationsTotal()).isEqualTo(1);
  }

  @Test
  void explainingSomethingThatIsNoNumberShowsTheServersReason() {
    login(VIEWER, VIEWER_PASSWORD);
    open("explain");

    driver.findElement(By.id("explain-to")).sendKeys("12");
    driver.findElement(By.cssSelector("#explain-form button[type=submit]")).click();

    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"),
      "Explain failed: to: '12' is not a 10-digit NANP number"));
    assertThat(driver.findElement(By.id("notice")).getAttribute("class")).contains("error");
    assertThat(driver.findElement(By.id("explain-result")).isDisplayed()).isFalse();
  }

  @Test
  void thePageHasAFavicon() {
    Object answer = driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
      + "fetch(document.querySelector('link[rel=icon]').href)"
      + ".then((r) => done(r.status + ' ' + r.headers.get('Content-Type')));");

    assertThat(answer).isEqualTo("200 image/svg+xml");
  }

  @Test
  void numbersImportedFromACsvThroughThePageAppearInTheTable() throws IOException {
    login(ADMIN, ADMIN_PASSWORD);
    open("numbers");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("numbers-empty")));
    Path csv = Files.createTempFile("dashboard-import", ".csv");
    csv.toFile().deleteOnExit();
    Files.writeString(csv, "caller_id,carrier,area_code,hourly_limit,daily_limit\n"
      + "5125550100,acme,512,,\n5125550101,acme,512,10,100\nnot-a-number,acme,,,\n");

    driver.findElement(By.id("import-file")).sendKeys(csv.toAbsolutePath().toString());
    driver.findElement(By.id("import-submit")).click();

    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("import-summary"),
      "2 new, 0 updated, 0 unchanged, 1 rejected"));
    wait.until(d -> rowCids("numbers-body").equals(List.of("5125550100", "5125550101")));
    assertThat(driver.findElement(By.cssSelector("#import-result table.rejected tbody")).getText())
      .contains("not-a-number");
    assertThat(driver.findElement(By.id("import-progress")).getAttribute("value")).isEqualTo("100");
    screenshot("numbers");

    driver.findElement(By.id("export")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "Export downloaded"));
    Path exported = downloads.resolve("caller-ids.csv");
    wait.until(d -> Files.exists(exported) && readString(exported).contains("5125550101"));
    assertThat(readString(exported)).startsWith("caller_id,carrier,area_code,hourly_limit,daily_limit")
      .contains("5125550100").doesNotContain("not-a-number");
  }

  @Test
  void theLiveFeedShowsAnAllocationAndItsReleaseAsTheDialerMakesThem() {
    server.seed(TestServer.numbers("512", 1));
    login(ADMIN, ADMIN_PASSWORD);
    int before = feedRowsSentFirst();

    HttpResponse<Buffer> next = server.http.get("/next-cid?to=5125559876&campaign=sales&agent=a1").send().await();
    assertThat(next.statusCode()).isEqualTo(200);
    wait.until(d -> feedRows() == before + 1);
    assertThat(driver.findElement(By.cssSelector("#feed tr:first-child")).getText())
      .contains("allocated", "5125550100", "512", "sales");

    server.http.get("/release?caller_id=5125550100").send().await();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#feed tr:first-child"), "released"));
    assertThat(driver.findElement(By.cssSelector("#feed tr:first-child")).getText())
      .contains("5125550100", "512", "sales").containsPattern("\\d+\\.\\d s");
    assertThat(feedRows()).isEqualTo(before + 2);
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("stat-total"), "1"));
    screenshot("live-feed");
  }

  @Test
  void theOverviewDrawsTheChartsAndANumbersDetailShowsItsHistory() {
    server.seed(TestServer.numbers("512", 2));
    allocateAndRelease("5125559876", "sales");
    allocateAndRelease("2145559876", "retention");
    new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> historyOf("5125550100").size() == 1);
    login(ADMIN, ADMIN_PASSWORD);

    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#chart-allocations .legend"), "sales: 1"));
    assertThat(driver.findElement(By.cssSelector("#chart-allocations .legend")).getText()).contains("retention: 1");
    assertThat(driver.findElements(By.cssSelector("#chart-allocations svg rect"))).hasSize(2);
    assertThat(driver.findElements(By.cssSelector("#chart-area-codes svg rect.fallback"))).hasSize(1);
    assertThat(driver.findElement(By.cssSelector("#chart-area-codes svg text.warn")).getText()).isEqualTo("214");
    assertThat(driver.findElement(By.id("chart-area-codes")).getText()).contains("1 · 2 local, 2 free");
    assertThat(driver.findElements(By.cssSelector("#chart-usage svg rect.used"))).hasSize(2);
    int before = feedRowsSentFirst();
    allocateAndRelease("5125551234", "sales");
    wait.until(d -> feedRows() == before + 2);
    // Whichever allocator's batch arrives first, the release is on top and names the call it ended.
    assertThat(driver.findElement(By.cssSelector("#feed tr:first-child")).getText()).contains("released", "512", "sales");
    assertThat(driver.findElement(By.cssSelector("#feed tr:nth-child(2)")).getText()).contains("allocated");
    screenshot("overview");

    open("numbers");
    wait.until(ExpectedConditions.elementToBeClickable(
      By.cssSelector("#numbers-body tr[data-cid='5125550100'] button.link"))).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("number-detail")));
    assertThat(driver.findElement(By.id("detail-title")).getText()).isEqualTo("Number 5125550100");
    assertThat(driver.findElement(By.id("detail-live")).getText()).contains("available")
      .contains("Texas (TX)", "America/Chicago", "512, 737");
    // 512-555-9876 is in the number's own NPA-NXX: the nearest tier, prefix.
    assertThat(driver.findElement(By.id("detail-history")).getText()).contains("5125559876", "sales", "prefix");
    screenshot("number-detail");
  }

  @Test
  void releasingAReservationFromTheListEndsIt() {
    server.seed(TestServer.numbers("512", 2));
    assertThat(server.http.get("/next-cid?to=5125559876&campaign=sales").send().await().statusCode()).isEqualTo(200);
    login(ADMIN, ADMIN_PASSWORD);
    open("reservations");
    WebElement release = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#reservations-body button.release")));
    String callerId = release.getAttribute("data-cid");
    screenshot("reservations");

    release.click();

    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("reservations-empty")));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), callerId));
    assertThat(reservationsTotal()).isZero();
  }

  @Test
  void releasingAllOfACampaignEndsOnlyThatCampaignsReservations() {
    server.seed(TestServer.numbers("512", 3));
    for (String campaign : List.of("sales", "sales", "retention")) {
      assertThat(server.http.get("/next-cid?to=5125559876&campaign=" + campaign).send().await().statusCode())
        .isEqualTo(200);
    }
    login(ADMIN, ADMIN_PASSWORD);
    open("reservations");
    wait.until(d -> rowCids("reservations-body").size() == 3);

    driver.findElement(By.id("release-campaign-name")).sendKeys("sales");
    driver.findElement(By.cssSelector("#release-campaign button[type=submit]")).click();
    wait.until(ExpectedConditions.alertIsPresent()).accept();

    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "2 reservations of sales released"));
    wait.until(d -> rowCids("reservations-body").size() == 1);
    assertThat(driver.findElement(By.id("reservations-body")).getText()).contains("retention");
  }

  @Test
  void anAdminCreatesAPoolAndMapsACampaignToIt() {
    login(ADMIN, ADMIN_PASSWORD);
    open("pools");
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("pools-body"), "default"));
    // The pool default cannot be deleted: its only action is Edit.
    assertThat(driver.findElement(By.cssSelector("#pools-body tr:first-child td.actions")).getText()).isEqualTo("Edit");

    driver.findElement(By.id("pool-name")).sendKeys("spanish");
    driver.findElement(By.id("pool-daily")).sendKeys("80");
    driver.findElement(By.id("pool-window")).sendKeys("21:00-08:00");
    driver.findElement(By.cssSelector("#pool-form button[type=submit]")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"),
      "calling_window: the end must come after the start"));
    driver.findElement(By.id("pool-window")).clear();
    driver.findElement(By.id("pool-window")).sendKeys("08:00-21:00");
    driver.findElement(By.id("pool-window-regions")).sendKeys("US-TX=09:00-20:00");
    driver.findElement(By.cssSelector("#pool-form button[type=submit]")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("pools-body"), "spanish"));
    assertThat(driver.findElement(By.id("pools-body")).getText()).contains("08:00-21:00; US-TX=09:00-20:00");
    driver.findElement(By.id("campaign-name")).sendKeys("ventas");
    driver.findElement(By.id("campaign-pool")).sendKeys("spanish");
    driver.findElement(By.cssSelector("#campaign-form button[type=submit]")).click();

    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("campaigns-body"), "ventas"));
    assertThat(driver.findElement(By.id("pools-body")).getText()).doesNotContain("null");
    screenshot("pools");
    JsonObject pool = poolOf("spanish");
    assertThat(pool.getInteger("daily_limit")).isEqualTo(80);
    assertThat(pool.getString("calling_window")).isEqualTo("08:00-21:00");
    assertThat(pool.getJsonObject("calling_window_by_region")).isEqualTo(new JsonObject().put("US-TX", "09:00-20:00"));
    JsonObject mapping = server.http.get("/api/campaigns/ventas").putHeader("Authorization", server.bearer())
      .send().await().bodyAsJsonObject();
    assertThat(mapping.getString("pool")).isEqualTo("spanish");
  }

  @Test
  void aPoolCreatedOnThePageKeepsItsTiersAndStrategy() {
    login(ADMIN, ADMIN_PASSWORD);
    open("pools");
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("pools-body"), "default"));
    // The pool default tries every tier, nearest first, each least recently used first.
    assertThat(cells("#pools-body tr[data-pool='default'] td")).startsWith("default", "default", "default", "default",
      "prefix, area_code, overlay, state, time_zone, pool", "Least recently used");

    driver.findElement(By.id("pool-name")).sendKeys("nearby");
    driver.findElement(By.id("pool-tiers")).sendKeys("area_code, state");
    new Select(driver.findElement(By.id("pool-strategy"))).selectByValue("round_robin");
    driver.findElement(By.cssSelector("#pool-form button[type=submit]")).click();

    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "Pool nearby created."));
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#pools-body tr[data-pool='nearby']")));
    assertThat(cells("#pools-body tr[data-pool='nearby'] td")).startsWith("nearby", "default", "default", "default",
      "area_code, state", "Round robin (list order)", "off", "none", "-");
    screenshot("pools-tiers");
    JsonObject pool = poolOf("nearby");
    assertThat(pool.getString("tiers")).isEqualTo("area_code,state");
    assertThat(pool.getString("strategy")).isEqualTo("round_robin");
    assertThat(pool.containsKey("fallback")).isFalse();
  }

  @Test
  void aPoolEditWithAnUnknownTierShowsTheServersReasonAndChangesNothing() {
    createPool(new JsonObject().put("name", "nearby").put("tiers", "area_code,state").put("strategy", "round_robin"));
    login(ADMIN, ADMIN_PASSWORD);
    open("pools");
    wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("button[aria-label='Edit pool nearby']")))
      .click();
    WebElement tiers = wait.until(ExpectedConditions.visibilityOfElementLocated(
      By.cssSelector("input[aria-label='Tiers of nearby']")));
    assertThat(tiers.getAttribute("value")).isEqualTo("area_code, state");
    assertThat(tiers.getAttribute("placeholder")).isEqualTo("prefix, area_code, overlay, state, time_zone, pool");
    Select strategy = new Select(driver.findElement(By.cssSelector("select[aria-label='Strategy of nearby']")));
    assertThat(strategy.getFirstSelectedOption().getText()).isEqualTo("Round robin (list order)");

    tiers.clear();
    tiers.sendKeys("area_code, nearest");
    strategy.selectByValue("lru");
    driver.findElement(By.cssSelector("button[aria-label='Save pool nearby']")).click();

    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "Pool nearby not saved: "
      + "tiers: 'nearest' is not a tier (one of prefix,area_code,overlay,state,time_zone,pool)"));
    assertThat(driver.findElement(By.id("notice")).getAttribute("class")).contains("error");
    // The whole edit was refused: the strategy sent with the bad tiers did not change either.
    JsonObject refused = poolOf("nearby");
    assertThat(refused.getString("tiers")).isEqualTo("area_code,state");
    assertThat(refused.getString("strategy")).isEqualTo("round_robin");
    screenshot("pools-bad-tiers");

    // The row stays in edit mode: put the tiers right and save the strategy back to least recently used.
    tiers.clear();
    tiers.sendKeys("area_code, state");
    driver.findElement(By.cssSelector("button[aria-label='Save pool nearby']")).click();

    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "Pool nearby saved."));
    wait.until(d -> cells("#pools-body tr[data-pool='nearby'] td").contains("Least recently used"));
    assertThat(cells("#pools-body tr[data-pool='nearby'] td")).contains("area_code, state");
    JsonObject saved = poolOf("nearby");
    assertThat(saved.getString("tiers")).isEqualTo("area_code,state");
    assertThat(saved.getString("strategy")).isEqualTo("lru");
  }

  @Test
  void aPoolsStickyDaysAreSetOnThePageAndEmptyTurnsThemOff() {
    login(ADMIN, ADMIN_PASSWORD);
    open("pools");
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("pools-body"), "default"));
    assertThat(stickyDaysShown("default")).isEqualTo("off");
    assertThat(driver.findElement(By.id("pool-sticky")).getAttribute("title"))
      .isEqualTo("A lead called again within N days gets the number it got last, if free. Empty or 0: off.");

    driver.findElement(By.id("pool-name")).sendKeys("repeat");
    driver.findElement(By.id("pool-sticky")).sendKeys("7");
    driver.findElement(By.cssSelector("#pool-form button[type=submit]")).click();

    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "Pool repeat created."));
    wait.until(d -> "7".equals(stickyDaysShown("repeat")));
    assertThat(poolOf("repeat").getInteger("sticky_days")).isEqualTo(7);
    screenshot("pools-sticky");

    driver.findElement(By.cssSelector("button[aria-label='Edit pool repeat']")).click();
    WebElement sticky = wait.until(ExpectedConditions.visibilityOfElementLocated(
      By.cssSelector("input[aria-label='Sticky days of repeat']")));
    assertThat(sticky.getAttribute("value")).isEqualTo("7");
    sticky.clear();
    driver.findElement(By.cssSelector("button[aria-label='Save pool repeat']")).click();

    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "Pool repeat saved."));
    wait.until(d -> "off".equals(stickyDaysShown("repeat")));
    assertThat(poolOf("repeat").getInteger("sticky_days")).isZero();
  }

  /** The Sticky days cell of a pool's row, or null while the row is not drawn. */
  private String stickyDaysShown(String pool) {
    List<String> row = cells("#pools-body tr[data-pool='" + pool + "'] td");
    return row.size() > 6 ? row.get(6) : null;
  }

  @Test
  void aNumberDeactivatedOnThePageIsNoLongerHandedOut() {
    server.seed(TestServer.numbers("512", 1));
    login(ADMIN, ADMIN_PASSWORD);
    open("numbers");
    WebElement deactivate = wait.until(ExpectedConditions.elementToBeClickable(
      By.cssSelector("#numbers-body tr[data-cid='5125550100'] button.toggle")));
    assertThat(deactivate.getText()).isEqualTo("Deactivate");

    deactivate.click();

    wait.until(ExpectedConditions.textToBePresentInElementLocated(
      By.cssSelector("#numbers-body tr[data-cid='5125550100'] td.state"), "no"));
    assertThat(server.http.get("/next-cid?to=5125559876&campaign=sales").send().await().statusCode()).isEqualTo(503);
  }

  @Test
  void capsEditedInANumbersDetailAreSaved() {
    server.seed(TestServer.numbers("512", 1));
    login(ADMIN, ADMIN_PASSWORD);
    openNumberDetail("5125550100");

    driver.findElement(By.id("edit-hourly")).sendKeys("7");
    driver.findElement(By.id("edit-daily")).sendKeys("70");
    driver.findElement(By.id("save-limits")).click();

    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("detail-live"), "0 of 7"));
    JsonObject row = server.http.get("/api/caller-ids/5125550100").putHeader("Authorization", server.bearer())
      .send().await().bodyAsJsonObject();
    assertThat(List.of(row.getInteger("hourly_limit"), row.getInteger("daily_limit"))).containsExactly(7, 70);
  }

  @Test
  void prefixesAssignedInANumbersDetailAreSavedAndABadOneChangesNothing() {
    server.seed(TestServer.numbers("512", 1));
    login(ADMIN, ADMIN_PASSWORD);
    openNumberDetail("5125550100");
    assertThat(fact("Assigned prefixes")).isEqualTo("none");
    WebElement prefixes = driver.findElement(By.id("edit-prefixes"));
    assertThat(prefixes.getAttribute("value")).isEmpty();

    prefixes.sendKeys("3125, 31");
    driver.findElement(By.id("save-prefixes")).click();

    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "Prefixes of 5125550100 saved."));
    wait.until(d -> "3125, 31".equals(fact("Assigned prefixes")));
    assertThat(prefixesOf("5125550100")).isEqualTo(new JsonArray(List.of("3125", "31")));
    assertThat(prefixes.getAttribute("value")).isEqualTo("3125, 31");
    screenshot("number-prefixes");

    prefixes.clear();
    prefixes.sendKeys("1125");
    driver.findElement(By.id("save-prefixes")).click();

    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "Prefixes of 5125550100 not saved: "
      + "prefixes: '1125' is not a prefix of 2 to 5 digits starting 2-9"));
    assertThat(driver.findElement(By.id("notice")).getAttribute("class")).contains("error");
    assertThat(prefixesOf("5125550100")).isEqualTo(new JsonArray(List.of("3125", "31")));
    assertThat(fact("Assigned prefixes")).isEqualTo("3125, 31");
  }

  /** What a number's detail says for {@code name}, or null while it says nothing of it. */
  private String fact(String name) {
    return (String) driver.executeScript("const dt = Array.from(document.querySelectorAll('#detail-live dt'))"
      + ".find((t) => t.textContent === arguments[0]); return dt ? dt.nextElementSibling.textContent : null;", name);
  }

  @Test
  void aViewerSeesNoEditControlsAndTheApiRefusesTheirEdits() {
    server.seed(TestServer.numbers("512", 2));
    assertThat(server.http.get("/next-cid?to=5125559876&campaign=sales").send().await().statusCode()).isEqualTo(200);
    login(VIEWER, VIEWER_PASSWORD);
    assertThat(driver.findElement(By.id("who")).getText()).contains("victor", "read-only");

    open("numbers");
    wait.until(d -> rowCids("numbers-body").size() == 2);
    assertThat(driver.findElements(By.cssSelector("#numbers-body button.toggle"))).isEmpty();
    assertThat(driver.findElement(By.id("import")).isDisplayed()).isFalse();
    assertThat(driver.findElement(By.id("export")).isDisplayed()).isTrue();
    open("reservations");
    wait.until(d -> rowCids("reservations-body").size() == 1);
    assertThat(driver.findElements(By.cssSelector("#reservations-body button"))).isEmpty();
    assertThat(driver.findElement(By.id("release-campaign")).isDisplayed()).isFalse();
    open("pools");
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("pools-body"), "default"));
    assertThat(driver.findElements(By.cssSelector("#pools-body button"))).isEmpty();
    assertThat(driver.findElement(By.id("pool-form")).isDisplayed()).isFalse();
    screenshot("pools-viewer");

    HttpResponse<Buffer> patch = server.http.request(HttpMethod.PATCH, "/api/caller-ids/5125550100")
      .putHeader("Authorization", "Bearer " + token())
      .sendJsonObject(new JsonObject().put("active", false)).await();
    assertThat(patch.statusCode()).isEqualTo(403);
  }

  @Test
  void onATabletEveryViewFitsTheWidthWithoutScrollingSideways() {
    server.seed(TestServer.numbers("512", 3));
    login(ADMIN, ADMIN_PASSWORD);
    driver.manage().window().setSize(new Dimension(820, 1180));
    try {
      for (String view : List.of("overview", "numbers", "reservations", "pools", "coverage", "explain")) {
        open(view);
        Object overflow = driver.executeScript(
          "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
        assertThat(((Number) overflow).longValue()).as(view).isLessThanOrEqualTo(0);
      }
      screenshot("pools-tablet");
    } finally {
      driver.manage().window().setSize(new Dimension(1280, 900));
    }
  }

  @Test
  void theKeyboardAloneSignsInMovesBetweenViewsAndSkipsToTheContent() {
    driver.findElement(By.id("login-username")).sendKeys(ADMIN, Keys.TAB, ADMIN_PASSWORD, Keys.ENTER);
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), ADMIN));

    driver.findElement(By.cssSelector("nav a[data-view='numbers']")).sendKeys(Keys.ENTER);
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("view-numbers")));
    driver.findElement(By.cssSelector("a.skip")).sendKeys(Keys.ENTER);

    wait.until(d -> "main".equals(d.switchTo().activeElement().getAttribute("id")));
    assertThat(driver.findElement(By.id("view-numbers")).isDisplayed()).isTrue();
    assertThat(driver.findElement(By.id("view-overview")).isDisplayed()).isFalse();
  }

  @Test
  void loggingOutForgetsTheToken() {
    login(ADMIN, ADMIN_PASSWORD);
    assertThat(token()).isNotBlank();
    assertThat(driver.getCurrentUrl()).doesNotContain(token());

    driver.findElement(By.id("logout")).click();

    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
    assertThat(token()).isNull();
  }

  @Test
  void theHistoryExportCardDownloadsTheAllocationsOfTheChosenDays() {
    server.seed(TestServer.numbers("512", 1));
    allocateAndRelease("5125559876", "export-test");
    server.awaitHistoryWritten();
    String today = java.time.LocalDate.now(server.config.timezone()).toString();
    login(ADMIN, ADMIN_PASSWORD);
    assertThat(driver.findElement(By.id("history-from")).getAttribute("value"))
      .matches("\\d{4}-\\d{2}-\\d{2}")
      .isEqualTo(driver.findElement(By.id("history-to")).getAttribute("value"));

    // The server's day in TIMEZONE, which may not be the browser's own around midnight.
    for (String id : List.of("history-from", "history-to")) {
      driver.executeScript("arguments[0].value = arguments[1];", driver.findElement(By.id(id)), today);
    }
    driver.findElement(By.id("history-export")).click();

    String name = "history-" + today + "-to-" + today + ".csv";
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "History exported as " + name));
    Path exported = downloads.resolve(name);
    wait.until(d -> Files.exists(exported) && readString(exported).contains("5125559876"));
    assertThat(readString(exported)).startsWith("allocation_id,allocated_at,released_at,caller_id,destination,")
      .contains(",5125550100,5125559876,512,default,export-test,");
    screenshot("history-export");
  }

  @Test
  void theNumbersListShowsEachNumbersHealthAndFiltersByIt() {
    server.seed(TestServer.numbers("512", 5));
    setHealth("5125550101", "resting");
    setHealth("5125550102", "retired");
    setHealth("5125550103", "flagged");
    setHealth("5125550104", "probation");
    login(ADMIN, ADMIN_PASSWORD);
    open("numbers");
    wait.until(d -> rowCids("numbers-body").size() == 5);

    assertThat(cells("#numbers-body td.health"))
      .containsExactly("healthy", "resting", "retired", "flagged", "probation");
    assertThat(driver.findElement(By.cssSelector("#numbers-body tr[data-cid='5125550101'] td.health .badge"))
      .getAttribute("class")).isEqualTo("badge health-resting");
    // The three states out of rotation do not look alike, nor like a healthy number.
    assertThat(Stream.of("5125550100", "5125550101", "5125550102", "5125550103")
      .map(cid -> driver.executeScript("return getComputedStyle(document.querySelector("
        + "\"#numbers-body tr[data-cid='" + cid + "'] .badge\")).backgroundColor;"))
      .distinct()).hasSize(4);
    screenshot("numbers-health");

    Select health = new Select(driver.findElement(By.id("f-health")));
    health.selectByValue("resting");
    driver.findElement(By.cssSelector("#numbers-filter button[type=submit]")).click();
    wait.until(d -> rowCids("numbers-body").equals(List.of("5125550101")));
    assertThat(driver.findElement(By.id("numbers-page")).getText()).isEqualTo("Page 1 of 1 · 1 numbers");

    health.selectByValue("flagged");
    driver.findElement(By.cssSelector("#numbers-filter button[type=submit]")).click();
    wait.until(d -> rowCids("numbers-body").equals(List.of("5125550103")));
    health.selectByVisibleText("any");
    driver.findElement(By.cssSelector("#numbers-filter button[type=submit]")).click();
    wait.until(d -> rowCids("numbers-body").size() == 5);
  }

  @Test
  void aRestingNumbersDetailSaysWhyAndShowsItsTrendAgainstThePoolUntilAnAdminMakesItHealthy() {
    server.seed(TestServer.numbers("512", 2));
    server.sql.query("""
        UPDATE caller_ids SET health = 'resting', health_since = now() - interval '1 hour',
          health_until = now() + interval '4 hours',
          health_reason = '{"rule": "wilson_upper_95 < ratio * pool_7d_rate", "calls_24h": 60, "answered_24h": 6,
            "answer_rate_24h": 0.1, "upper_bound": 0.2015, "pool_calls_7d": 1000, "pool_answer_rate_7d": 0.45,
            "ratio": 0.5, "min_calls": 40, "rests_in_window": 1, "retire_after": 3, "retire_days": 7}'
        WHERE caller_id = '5125550100'""").execute().await();
    // Three hours of calls two UTC days apart (the last one within 24 hours), and the pool's 7 days.
    Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS);
    Instant[] hours = Stream.of(97, 49, 1).map(h -> hour.minus(h, ChronoUnit.HOURS)).toArray(Instant[]::new);
    server.sql.preparedQuery("""
        INSERT INTO caller_id_hours
          (caller_id, hour, pool, calls, answered, short_calls, talk_seconds, unknown, expired)
        VALUES ('5125550100', $1, 'default', $2, $3, $4, $5, $6, $7)""")
      .executeBatch(List.of(Tuple.of(utc(hours[0]), 20, 10, 0, 750, 2, 0),
        Tuple.of(utc(hours[1]), 40, 16, 1, 720, 0, 0), Tuple.of(utc(hours[2]), 60, 6, 2, 180, 3, 1)))
      .await();
    server.sql.preparedQuery("""
        INSERT INTO pool_hours (pool, hour, calls, answered, short_calls, talk_seconds, unknown, expired)
        VALUES ('default', $1, 1000, 450, 40, 22500, 10, 5)""").execute(Tuple.of(utc(hours[2]))).await();
    login(ADMIN, ADMIN_PASSWORD);
    openNumberDetail("5125550100");

    wait.until(d -> "resting".equals(healthFact("State")));
    assertThat(healthFact("Why")).isEqualTo("Answered 6 of 60 calls in 24 hours (10 %): even the upper end of its 95%"
      + " interval, 20.2 %, is below 0.5 × its pool's 7-day answer rate of 45 % (22.5 %); at least 40 calls are"
      + " needed to judge. Rested 1 time within 7 days; 3 retire it.");
    String until = healthOf("5125550100").getJsonObject("health").getString("until");
    assertThat(healthFact("Until")).isEqualTo(driver.executeScript("return new Date(arguments[0]).toLocaleString("
      + "undefined, {dateStyle: 'short', timeStyle: 'medium', timeZone: arguments[1]});", until,
      server.config.timezone().getId()));
    assertThat(cells("#detail-outcomes tr:nth-child(1) > *"))
      .containsExactly("Last 24 h", "60", "6", "10 %", "2", "30 s", "4 (1 expired)");
    assertThat(cells("#detail-outcomes tr:nth-child(2) > *"))
      .containsExactly("Last 7 days", "120", "32", "26.7 %", "3", "51.6 s", "6 (1 expired)");
    assertThat(cells("#detail-outcomes tr:nth-child(3) > *"))
      .containsExactly("Pool's last 7 days", "1000", "450", "45 %", "40", "50 s", "15 (5 expired)");
    String[] days = Stream.of(hours).map(h -> LocalDate.ofInstant(h, ZoneOffset.UTC).toString()).toArray(String[]::new);
    assertThat(cells("#detail-trend tr > th")).containsExactly(days);
    assertThat(cells("#detail-trend tr[data-day='" + days[0] + "'] > *"))
      .containsExactly(days[0], "20", "10", "50 %", "0", "1 min 15 s");
    assertThat(cells("#detail-trend tr[data-day='" + days[2] + "'] > *"))
      .containsExactly(days[2], "60", "6", "10 %", "2", "30 s");
    assertThat(driver.findElements(By.cssSelector("#detail-trend meter"))).hasSize(3);
    assertThat(driver.findElement(By.id("detail-flags-empty")).getText()).isEqualTo("Never flagged as spam.");
    assertThat(driver.findElement(By.id("unflag")).isDisplayed()).isFalse();
    driver.executeScript("arguments[0].scrollIntoView();", driver.findElement(By.id("detail-health")));
    screenshot("number-health");

    driver.findElement(By.id("make-healthy")).click();

    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "5125550100 made healthy."));
    assertThat(healthOf("5125550100").getString("health_state")).isEqualTo("healthy");
    wait.until(d -> "healthy".equals(healthFact("State")));
    assertThat(healthFact("Why")).isEqualTo("An admin made it healthy.");
    assertThat(driver.findElement(By.id("make-healthy")).isDisplayed()).isFalse();
    assertThat(cells("#numbers-body tr[data-cid='5125550100'] td.health")).containsExactly("healthy");
  }

  @Test
  void aNumberFlaggedAsSpamOnThePageIsFlaggedUntilUnflagged() {
    server.seed(TestServer.numbers("512", 1));
    login(ADMIN, ADMIN_PASSWORD);
    openNumberDetail("5125550100");
    wait.until(d -> "healthy".equals(healthFact("State")));
    assertThat(driver.findElement(By.id("make-healthy")).isDisplayed()).isFalse();
    assertThat(driver.findElement(By.id("unflag")).isDisplayed()).isFalse();

    // A day to come is refused, with the server's reason.
    driver.findElement(By.id("flag-source")).sendKeys("T-Mobile");
    driver.executeScript("arguments[0].value = '2999-01-01';", driver.findElement(By.id("flag-date")));
    driver.findElement(By.id("flag-submit")).click();
    wait.until(ExpectedConditions.textToBe(By.id("notice"),
      "5125550100 not flagged: flagged_on: 2999-01-01 is in the future"));
    assertThat(driver.findElement(By.id("notice")).getAttribute("class")).contains("error");
    assertThat(healthOf("5125550100").getString("health_state")).isEqualTo("healthy");

    driver.executeScript("arguments[0].value = '';", driver.findElement(By.id("flag-date")));
    driver.findElement(By.id("flag-label")).sendKeys("Scam Likely");
    driver.findElement(By.id("flag-note")).sendKeys("weekly report");
    driver.findElement(By.id("flag-submit")).click();

    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"),
      "5125550100 flagged as spam: out of rotation until "));
    assertThat(healthOf("5125550100").getString("health_state")).isEqualTo("flagged");
    wait.until(d -> "flagged".equals(healthFact("State")));
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    assertThat(healthFact("Why")).isEqualTo("Flagged as spam by T-Mobile (“Scam Likely”), reported on " + today
      + ": out of rotation for up to 14 days unless unflagged.");
    List<String> flag = cells("#detail-flags tr td");
    assertThat(flag.subList(0, 4)).containsExactly(today, "T-Mobile", "Scam Likely", "weekly report");
    assertThat(flag.subList(5, 8)).containsExactly(ADMIN, "open", "-");
    assertThat(driver.findElement(By.id("flag-source")).getAttribute("value")).isEmpty();
    assertThat(cells("#numbers-body tr[data-cid='5125550100'] td.health")).containsExactly("flagged");
    driver.executeScript("arguments[0].scrollIntoView();", driver.findElement(By.id("detail-health")));
    screenshot("number-flagged");

    driver.findElement(By.id("unflag")).click();

    wait.until(ExpectedConditions.textToBe(By.id("notice"), "5125550100 unflagged; it is healthy now."));
    assertThat(healthOf("5125550100").getString("health_state")).isEqualTo("healthy");
    wait.until(d -> "healthy".equals(healthFact("State")));
    assertThat(healthFact("Why")).isEqualTo("Unflagged by " + ADMIN + ".");
    assertThat(cells("#detail-flags tr td").get(6)).isEqualTo("unflagged by " + ADMIN);
    assertThat(driver.findElement(By.id("unflag")).isDisplayed()).isFalse();
  }

  @Test
  void aPoolsNumbersAreCountedPerHealthStateAndItsThresholdsEditedShowingTheServersReason() {
    createPool(new JsonObject().put("name", "east"));
    server.seed(Stream.concat(TestServer.numbers("512", 5).stream().map(n -> n.put("pool", "east")),
      TestServer.numbers("212", 1).stream()).toList());
    setHealth("5125550101", "resting");
    setHealth("5125550102", "resting");
    setHealth("5125550103", "flagged");
    setHealth("2125550100", "retired");
    login(ADMIN, ADMIN_PASSWORD);
    open("pools");

    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#pool-health-body tr[data-pool='east']")));
    String defaults = "rests a number below 0.5 × the pool's 7-day answer rate (at least 40 calls in 24 h); rest 24 h,"
      + " then probation 24 h at 3 an hour; retired after 3 rests in 7 days; a flag rests it 14 days; short calls"
      + " under 6 s";
    assertThat(cells("#pool-health-body tr[data-pool='east'] td"))
      .containsExactly("east", "2", "2", "0", "0", "1", defaults, "Edit thresholds");
    assertThat(cells("#pool-health-body tr[data-pool='default'] td"))
      .containsExactly("default", "0", "0", "0", "1", "0", defaults, "Edit thresholds");
    assertThat(driver.findElement(By.id("health-form")).isDisplayed()).isFalse();

    driver.findElement(By.cssSelector("button[aria-label='Edit health thresholds of east']")).click();
    WebElement minCalls = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("health-min_calls")));
    assertThat(driver.findElement(By.id("health-form-title")).getText()).isEqualTo("Health thresholds of pool east");
    assertThat(minCalls.getAttribute("value")).isEqualTo("40");
    assertThat(driver.findElement(By.id("health-auto_rest")).isSelected()).isTrue();
    minCalls.clear();
    minCalls.sendKeys("5");
    driver.findElement(By.id("health-save")).click();

    wait.until(ExpectedConditions.textToBe(By.id("notice"), "Health thresholds of east not saved: "
      + "health.min_calls: a whole number from 10 to 100000, got 5"));
    assertThat(driver.findElement(By.id("health-form")).isDisplayed()).isTrue();
    assertThat(poolOf("east").getJsonObject("health").getInteger("min_calls")).isEqualTo(40);
    screenshot("pools-health");

    minCalls.clear();
    minCalls.sendKeys("60");
    driver.findElement(By.id("health-save")).click();

    wait.until(ExpectedConditions.textToBe(By.id("notice"), "Health thresholds of east saved."));
    wait.until(d -> cells("#pool-health-body tr[data-pool='east'] td").get(6).contains("(at least 60 calls in 24 h)"));
    assertThat(driver.findElement(By.id("health-form")).isDisplayed()).isFalse();
    assertThat(poolOf("east").getJsonObject("health").getInteger("min_calls")).isEqualTo(60);
    // Only the threshold changed was sent: the others still follow their defaults.
    JsonObject stored = server.sql.query("SELECT health FROM pools WHERE name = 'east'").execute().await()
      .iterator().next().getJsonObject("health");
    assertThat(stored).isEqualTo(new JsonObject().put("min_calls", 60));
  }

  @Test
  void theOverviewCountsTheNumbersRestedAndFlaggedTodayAndThoseOutOfRotation() {
    server.seed(TestServer.numbers("512", 5));
    setHealth("5125550100", "resting");
    setHealth("5125550101", "retired");
    setHealth("5125550103", "probation");
    // The rest ladder audits each rest (a retirement as a rest too), and the overview counts today's.
    server.sql.query("""
        INSERT INTO audit_log (actor, role, action, target, before, after)
        VALUES ('system', 'system', 'caller_id.rest', '5125550100', '{"health": "healthy"}', '{"health": "resting"}'),
               ('system', 'system', 'caller_id.rest', '5125550101', '{"health": "healthy"}', '{"health": "retired"}'),
               ('system', 'system', 'caller_id.rest', '5125550101', '{"health": "healthy"}', '{"health": "resting"}')
               """).execute().await();
    flag("5125550102");
    login(ADMIN, ADMIN_PASSWORD);

    wait.until(ExpectedConditions.textToBe(By.id("stat-out"), "3"));
    assertThat(driver.findElement(By.id("stat-out-parts")).getText()).isEqualTo("1 resting · 1 retired · 1 flagged");
    assertThat(driver.findElement(By.id("stat-probation")).getText()).isEqualTo("1");
    assertThat(driver.findElement(By.id("stat-rested")).getText()).isEqualTo("3");
    assertThat(driver.findElement(By.id("stat-flagged")).getText()).isEqualTo("1");
    screenshot("overview-health");

    // The live stream's counts follow: another number flagged shows within a stats event (every 2 s).
    flag("5125550104");
    wait.until(ExpectedConditions.textToBe(By.id("stat-flagged"), "2"));
    assertThat(driver.findElement(By.id("stat-out")).getText()).isEqualTo("4");
  }

  @Test
  void aFlagCsvWithABadLineIsRefusedNamingItAndAGoodOneFlagsItsNumbers() throws IOException {
    server.seed(TestServer.numbers("512", 2));
    login(ADMIN, ADMIN_PASSWORD);
    open("numbers");
    wait.until(d -> rowCids("numbers-body").size() == 2);

    uploadFlags("caller_id,source,label\n5125550100,Hiya,Spam Risk\n5125550101,,Spam Risk\n");

    wait.until(ExpectedConditions.textToBe(By.id("flag-import-error"), "Flags not imported: line 3: source: required"
      + " (who labelled the number: a carrier, a service); nothing was flagged"));
    assertThat(healthOf("5125550100").getString("health_state")).isEqualTo("healthy");

    uploadFlags("caller_id,source,label,flagged_on,note\n5125550100,Hiya,Spam Risk,2025-11-30,\n"
      + "5125550101,T-Mobile,Scam Likely,2025-11-30,weekly report\n");

    wait.until(ExpectedConditions.textToBe(By.id("flag-import-summary"),
      "Recorded 2 flags on 2 numbers: 2 flagged now (out of rotation), 0 kept retired."));
    wait.until(d -> cells("#numbers-body td.health").equals(List.of("flagged", "flagged")));
    assertThat(healthOf("5125550101").getString("health_state")).isEqualTo("flagged");
    screenshot("flag-import");
  }

  @Test
  void aViewerSeesNumberHealthButNoHealthControls() {
    server.seed(TestServer.numbers("512", 1));
    flag("5125550100");
    login(VIEWER, VIEWER_PASSWORD);
    open("numbers");
    wait.until(d -> rowCids("numbers-body").size() == 1);
    assertThat(driver.findElement(By.id("flag-import")).isDisplayed()).isFalse();

    openNumberDetail("5125550100");
    wait.until(d -> "flagged".equals(healthFact("State")));
    assertThat(cells("#detail-flags tr td").get(6)).isEqualTo("open");
    assertThat(driver.findElement(By.id("health-actions")).isDisplayed()).isFalse();
    assertThat(driver.findElement(By.id("unflag")).isDisplayed()).isFalse();
    assertThat(driver.findElement(By.id("flag-form")).isDisplayed()).isFalse();

    open("pools");
    wait.until(ExpectedConditions.visibilityOfElementLocated(
      By.cssSelector("#pool-health-body tr[data-pool='default']")));
    assertThat(cells("#pool-health-body tr[data-pool='default'] td").subList(0, 6))
      .containsExactly("default", "0", "0", "0", "0", "1");
    assertThat(driver.findElements(By.cssSelector("#pool-health-body button"))).isEmpty();
  }

  /** Puts a number in a state of the rest ladder straight in PostgreSQL (the list and the counts read it there). */
  private static void setHealth(String callerId, String state) {
    server.sql.preparedQuery("""
        UPDATE caller_ids SET health = $2, health_since = now(),
          health_until = CASE WHEN $2 IN ('resting', 'probation', 'flagged') THEN now() + interval '4 hours' END
        WHERE caller_id = $1""").execute(Tuple.of(callerId, state)).await();
  }

  /** Flags a number through the API, as an admin. */
  private static void flag(String callerId) {
    assertThat(server.http.post("/api/caller-ids/" + callerId + "/flags").putHeader("Authorization", server.bearer())
      .sendJsonObject(new JsonObject().put("source", "Hiya").put("label", "Spam Risk")).await().statusCode())
      .isEqualTo(201);
  }

  private static JsonObject healthOf(String callerId) {
    return server.http.get("/api/caller-ids/" + callerId).putHeader("Authorization", server.bearer())
      .send().await().bodyAsJsonObject();
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  /** What the detail's health section says for {@code name}, or null while it says nothing of it. */
  private String healthFact(String name) {
    return (String) driver.executeScript("const dt = Array.from(document.querySelectorAll('#detail-health-facts dt'))"
      + ".find((t) => t.textContent === arguments[0]); return dt ? dt.nextElementSibling.textContent : null;", name);
  }

  private void uploadFlags(String csv) throws IOException {
    Path file = Files.createTempFile("dashboard-flags", ".csv");
    file.toFile().deleteOnExit();
    Files.writeString(file, csv);
    WebElement input = driver.findElement(By.id("flag-import-file"));
    driver.executeScript("arguments[0].value = '';", input);
    input.sendKeys(file.toAbsolutePath().toString());
    driver.findElement(By.id("flag-import-submit")).click();
  }

  private static void createPool(JsonObject pool) {
    assertThat(server.http.post("/api/pools").putHeader("Authorization", server.bearer()).sendJsonObject(pool).await()
      .statusCode()).isEqualTo(201);
  }

  /** The rows of the live feed, once the stream's first stats arrived: what the server sent before them is drawn. */
  private int feedRowsSentFirst() {
    wait.until(d -> !d.findElement(By.id("stat-apm")).getText().equals("-"));
    return feedRows();
  }

  private int feedRows() {
    return driver.findElements(By.cssSelector("#feed tr")).size();
  }

  @SuppressWarnings("unchecked")
  private List<String> cells(String selector) {
    return (List<String>) driver.executeScript("return Array.from(document.querySelectorAll(arguments[0]))"
      + ".map((cell) => cell.innerText);", selector);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void allocateAndRelease(String destination, String campaign) {
    HttpResponse<Buffer> next = server.http.get("/next-cid").addQueryParam("to", destination)
      .addQueryParam("campaign", campaign).send().await();
    assertThat(next.statusCode()).isEqualTo(200);
    String callerId = next.bodyAsJsonObject().getString("caller_id");
    assertThat(server.http.get("/release").addQueryParam("caller_id", callerId).send().await().statusCode())
      .isEqualTo(200);
  }

  /** How many live reservations the server holds (its Redis, through the API). */
  private static int reservationsTotal() {
    return server.http.get("/api/reservations").putHeader("Authorization", server.bearer())
      .send().await().bodyAsJsonObject().getInteger("total");
  }

  private static JsonObject poolOf(String name) {
    return server.http.get("/api/pools/" + name).putHeader("Authorization", server.bearer())
      .send().await().bodyAsJsonObject();
  }

  private static JsonArray prefixesOf(String callerId) {
    return server.http.get("/api/caller-ids/" + callerId).putHeader("Authorization", server.bearer())
      .send().await().bodyAsJsonObject().getJsonArray("prefixes");
  }

  private static JsonArray historyOf(String callerId) {
    return server.http.get("/api/caller-ids/" + callerId + "/history").putHeader("Authorization", server.bearer())
      .send().await().bodyAsJsonObject().getJsonArray("items");
  }

  private void fillLogin(String username, String password) {
    browser.fillLogin(username, password);
  }

  private void login(String username, String password) {
    browser.login(wait, username, password);
  }

  private void open(String view) {
    browser.open(wait, view);
  }

  /** Opens the numbers view and a number's detail, as a user would, once the detail shows that number. */
  private void openNumberDetail(String callerId) {
    open("numbers");
    wait.until(ExpectedConditions.elementToBeClickable(
      By.cssSelector("#numbers-body tr[data-cid='" + callerId + "'] button.link"))).click();
    wait.until(ExpectedConditions.textToBe(By.id("detail-title"), "Number " + callerId));
  }

  /** Read in one script: the views redraw their rows as the stream reports changes. */
  @SuppressWarnings("unchecked")
  private List<String> rowCids(String tbody) {
    return (List<String>) driver.executeScript("return Array.from(document.querySelectorAll(arguments[0]))"
      + ".map((row) => row.dataset.cid);", "#" + tbody + " tr[data-cid]");
  }

  private String token() {
    return browser.token();
  }

  private static String readString(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void screenshot(String name) {
    browser.screenshot(name);
  }
}
