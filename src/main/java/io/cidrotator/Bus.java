package io.cidrotator;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Event-bus addresses, one per operation, and the one way a consumer answers. */
public final class Bus {

  public static final String ALLOCATE = "cidrotator.allocation.next";
  public static final String RELEASE = "cidrotator.allocation.release";
  public static final String TAKE_BACK = "cidrotator.allocation.take-back";
  public static final String RESERVATION_COUNT = "cidrotator.allocation.reservation-count";
  public static final String REDIS_PING = "cidrotator.allocation.ping";

  public static final String CSV_IMPORT = "cidrotator.inventory.csv-import";
  public static final String CSV_EXPORT_PAGE = "cidrotator.inventory.csv-export-page";

  public static final String INVENTORY_COUNTS = "cidrotator.inventory.counts";
  public static final String INVENTORY_RELOAD = "cidrotator.inventory.reload";
  public static final String DATABASE_PING = "cidrotator.inventory.ping";
  /**
   * To each allocator: the history events it answered that are not known written yet (a HistoryBatch reply, the
   * allocator's id in the "allocator" header, the history stream entry of the last event in "last"), for a catch-up
   * when Redis lost its history stream.
   */
  public static final String HISTORY_UNWRITTEN = "cidrotator.history.unwritten";
  /** Published on this node by the history writer: the id of the last history stream entry written (a String). */
  public static final String HISTORY_WRITTEN = "cidrotator.history.written";
  /** The history writer's state: entries waiting in the history stream, batches written. */
  public static final String HISTORY_STATUS = "cidrotator.history.status";
  /** A page of the allocation history as CSV, for GET /api/history/export. */
  public static final String HISTORY_EXPORT_PAGE = "cidrotator.history.export-page";
  /** Published: every HistoryBatch the allocators gather (AllocatorHistory), for the open /api/live streams. */
  public static final String FEED = "cidrotator.history.feed";

  public static final String CALLER_ID_LIST = "cidrotator.caller-ids.list";
  public static final String CALLER_ID_GET = "cidrotator.caller-ids.get";
  public static final String CALLER_ID_CREATE = "cidrotator.caller-ids.create";
  public static final String CALLER_ID_UPDATE = "cidrotator.caller-ids.update";
  public static final String CALLER_ID_DELETE = "cidrotator.caller-ids.delete";
  public static final String CALLER_ID_HISTORY = "cidrotator.caller-ids.history";
  /** One round of the rest ladder now ({@code at}: as of that time, ms; tests simulate a day with it). */
  public static final String HEALTH_ROUND = "cidrotator.health.round";
  /** Records spam flags ({@code {flags, actor}}); ends a number's open flags; a number's flags. */
  public static final String FLAG = "cidrotator.flags.flag";
  public static final String UNFLAG = "cidrotator.flags.unflag";
  public static final String FLAG_LIST = "cidrotator.flags.list";
  /** Reads the pool gauges afresh (before a /metrics scrape); answers {} once done. */
  public static final String POOL_GAUGES = "cidrotator.pools.gauges";
  /** Webhook targets: list, read, create, change, delete, their delivery log, the test button. */
  public static final String WEBHOOK_LIST = "cidrotator.webhooks.list";
  public static final String WEBHOOK_GET = "cidrotator.webhooks.get";
  public static final String WEBHOOK_CREATE = "cidrotator.webhooks.create";
  public static final String WEBHOOK_UPDATE = "cidrotator.webhooks.update";
  public static final String WEBHOOK_DELETE = "cidrotator.webhooks.delete";
  public static final String WEBHOOK_DELIVERIES = "cidrotator.webhooks.deliveries";
  public static final String WEBHOOK_TEST = "cidrotator.webhooks.test";
  /** Sends the deliveries due ({@code at}: as of that time, ms; tests use it for the retries). */
  public static final String WEBHOOK_SEND_DUE = "cidrotator.webhooks.send-due";
  /** An event for the webhooks ({@code {event, subject, summary, data}}; sent, not requested, by the features). */
  public static final String ALERT = "cidrotator.alerts.fire";
  /** One watch of the alert conditions ({@code at}: as of that time, ms). */
  public static final String ALERT_WATCH = "cidrotator.alerts.watch";
  public static final String AUDIT_PAGE = "cidrotator.audit.page";
  public static final String AUDIT_RECORD = "cidrotator.audit.record";

  // Pools and campaign mappings (admin verticle), live reservations (allocators).
  public static final String POOL_LIST = "cidrotator.pools.list";
  public static final String POOL_GET = "cidrotator.pools.get";
  public static final String POOL_CREATE = "cidrotator.pools.create";
  public static final String POOL_UPDATE = "cidrotator.pools.update";
  public static final String POOL_DELETE = "cidrotator.pools.delete";
  public static final String CAMPAIGN_LIST = "cidrotator.campaigns.list";
  public static final String CAMPAIGN_GET = "cidrotator.campaigns.get";
  public static final String CAMPAIGN_CREATE = "cidrotator.campaigns.create";
  public static final String CAMPAIGN_PUT = "cidrotator.campaigns.put";
  public static final String CAMPAIGN_DELETE = "cidrotator.campaigns.delete";
  public static final String RESERVATION_LIST = "cidrotator.allocation.reservations";
  public static final String RESERVATION_RELEASE_CAMPAIGN = "cidrotator.allocation.release-campaign";

