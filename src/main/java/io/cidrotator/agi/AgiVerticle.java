package io.cidrotator.agi;

import io.cidrotator.AppConfig;
import io.cidrotator.allocation.AllocationClient;
import io.cidrotator.auth.AuthFailure;
import io.cidrotator.auth.DialerAccess;
import io.cidrotator.metrics.Metrics;
import io.cidrotator.phone.NanpNumber;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The FastAGI listener: {@code AGI(agi://host:4573/next-cid?campaign=X,${EXTEN})} sets CALLERID(num) and
 * the reservation on the channel, {@code AGI(agi://host:4573/release)} (in a hangup handler) ends it. The
 * dialplan waits on a FastAGI session with no timeout of its own, so every session is bounded here
 * (AGI_SESSION_TIMEOUT_MS), and every failure leaves the channel's caller-ID as VICIdial set it.
 * Several instances share the port.
 */
public final class AgiVerticle extends VerticleBase {

  /** The variables a session sets on the channel; the dialplan branches on STATUS. */
  static final String STATUS = "CIDROTATOR_STATUS";
  static final String REASON = "CIDROTATOR_REASON";
  static final String RESERVATION = "CIDROTATOR_RESERVATION";
  static final String CALLER_ID = "CIDROTATOR_CALLERID";

  private static final Logger LOG = LoggerFactory.getLogger(AgiVerticle.class);

  /** VICIdial's call id in CALLERID(name): V (auto), M (manual) or Y + MMDDhhmmss + the lead id (9 or 10 digits). */
  private static final Pattern CALL_KEY = Pattern.compile("[VMY][0-9]{19,20}");
  /** ${UNIQUEID}: epoch.sequence, after the system name when Asterisk has one. */
  private static final Pattern UNIQUE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern NAME = Pattern.compile("[\\x21-\\x7e]{1,64}");
  private static final Pattern RESERVATION_ID = Pattern.compile("[0-9a-f-]{36}");
  private static final Pattern DIAL_STATUS = Pattern.compile("[A-Z]{1,16}");

  private final AppConfig config;
  private final MeterRegistry registry = Metrics.registry();
  private AllocationClient allocation;
  private DialerAccess dialers;
  private NetServer server;

  public AgiVerticle(AppConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    allocation = new AllocationClient(vertx, config.allocationTimeoutMs());
    dialers = new DialerAccess(config.auth());
    return vertx.createNetServer(new NetServerOptions()
        .setHost(config.apiHost())
        .setPort(config.agiPort())
        .setTcpNoDelay(true))
      .connectHandler(this::session)
      .listen()
      .onSuccess(s -> server = s);
  }

  private void session(NetSocket socket) {
    String remote = socket.remoteAddress().hostAddress();
    if (!dialers.admits(remote)) {
      LOG.debug("FastAGI connection from {} refused: not in ALLOWED_DIALER_IPS", remote);
      socket.close();
      count("none", "refused");
      return;
    }
    AgiSession session = new AgiSession(socket);
    long timer = vertx.setTimer(config.agiSessionTimeoutMs(), id -> session.end(new AgiException("timeout",
      "no end within AGI_SESSION_TIMEOUT_MS")));
    session.environment()
      .onFailure(e -> count("none", outcomeOf(e)))
      .compose(env -> serve(session, env, remote))
      .onComplete(done -> {
        vertx.cancelTimer(timer);
        // Asterisk goes on with the dialplan once the connection closes.
        session.end(new AgiException("done", "session complete"));
      });
  }

  /** Runs the script and counts its outcome; completes when the script is done, failed or not. */
  private Future<Void> serve(AgiSession session, AgiEnvironment env, String remote) {
    return run(session, env, remote)
      .recover(e -> Future.succeededFuture(outcomeOf(e)))
      .onSuccess(outcome -> count(scriptLabel(env), outcome))
      .mapEmpty();
  }

  private Future<String> run(AgiSession session, AgiEnvironment env, String remote) {
    String script = env.script();
    if (!script.equals("next-cid") && !script.equals("release")) {
      return failed(session, "unknown_script");
    }
    AuthFailure refused;
    try {
      refused = dialers.check(env.query("key"), remote);
    } catch (IllegalArgumentException e) {
      return failed(session, "bad_request");
    }
    if (refused != null) {
      return failed(session, "unauthorized");
    }
    return script.equals("next-cid") ? nextCid(session, env) : release(session, env);
  }

  /**
   * Arguments win over the script's query string: agi_arg_1 the destination, agi_arg_2 the campaign, agi_arg_3
   * the agent; an absent or empty argument falls back to {@code ?to=&campaign=&agent=}, the destination then to
   * agi_extension (the dialed digits, outside-line prefix and all).
   */
  private Future<String> nextCid(AgiSession session, AgiEnvironment env) {
    JsonObject request;
    try {
      String to = firstOf(env.arg(1), env.query("to"), env.get("extension"));
      NanpNumber destination = NanpNumber.parse("destination", to == null ? "" : to, config.dialPrefixes());
      request = AllocationClient.request(destination,
        name("campaign", firstOf(env.arg(2), env.query("campaign"))),
        name("agent", firstOf(env.arg(3), env.query("agent"))),
        matching(CALL_KEY, env.get("calleridname")), matching(UNIQUE_ID, env.get("uniqueid")));
    } catch (IllegalArgumentException e) {
      return failed(session, "bad_request");
    }
    return allocation.allocate(request)
      .transform(allocated -> allocated.succeeded()
        ? present(session, allocated.result())
        : failed(session, outcomeOf(allocated.cause())));
  }

  /**
   * The reservation goes on the channel before the number, so a hangup handler can release whatever number
   * the call carries. When the session ends before CALLERID(num) was sent, no call uses the number: it is
   * released at once rather than held until its TTL.
   */
  private Future<String> present(AgiSession session, JsonObject allocated) {
    String callerId = allocated.getString("caller_id");
    String reservation = allocated.getString("reservation");
    return session.setVariable(RESERVATION, reservation)
      .compose(v -> session.setVariable(CALLER_ID, callerId))
      .onFailure(e -> allocation.release(AllocationClient.releaseRequest(callerId, reservation)))
      .compose(v -> session.setVariable("CALLERID(num)", callerId))
      .compose(v -> session.setVariable(STATUS, "OK"))
      .map("ok");
  }

  /**
   * Identifies the call by the variables next-cid set (CIDROTATOR_CALLERID and CIDROTATOR_RESERVATION), by
   * VICIdial's call id and by ${UNIQUEID}, and passes on how it ended (DIALSTATUS, ANSWEREDTIME, HANGUPCAUSE).
   */
  private Future<String> release(AgiSession session, AgiEnvironment env) {
    return session.getVariables(CALLER_ID, RESERVATION, "DIALSTATUS", "ANSWEREDTIME", "HANGUPCAUSE")
      .compose(channel -> released(session, env, channel));
  }

  private Future<String> released(AgiSession session, AgiEnvironment env, Map<String, String> channel) {
    JsonObject request;
    try {
      String callerId = channel.containsKey(CALLER_ID)
        ? NanpNumber.parse("caller_id", channel.get(CALLER_ID), List.of()).digits()
        : null;
      String reservation = matching(RESERVATION_ID, channel.get(RESERVATION));
      String callKey = matching(CALL_KEY, env.get("calleridname"));
      String uid = matching(UNIQUE_ID, env.get("uniqueid"));
      if (callerId == null && callKey == null && uid == null) {
        return failed(session, "bad_request");
      }
      AllocationClient.Outcome outcome = new AllocationClient.Outcome(matching(DIAL_STATUS, channel.get("DIALSTATUS")),
        wholeNumber(channel.get("ANSWEREDTIME")), wholeNumber(channel.get("HANGUPCAUSE")));
      request = AllocationClient.releaseRequest(callerId, reservation, callKey, uid, outcome);
    } catch (IllegalArgumentException e) {
      return failed(session, "bad_request");
    }
    return allocation.release(request)
      .transform(released -> released.succeeded()
        ? session.setVariable(STATUS, "OK").map("ok")
        : failed(session, outcomeOf(released.cause())));
  }

  /** Sets the failure on the channel (CALLERID untouched); the dialplan dials with VICIdial's caller-ID. */
  private static Future<String> failed(AgiSession session, String reason) {
    return session.setVariable(STATUS, "FAILED")
      .compose(v -> session.setVariable(REASON, reason))
      .map(reason);
  }

  /** The metrics label of a failure, and the CIDROTATOR_REASON of a failed allocation or release. */
  private static String outcomeOf(Throwable e) {
    if (e instanceof AgiException agi) {
      return agi.outcome;
    }
    if (e instanceof ReplyException reply) {
      return switch (reply.failureType()) {
        case TIMEOUT, NO_HANDLERS -> "unavailable";
        default -> switch (reply.failureCode()) {
          case 400, 422 -> "bad_request";
          case 404 -> "not_found";
          case 429 -> "rate_limited";
          case 503 -> "unavailable";
          default -> "error";
        };
      };
    }
    LOG.error("Unexpected failure in a FastAGI session", e);
    return "error";
  }

  private void count(String script, String outcome) {
    Counter.builder("cidrotator_agi_sessions")
      .description("FastAGI sessions by script and outcome")
      .tag("script", script)
      .tag("outcome", outcome)
      .register(registry)
      .increment();
  }

  /** A bounded label: the script name only when it is one of ours. */
  private static String scriptLabel(AgiEnvironment env) {
    String script = env.script();
    return script.equals("next-cid") || script.equals("release") ? script : "unknown";
  }

  /** {@code value} when it has the expected shape, else null: an identifier that is not one is left out. */
  private static String matching(Pattern shape, String value) {
    return value != null && shape.matcher(value).matches() ? value : null;
  }

  private static String name(String field, String value) {
    if (value != null && !NAME.matcher(value).matches()) {
      throw new IllegalArgumentException(field + ": at most 64 printable characters without spaces");
    }
    return value;
  }

  /** A whole number of seconds or a cause code; null when unset or not a number. */
  private static Integer wholeNumber(String value) {
    return value != null && value.matches("[0-9]{1,9}") ? Integer.valueOf(value) : null;
  }

  private static String firstOf(String... values) {
    for (String value : values) {
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  /** The bound port (AGI_PORT). */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
