package io.cidrotator.agi;

import io.cidrotator.AppConfig;
import io.cidrotator.ListenFailure;
import io.cidrotator.StopOrder;
import io.cidrotator.allocation.AllocationClient;
import io.cidrotator.auth.AuthFailure;
import io.cidrotator.auth.DialerAccess;
import io.cidrotator.dialer.Allocation;
import io.cidrotator.dialer.AllocationRequest;
import io.cidrotator.dialer.CallEnd;
import io.cidrotator.dialer.CallIdentity;
import io.cidrotator.dialer.DialerOutcome;
import io.cidrotator.dialer.ReleaseRequest;
import io.cidrotator.http.ApiErrors;
import io.cidrotator.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

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

  private final AppConfig config;
  private final MeterRegistry registry = Metrics.registry();
  private AllocationClient allocation;
  private DialerAccess dialers;
  private final StopOrder stopOrder;
  private NetServer server;

  public AgiVerticle(AppConfig config, StopOrder stopOrder) {
    this.config = config;
    this.stopOrder = stopOrder;
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
      .recover(e -> Future.failedFuture(ListenFailure.explain(e, "AGI_PORT", config.apiHost(), config.agiPort(),
        " (0 turns the FastAGI listener off)")))
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
      return failed(session, outcomeOf(e));
    }
    if (refused != null) {
      return failed(session, DialerOutcome.ofStatus(refused.status()).label());
    }
    return script.equals("next-cid") ? nextCid(session, env) : release(session, env);
  }

  /**
   * Arguments win over the script's query string: agi_arg_1 the destination, agi_arg_2 the campaign, agi_arg_3
   * the agent; an absent or empty argument falls back to {@code ?to=&campaign=&agent=}, the destination then to
   * agi_extension (the dialed digits, outside-line prefix and all). The call key is VICIdial's call id in
   * CALLERID(name), the uid ${UNIQUEID}: the same request, parsed the same way, as {@code GET /next-cid}'s.
   */
  private Future<String> nextCid(AgiSession session, AgiEnvironment env) {
    Function<String, String> param = name -> switch (name) {
      case "to" -> firstOf(env.arg(1), env.query("to"), env.get("extension"));
      case "campaign" -> firstOf(env.arg(2), env.query("campaign"));
      case "agent" -> firstOf(env.arg(3), env.query("agent"));
      case "callkey" -> env.get("calleridname");
      case "uid" -> env.get("uniqueid");
      default -> null;
    };
    AllocationRequest request;
    try {
      request = AllocationRequest.parse(param, config.dialPrefixes());
    } catch (IllegalArgumentException | HttpException e) {
      return failed(session, outcomeOf(e));
    }
    return allocation.allocate(request, session::ended)
      .transform(allocated -> allocated.succeeded()
        ? present(session, allocated.result())
        : failed(session, outcomeOf(allocated.cause())));
  }

  /**
   * The reservation goes on the channel before the number, so a hangup handler can release whatever number
   * the call carries. When the session ends before CALLERID(num) was sent, no call uses the number: it is
   * released at once rather than held until its TTL.
   */
  private Future<String> present(AgiSession session, Allocation allocated) {
    String callerId = allocated.callerId();
    String reservation = allocated.reservation();
    return session.setVariable(RESERVATION, reservation)
      .compose(v -> session.setVariable(CALLER_ID, callerId))
      .onFailure(e -> allocation.release(new ReleaseRequest(callerId, reservation, CallIdentity.ANONYMOUS, CallEnd.UNKNOWN)))
      .compose(v -> session.setVariable("CALLERID(num)", callerId))
      .compose(v -> session.setVariable(STATUS, "OK"))
      .map("ok");
  }

  /**
   * Identifies the call by the variables next-cid set (CIDROTATOR_CALLERID and CIDROTATOR_RESERVATION), by
   * VICIdial's call id and by ${UNIQUEID}, and passes on how it ended (DIALSTATUS, ANSWEREDTIME, HANGUPCAUSE):
   * the same request, parsed the same way, as {@code /release}'s.
   */
  private Future<String> release(AgiSession session, AgiEnvironment env) {
    return session.getVariables(CALLER_ID, RESERVATION, "DIALSTATUS", "ANSWEREDTIME", "HANGUPCAUSE")
      .compose(channel -> released(session, env, channel));
  }

  private Future<String> released(AgiSession session, AgiEnvironment env, Map<String, String> channel) {
    Function<String, String> param = name -> switch (name) {
      case "caller_id" -> channel.get(CALLER_ID);
      case "reservation" -> channel.get(RESERVATION);
      case "callkey" -> env.get("calleridname");
      case "uid" -> env.get("uniqueid");
      case "dialstatus" -> channel.get("DIALSTATUS");
      case "answered" -> channel.get("ANSWEREDTIME");
      case "cause" -> channel.get("HANGUPCAUSE");
      default -> null;
    };
    ReleaseRequest request;
    try {
      request = ReleaseRequest.parse(param);
    } catch (HttpException e) {
      return failed(session, outcomeOf(e));
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

  /**
   * The metrics label of a failure, and the CIDROTATOR_REASON of a failed allocation or release: what ended the
   * session, else the dialer outcome of the status the HTTP routes would answer ({@link ApiErrors#answerOf}).
   */
  private static String outcomeOf(Throwable e) {
    if (e instanceof AgiException agi) {
      return agi.outcome;
    }
    if (e instanceof IllegalArgumentException) {
      // A query string that is not validly %-encoded.
      return DialerOutcome.BAD_REQUEST.label();
    }
    ApiErrors.Answer answer = ApiErrors.answerOf(e);
    if (answer == null) {
      LOG.error("Unexpected failure in a FastAGI session", e);
      return DialerOutcome.ERROR.label();
    }
    return DialerOutcome.ofStatus(answer.status()).label();
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

  /** Stops accepting, lets the sessions in flight end (at most the grace period), then closes ({@link StopOrder}). */
  @Override
  public Future<?> stop() {
    Future<Void> closing = server == null ? Future.succeededFuture()
      : server.shutdown(stopOrder.graceMs(), TimeUnit.MILLISECONDS);
    return closing.eventually(() -> {
      stopOrder.frontDoorClosed();
      return Future.succeededFuture();
    });
  }
}
