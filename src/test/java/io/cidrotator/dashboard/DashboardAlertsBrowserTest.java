package io.cidrotator.dashboard;

import io.cidrotator.TestServer;
import io.cidrotator.alert.Signature;
import io.cidrotator.alert.WebhookReceiver;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard's Alerts view in Debian's headless Chromium against a real server, its webhooks posting to a real
 * receiver: adding a target (the server's 400 detail on bad input, a secret the server made shown once), the test
 * button, the delivery log, editing, deactivating and deleting, and no such view for a viewer. The same setup as
 * {@link DashboardBrowserTest}; every wait is an explicit WebDriverWait.
 */
class DashboardAlertsBrowserTest {

  private static final String ADMIN = DashboardBrowser.ADMIN;
  private static final String ADMIN_PASSWORD = DashboardBrowser.ADMIN_PASSWORD;
  private static final String VIEWER = DashboardBrowser.VIEWER;
  private static final String VIEWER_PASSWORD = DashboardBrowser.VIEWER_PASSWORD;
  private static final String SECRET = "s3cret-s3cret-s3cret";

  private static DashboardBrowser browser;
  private static TestServer server;
  private static ChromeDriver driver;
  private static String base;

  private WebDriverWait wait;
  private WebhookReceiver receiver;

  @BeforeAll
  static void startServerAndBrowser() throws IOException {
    if (!DashboardBrowser.installed()) {
      return;
    }
    browser = DashboardBrowser.start();
    server = browser.server;
    driver = browser.driver;
    base = browser.base;
  }

  @AfterAll
  static void stopBrowserAndServer() throws IOException {
    if (browser != null) {
      browser.close();
    }
  }

  /** No webhooks (TestServer.reset truncates them), a receiver answering 200, and the login form. */
  @BeforeEach
  void signedOutWithoutWebhooksAndAReceiver() {
    assumeTrue(DashboardBrowser.installed(), DashboardBrowser.MISSING);
    server.reset();
    receiver = new WebhookReceiver(server.vertx);
    wait = browser.signedOut();
  }

  /** A script error or a Content-Security-Policy refusal fails the test (refused requests are the API's answers). */
  @AfterEach
  void noScriptErrorsThenSignOut() {
    if (receiver != null) {
      receiver.close();
    }
    if (driver == null) {
      return;
    }
    assertThat(browser.consoleErrorsThenSignOut()).as("browser console errors").isEmpty();
  }

  @Test
  void theFormExplainsEachEventNextToItsThresholdsWhoseDefaultsAreTheServers() {
    long id = createWebhook(new JsonObject().put("url", receiver.url()).put("events", new JsonArray()
      .add("number.flagged")));
    JsonObject defaults = webhook(id).bodyAsJsonObject().getJsonObject("conditions");
    login(ADMIN, ADMIN_PASSWORD);
    open("alerts");

    assertThat(driver.findElement(By.id("webhook-form-title")).getText()).isEqualTo("New webhook target");
    assertThat(eventText("pool.free_low")).isEqualTo("A pool's free numbers (neither reserved nor at their cap) stay"
      + " under this share of its numbers in rotation for this many minutes.");
    assertThat(eventText("area_code.no_local_number")).isEqualTo("This many calls to one area code within 15 minutes"
      + " found no free number of that area code (every server's calls together).");
    assertThat(eventText("numbers.rested")).isEqualTo("More than this many of a pool's numbers were rested (or"
      + " retired) for their answer rate in the last hour.");
    assertThat(eventText("number.flagged")).isEqualTo("A number was flagged as spam (one alert per flag, or per CSV of"
      + " flags).");
    assertThat(eventText("dependency.down")).isEqualTo("Redis or PostgreSQL has been unreachable from a server for"
      + " this many seconds.");
    // Each threshold sits in its event's block, its default (what the server stores for a target without
    // thresholds) as the placeholder.
    assertThat(driver.findElement(By.cssSelector("#webhook-event-pool-free_low-text + .thresholds-fields")).getText())
      .isEqualTo("Free under (%)\nFor (minutes)");
    for (String field : defaults.fieldNames()) {
      assertThat(driver.findElement(By.id("webhook-" + field)).getAttribute("placeholder")).as(field)
        .isEqualTo(String.valueOf(defaults.getInteger(field)));
    }
    assertThat(driver.findElement(By.id("webhook-secret-hint")).getText()).isEqualTo("The HMAC-SHA256 key of the"
      + " signature, 16 to 256 characters. Leave it empty and the server makes one, shown once after the target is"
      + " added.");
    assertThat(driver.executeScript("return Array.from(document.querySelectorAll('#webhook-form input'))"
      + ".filter((i) => i.labels.length === 0).map((i) => i.id);")).as("fields without a label").isEqualTo(List.of());
    screenshot("alerts-form");
  }

  @Test
  void aTargetAddedOnThePageIsListedAndStoredWithItsEventsAndThresholds() {
    login(ADMIN, ADMIN_PASSWORD);
    open("alerts");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("webhooks-empty")));
    assertThat(driver.findElement(By.id("webhooks-empty")).getText())
      .isEqualTo("No webhook targets yet: add one below.");

    driver.findElement(By.id("webhook-url")).sendKeys(receiver.url());
    driver.findElement(By.id("webhook-description")).sendKeys("On-call pager");
    eventBox("pool.free_low").click();
    eventBox("number.flagged").click();
    driver.findElement(By.id("webhook-pool_free_percent")).sendKeys("20");
    driver.findElement(By.id("webhook-cooldown_minutes")).sendKeys("15");
    driver.findElement(By.id("webhook-secret-input")).sendKeys(SECRET);
    driver.findElement(By.id("webhook-submit")).click();

    wait.until(ExpectedConditions.textToBe(By.id("notice"), "Webhook target " + receiver.url() + " added."));
    JsonArray items = webhooks();
    assertThat(items).hasSize(1);
    JsonObject stored = items.getJsonObject(0);
    long id = stored.getLong("id");
    wait.until(ExpectedConditions.visibilityOfElementLocated(rowOf(id)));
    assertThat(cells(id).subList(0, 5)).containsExactly(receiver.url(),
      "pool.free_low: under 20% for 5 min\nnumber.flagged", "15 min", "yes", "On-call pager");
    assertThat(driver.findElement(By.id("webhooks-empty")).isDisplayed()).isFalse();
    assertThat(stored.getJsonArray("events")).isEqualTo(new JsonArray().add("pool.free_low").add("number.flagged"));
    assertThat(stored.getJsonObject("conditions")).isEqualTo(new JsonObject().put("pool_free_percent", 20)
      .put("pool_free_minutes", 5).put("no_local_calls", 20).put("rested_per_hour", 5).put("down_seconds", 30)
      .put("cooldown_minutes", 15));
    assertThat(stored.getString("description")).isEqualTo("On-call pager");
    assertThat(stored.getBoolean("active")).isTrue();
    assertThat(stored.getBoolean("secret_set")).isTrue();
    // The secret was the admin's own: nothing to show; the form is empty for the next target.
    assertThat(driver.findElement(By.id("webhook-secret")).isDisplayed()).isFalse();
    assertThat(driver.findElement(By.id("webhook-url")).getAttribute("value")).isEmpty();
    assertThat(eventBox("pool.free_low").isSelected()).isFalse();
    screenshot("alerts-added");
  }

  @Test
  void sendTestShowsDeliveredAndTheReceiverGetsOneSignedTestEvent() {
    long id = createWebhook(new JsonObject().put("url", receiver.url()).put("secret", SECRET)
      .put("events", new JsonArray().add("pool.free_low")));
    login(ADMIN, ADMIN_PASSWORD);
    open("alerts");

    button(id, "test").click();

    wait.until(ExpectedConditions.textToBe(By.id("notice"), "Test to " + receiver.url() + " delivered (HTTP 200)."));
    assertThat(driver.findElement(By.id("notice")).getAttribute("class")).doesNotContain("error");
    WebhookReceiver.Received got = receiver.await("test");
    assertThat(got.event()).isEqualTo("test");
    assertThat(got.signature()).isEqualTo(Signature.of(SECRET, got.body()));
    assertThat(got.json().getString("summary")).isEqualTo("A test of this webhook from cid-rotator");

    button(id, "log").click();

    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#deliveries-body tr")));
    assertThat(driver.findElement(By.id("deliveries-title")).getText()).isEqualTo("Deliveries to " + receiver.url());
    List<String> logged = cells("#deliveries-body tr td");
    // Created, Event, Subject, Status, (Attempts), Last answer, Last error, Next attempt, Delivered.
    assertThat(List.of(logged.get(1), logged.get(2), logged.get(3), logged.get(5), logged.get(6), logged.get(7)))
      .containsExactly("test", "-", "delivered", "200", "-", "-");
    assertThat(logged.get(0)).isNotEqualTo("-");
    assertThat(logged.get(8)).isNotEqualTo("-");
    screenshot("alerts-test-delivered");
  }

  @Test
  void aTestTheReceiverRefusesShowsItsAnswerAsTheError() {
    long id = createWebhook(new JsonObject().put("url", receiver.url()).put("events", new JsonArray()
      .add("number.flagged")));
    receiver.answer(503);
    login(ADMIN, ADMIN_PASSWORD);
    open("alerts");
    button(id, "log").click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("deliveries-empty")));
    assertThat(driver.findElement(By.id("deliveries-empty")).getText()).isEqualTo("Nothing sent to this target yet.");

    button(id, "test").click();

    wait.until(ExpectedConditions.textToBe(By.id("notice"), "Test to " + receiver.url() + " failed: HTTP 503"));
    assertThat(driver.findElement(By.id("notice")).getAttribute("class")).contains("error");
    // The open log follows: the failed test is in it.
    wait.until(d -> cells("#deliveries-body tr td").size() == 9);
    List<String> logged = cells("#deliveries-body tr td");
    assertThat(List.of(logged.get(1), logged.get(3), logged.get(5), logged.get(6), logged.get(8)))
      .containsExactly("test", "failed", "503", "HTTP 503", "-");
    assertThat(driver.findElement(By.id("deliveries-empty")).isDisplayed()).isFalse();
  }

  @Test
  void theDeliveryLogShowsAnAlertDeliveredToTheReceiver() {
    server.seed(TestServer.numbers("512", 1));
    long id = createWebhook(new JsonObject().put("url", receiver.url()).put("secret", SECRET)
      .put("events", new JsonArray().add("number.flagged")));
    assertThat(server.http.post("/api/caller-ids/5125550100/flags").putHeader("Authorization", server.bearer())
      .sendJsonObject(new JsonObject().put("source", "T-Mobile").put("label", "Scam Likely")).await().statusCode())
      .isEqualTo(201);
    receiver.await("number.flagged");
    wait.until(d -> deliveries(id).stream().map(JsonObject.class::cast)
      .anyMatch(delivery -> delivery.getString("status").equals("delivered")));
    login(ADMIN, ADMIN_PASSWORD);
    open("alerts");

    button(id, "log").click();

    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#deliveries-body tr")));
    List<String> logged = cells("#deliveries-body tr td");
    assertThat(logged.subList(1, 8))
      .containsExactly("number.flagged", "5125550100", "delivered", "1", "200", "-", "-");
    assertThat(driver.findElement(By.cssSelector("#deliveries-body tr .badge")).getAttribute("class"))
      .isEqualTo("badge delivery-delivered");
    screenshot("alerts-deliveries");

    driver.findElement(By.id("deliveries-close")).click();
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("webhook-deliveries")));
  }

  @Test
  void aBadUrlOrThresholdShowsTheServersReasonAndAddsNothing() {
    login(ADMIN, ADMIN_PASSWORD);
    open("alerts");
    WebElement url = driver.findElement(By.id("webhook-url"));
    url.sendKeys("ftp://x");
    eventBox("number.flagged").click();
    driver.findElement(By.id("webhook-submit")).click();

    wait.until(ExpectedConditions.textToBe(By.id("notice"),
      "Webhook target not added: url: must start with http:// or https://, got 'ftp://x'"));
    assertThat(driver.findElement(By.id("notice")).getAttribute("class")).contains("error");
    assertThat(webhooks()).isEmpty();
    // What was typed stays, to be put right.
    assertThat(url.getAttribute("value")).isEqualTo("ftp://x");
    assertThat(eventBox("number.flagged").isSelected()).isTrue();
    screenshot("alerts-bad-url");

    url.clear();
    url.sendKeys(receiver.url());
    eventBox("pool.free_low").click();
    driver.findElement(By.id("webhook-pool_free_percent")).sendKeys("0");
    driver.findElement(By.id("webhook-submit")).click();

    wait.until(ExpectedConditions.textToBe(By.id("notice"),
      "Webhook target not added: conditions.pool_free_percent: a whole number from 1 to 99, got 0"));
    assertThat(webhooks()).isEmpty();
    assertThat(driver.findElement(By.id("webhooks-empty")).isDisplayed()).isTrue();
  }

  @Test
  void aSecretTheServerMakesIsShownOnceAndSignsTheAlerts() {
    login(ADMIN, ADMIN_PASSWORD);
    open("alerts");
    driver.findElement(By.id("webhook-url")).sendKeys(receiver.url());
    eventBox("dependency.down").click();
    driver.findElement(By.id("webhook-submit")).click();

    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("webhook-secret")));
    String secret = driver.findElement(By.id("webhook-secret-value")).getText();
    assertThat(secret).matches("[A-Za-z0-9_-]{43}");
    assertThat(driver.findElement(By.id("webhook-secret-note")).getText()).isEqualTo("The server made this secret for "
      + receiver.url() + ". It is shown only now: copy it to the receiver, which checks the X-CidRotator-Signature"
      + " header with it.");
    JsonObject stored = webhooks().getJsonObject(0);
    assertThat(stored.containsKey("secret")).isFalse();
    assertThat(stored.getBoolean("secret_set")).isTrue();
    screenshot("alerts-secret");

    // The secret shown is the one the server signs with.
    button(stored.getLong("id"), "test").click();
    wait.until(ExpectedConditions.textToBe(By.id("notice"), "Test to " + receiver.url() + " delivered (HTTP 200)."));
    WebhookReceiver.Received got = receiver.await("test");
    assertThat(got.signature()).isEqualTo(Signature.of(secret, got.body()));

    // Shown once: back on the view, it is gone from the page.
    open("overview");
    open("alerts");
    wait.until(ExpectedConditions.visibilityOfElementLocated(rowOf(stored.getLong("id"))));
    assertThat(driver.findElement(By.id("webhook-secret")).isDisplayed()).isFalse();
    assertThat(driver.findElement(By.id("webhook-secret-value")).getAttribute("textContent")).isEmpty();
    assertThat((String) driver.executeScript("return document.body.textContent;")).doesNotContain(secret);
  }

  @Test
  void aTargetDeactivatedOnThePageIsInactiveInTheApi() {
    long id = createWebhook(new JsonObject().put("url", receiver.url()).put("events", new JsonArray()
      .add("number.flagged")));
    login(ADMIN, ADMIN_PASSWORD);
    open("alerts");
    WebElement toggle = wait.until(ExpectedConditions.elementToBeClickable(button(id, "toggle")));
    assertThat(toggle.getText()).isEqualTo("Deactivate");
    assertThat(toggle.getAttribute("aria-label")).isEqualTo("Deactivate " + receiver.url());

    toggle.click();

    wait.until(ExpectedConditions.textToBe(By.id("notice"), receiver.url() + " deactivated."));
    wait.until(d -> "no".equals(cells(id).get(3)));
    assertThat(webhook(id).bodyAsJsonObject().getBoolean("active")).isFalse();
    assertThat(button(id, "toggle").getText()).isEqualTo("Activate");
  }

  @Test
  void editingATargetSendsWhatChangedAndAnEmptyThresholdReturnsToItsDefault() {
    long id = createWebhook(new JsonObject().put("url", receiver.url()).put("description", "pager")
      .put("events", new JsonArray().add("pool.free_low"))
      .put("conditions", new JsonObject().put("pool_free_percent", 20).put("cooldown_minutes", 15)));
    login(ADMIN, ADMIN_PASSWORD);
    open("alerts");
    wait.until(ExpectedConditions.elementToBeClickable(button(id, "edit"))).click();

    wait.until(ExpectedConditions.textToBe(By.id("webhook-form-title"), "Edit webhook target " + receiver.url()));
    assertThat(driver.findElement(By.id("webhook-url")).getAttribute("value")).isEqualTo(receiver.url());
    assertThat(eventBox("pool.free_low").isSelected()).isTrue();
    assertThat(eventBox("area_code.no_local_number").isSelected()).isFalse();
    WebElement percent = driver.findElement(By.id("webhook-pool_free_percent"));
    assertThat(percent.getAttribute("value")).isEqualTo("20");
    assertThat(driver.findElement(By.id("webhook-submit")).getText()).isEqualTo("Save target");
    assertThat(driver.findElement(By.id("webhook-secret-hint")).getText())
      .isEqualTo("Empty: the target keeps its secret. A new one replaces it at once.");
    percent.clear();
    eventBox("area_code.no_local_number").click();
    WebElement calls = driver.findElement(By.id("webhook-no_local_calls"));
    calls.clear();
    calls.sendKeys("5");
    driver.findElement(By.id("webhook-submit")).click();

    wait.until(ExpectedConditions.textToBe(By.id("notice"), "Webhook target " + receiver.url() + " saved."));
    wait.until(d -> cells(id).get(1).equals("pool.free_low: under 10% for 5 min\n"
      + "area_code.no_local_number: 5 calls in 15 min"));
    assertThat(driver.findElement(By.id("webhook-form-title")).getText()).isEqualTo("New webhook target");
    JsonObject saved = webhook(id).bodyAsJsonObject();
    assertThat(saved.getJsonArray("events"))
      .isEqualTo(new JsonArray().add("pool.free_low").add("area_code.no_local_number"));
    assertThat(saved.getJsonObject("conditions").getInteger("pool_free_percent")).isEqualTo(10);
    assertThat(saved.getString("description")).isEqualTo("pager");
    // Only what changed was sent: the cooldown set before stays, the emptied threshold follows the default again.
    JsonObject conditions = server.sql.query("SELECT conditions FROM webhooks").execute().await()
      .iterator().next().getJsonObject("conditions");
    assertThat(conditions).isEqualTo(new JsonObject().put("cooldown_minutes", 15).put("no_local_calls", 5));
  }

  @Test
  void deletingATargetAsksFirstThenRemovesIt() {
    long id = createWebhook(new JsonObject().put("url", receiver.url()).put("events", new JsonArray()
      .add("number.flagged")));
    login(ADMIN, ADMIN_PASSWORD);
    open("alerts");
    WebElement delete = wait.until(ExpectedConditions.elementToBeClickable(button(id, "delete")));

    delete.click();
    assertThat(wait.until(ExpectedConditions.alertIsPresent()).getText())
      .isEqualTo("Delete the webhook target " + receiver.url() + " and its delivery log?");
    driver.switchTo().alert().dismiss();
    assertThat(webhook(id).statusCode()).isEqualTo(200);
    assertThat(driver.findElements(rowOf(id))).hasSize(1);

    delete.click();
    wait.until(ExpectedConditions.alertIsPresent()).accept();

    wait.until(ExpectedConditions.textToBe(By.id("notice"), receiver.url() + " deleted."));
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("webhooks-empty")));
    assertThat(driver.findElements(rowOf(id))).isEmpty();
    assertThat(webhook(id).statusCode()).isEqualTo(404);
  }

  @Test
  void aViewerHasNoAlertsViewAndTheApiRefusesThemTheTargets() {
    createWebhook(new JsonObject().put("url", receiver.url()).put("events", new JsonArray().add("number.flagged")));
    login(VIEWER, VIEWER_PASSWORD);
    assertThat(driver.findElement(By.cssSelector("nav a[data-view='alerts']")).isDisplayed()).isFalse();
    assertThat(driver.findElement(By.cssSelector("nav a[data-view='pools']")).isDisplayed()).isTrue();

    // Named in the address bar, the view does not open either: the open one stays, and a fresh page opens the
    // overview.
    open("pools");
    goTo("#alerts");

    assertThat(driver.findElement(By.id("view-alerts")).isDisplayed()).isFalse();
    assertThat(driver.findElement(By.id("view-pools")).isDisplayed()).isTrue();
    driver.navigate().refresh();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("view-overview")));
    assertThat(driver.getCurrentUrl()).endsWith("#alerts");
    assertThat(driver.findElement(By.id("view-alerts")).isDisplayed()).isFalse();
    assertThat(driver.findElements(By.cssSelector("#webhooks-body tr"))).isEmpty();
    assertThat(driver.findElement(By.id("notice")).getText()).isEmpty();
    HttpResponse<Buffer> list = server.http.get("/api/webhooks").putHeader("Authorization", "Bearer " + token())
      .send().await();
    assertThat(list.statusCode()).isEqualTo(403);
  }

  @Test
  void onATabletTheAlertsViewFitsTheWidthWithoutScrollingSideways() {
    long id = createWebhook(new JsonObject().put("url", receiver.url() + "/a-rather-long-path/of-the-receiver")
      .put("description", "On-call pager").put("events", new JsonArray().add("pool.free_low")
        .add("area_code.no_local_number").add("numbers.rested").add("number.flagged").add("dependency.down")));
    login(ADMIN, ADMIN_PASSWORD);
    driver.manage().window().setSize(new Dimension(820, 1180));
    try {
      open("alerts");
      wait.until(ExpectedConditions.visibilityOfElementLocated(rowOf(id)));
      Object overflow = driver.executeScript(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
      assertThat(((Number) overflow).longValue()).isLessThanOrEqualTo(0);
      screenshot("alerts-tablet");
    } finally {
      driver.manage().window().setSize(new Dimension(1280, 900));
    }
  }

  @Test
  void onADesktopTheAdminsHeaderHoldsEveryLinkAndLogOutOnOneLine() {
    login(ADMIN, ADMIN_PASSWORD);

    // On the brand's row: an element whose box overlaps the brand's vertically (a second row starts below it).
    Object lines = driver.executeScript("const brand = document.querySelector('.top .brand').getBoundingClientRect();"
      + "return [...document.querySelectorAll('.top nav a'), document.getElementById('logout')]"
      + ".filter((e) => e.offsetParent !== null).map((e) => e.getBoundingClientRect())"
      + ".filter((r) => r.top >= brand.bottom || r.bottom <= brand.top).length + 1;");

    Object layout = driver.executeScript("return [...document.querySelectorAll('.top > *, .top nav a')]"
      + ".filter((e) => e.offsetParent !== null).map((e) => { const r = e.getBoundingClientRect();"
      + " return (e.id || e.className || e.tagName) + ' ' + e.textContent.trim().slice(0, 20) + ' x' + Math.round(r.left)"
      + " + ' y' + Math.round(r.top) + ' w' + Math.round(r.width); }).join('; ');");
    assertThat(((Number) lines).longValue()).as("rows of the header at 1280 px: %s", layout).isEqualTo(1);
  }

  /** Adds a target through the API, as an admin; answers its id. */
  private static long createWebhook(JsonObject webhook) {
    HttpResponse<Buffer> created = server.http.post("/api/webhooks").putHeader("Authorization", server.bearer())
      .sendJsonObject(webhook).await();
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    return created.bodyAsJsonObject().getLong("id");
  }

  private static JsonArray webhooks() {
    return server.http.get("/api/webhooks").putHeader("Authorization", server.bearer())
      .send().await().bodyAsJsonObject().getJsonArray("items");
  }

  private static HttpResponse<Buffer> webhook(long id) {
    return server.http.request(HttpMethod.GET, "/api/webhooks/" + id).putHeader("Authorization", server.bearer())
      .send().await();
  }

  private static JsonArray deliveries(long id) {
    return server.http.get("/api/webhooks/" + id + "/deliveries").putHeader("Authorization", server.bearer())
      .send().await().bodyAsJsonObject().getJsonArray("items");
  }

  private static By rowOf(long id) {
    return By.cssSelector("#webhooks-body tr[data-webhook='" + id + "']");
  }

  /** A button of a target's row by its class: edit, toggle, test, log, delete. */
  private WebElement button(long id, String kind) {
    return wait.until(ExpectedConditions.elementToBeClickable(
      By.cssSelector("#webhooks-body tr[data-webhook='" + id + "'] button." + kind)));
  }

  private WebElement eventBox(String event) {
    return driver.findElement(By.cssSelector("#webhook-events input[name=events][value='" + event + "']"));
  }

  /** What the form says of an event, next to its checkbox and thresholds. */
  private String eventText(String event) {
    return driver.findElement(By.id("webhook-event-" + event.replace('.', '-') + "-text")).getText();
  }

  private List<String> cells(long id) {
    return cells("#webhooks-body tr[data-webhook='" + id + "'] td");
  }

  @SuppressWarnings("unchecked")
  private List<String> cells(String selector) {
    return (List<String>) driver.executeScript("return Array.from(document.querySelectorAll(arguments[0]))"
      + ".map((cell) => cell.innerText);", selector);
  }

  private void login(String username, String password) {
    browser.login(wait, username, password);
  }

  private void open(String view) {
    browser.open(wait, view);
  }

  /** Sets the address's #hash, once the page's own hashchange listener has run. */
  private void goTo(String hash) {
    driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
      + "window.addEventListener('hashchange', () => done(), { once: true }); location.hash = arguments[0];", hash);
  }

  private String token() {
    return browser.token();
  }

  private void screenshot(String name) {
    browser.screenshot(name);
  }
}