  // The dashboard's charts (admin verticle).
  public static final String CHART_ALLOCATIONS = "cidrotator.charts.allocations";
  public static final String CHART_AREA_CODES = "cidrotator.charts.area-codes";
  public static final String CHART_USAGE_TODAY = "cidrotator.charts.usage-today";
  public static final String CHART_CAMPAIGNS = "cidrotator.charts.campaigns";
  public static final String COVERAGE = "cidrotator.coverage";
  /** A dry run of an allocation: the tiers, the number they pick and why (explain). */
  public static final String EXPLAIN = "cidrotator.explain";

  private static final Logger LOG = LoggerFactory.getLogger(Bus.class);

  private Bus() {
  }

  /** Once per Vert.x instance and type: {@code type} crosses the bus by reference, within this JVM only. */
  public static <T> void registerLocalCodec(Vertx vertx, Class<T> type) {
    vertx.eventBus().registerDefaultCodec(type, new LocalCodec<>(type));
  }

  /**
   * Registers {@code handler} on {@code address}; resolves once the consumer is registered. A handler
   * that throws instead of returning a failed future is still answered, never left to time out.
   */
  public static Future<Void> consume(Vertx vertx, String address, Function<JsonObject, Future<JsonObject>> handler) {
    return vertx.eventBus()
      .consumer(address, (Message<JsonObject> msg) -> {
        Future<JsonObject> result;
        try {
          result = handler.apply(msg.body());
        } catch (RuntimeException e) {
          result = Future.failedFuture(e);
        }
        reply(msg, result);
      })
      .completion();
  }

  /** Registers every handler of {@code features} as it is ({@link #consume}); resolves once all are registered. */
  public static Future<Void> consumeAll(Vertx vertx, List<Handlers> features) {
    return consumeAll(vertx, features, null);
  }

  /**
   * Registers every handler of {@code features} the same way ({@link #consume}), each failure first passed through
   * {@code failures} when it is not null; resolves once all are registered.
   */
  public static Future<Void> consumeAll(Vertx vertx, List<Handlers> features,
                                        Function<Throwable, Future<JsonObject>> failures) {
    List<Future<Void>> registered = new ArrayList<>();
    for (Handlers feature : features) {
      feature.handlers().forEach((address, handler) -> registered.add(consume(vertx, address, failures == null
        ? handler
        : request -> handler.apply(request).recover(failures))));
    }
    return Future.all(registered).mapEmpty();
  }

  /**
   * The request/reply consumers of one feature, by address: what a verticle registers for it with
   * {@link #consumeAll}. Each takes the request body and answers a body, or fails with a {@link Failure}.
   */
  public interface Handlers {

    Map<String, Function<JsonObject, Future<JsonObject>>> handlers();
  }

  /**
   * Requests with one send timeout: what a feature's client sends its messages through. A consumer that does not
   * answer in time fails the request with a TIMEOUT {@link ReplyException}; a failed answer keeps its code.
   */
  public record Sender(Vertx vertx, DeliveryOptions options) {

    public Sender(Vertx vertx, long timeoutMs) {
      this(vertx, new DeliveryOptions().setSendTimeout(timeoutMs));
    }

    /** Sends {@code body} to the consumer of {@code address}; succeeds with its JSON answer. */
    public Future<JsonObject> request(String address, JsonObject body) {
      return vertx.eventBus()
        .<JsonObject>request(address, body, options)
        .map(Message::body);
    }
  }

  /** A list answer, {@code {items: [...]}}: each element (a row, a record) as {@code toJson} shapes it. */
  public static <T> JsonObject items(Iterable<T> elements, Function<T, JsonObject> toJson) {
    JsonArray items = new JsonArray();
    elements.forEach(element -> items.add(toJson.apply(element)));
    return new JsonObject().put("items", items);
  }

  /**
   * Replies with the result, or fails the message with the HTTP status the failure maps to: a
   * {@link Failure} keeps its status, anything else is logged once and 500.
   */
  public static <T> void reply(Message<?> msg, Future<T> result) {
    result
      .onSuccess(msg::reply)
      .onFailure(e -> {
        if (e instanceof Failure f) {
          msg.fail(f.status, f.getMessage());
        } else if (e instanceof ReplyException r) {
          msg.fail(r.failureCode(), r.getMessage());
        } else {
          LOG.error("Unexpected failure on {}", msg.address(), e);
          msg.fail(500, "internal error");
        }
      });
  }

  /**
   * Hands a body over by reference: for immutable data, or data its sender no longer touches, sent
   * between verticles of one JVM. It cannot cross a cluster.
   */
  private static final class LocalCodec<T> implements MessageCodec<T, T> {

    private final String name;

    LocalCodec(Class<T> type) {
      this.name = "local-" + type.getName();
    }

    @Override
    public void encodeToWire(Buffer buffer, T body) {
      throw new UnsupportedOperationException(name + " is local to this JVM");
    }

    @Override
    public T decodeFromWire(int pos, Buffer buffer) {
      throw new UnsupportedOperationException(name + " is local to this JVM");
    }

    @Override
    public T transform(T body) {
      return body;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }

  /** A failure a consumer means to send back, with the HTTP status it stands for. */
  public static class Failure extends RuntimeException {

    public final int status;

    public Failure(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }
}
