package io.cidrotator.http;

import io.cidrotator.Bus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one mapping from a failure to an HTTP answer: HttpException keeps its status, a failed bus reply
 * keeps its failure code, a bus timeout or missing consumer is 503, anything else is a 500 logged once.
 * Bodies are {@code {"detail": "..."}} as in the old tool, unless the route chose another {@link FailureFormat}
 * (the dialer routes' text and kv answers).
 */
public final class ApiErrors {

  private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);
  private static final String FORMAT = "cidrotator.failure-format";

  private ApiErrors() {
  }

  /** How a route writes the body of a failure it answers, when JSON will not do. */
  public interface FailureFormat {

    /** Ends {@code response} (its status already set) with {@code detail}. */
    void end(HttpServerResponse response, int status, String detail);
  }

  /** Makes the failures of this request answer in {@code format}. */
  public static void answerFailuresAs(RoutingContext ctx, FailureFormat format) {
    ctx.put(FORMAT, format);
  }

  /** The router's failure handler (and its 404 and 405 handler). */
  public static void handle(RoutingContext ctx) {
    if (ctx.response().ended()) {
      return;
    }
    Throwable failure = ctx.failure();
    if (failure instanceof HttpClosedException) {
      // The client went away mid-request (its body cut short): nobody to answer, nothing to report.
      return;
    }
    Answer answer;
    if (failure == null) {
      int status = ctx.statusCode() >= 400 ? ctx.statusCode() : 500;
      answer = new Answer(status, defaultDetail(status));
    } else {
      answer = answerOf(failure);
      if (answer == null) {
        LOG.error("Unexpected failure on {} {}", ctx.request().method(), ctx.request().path(), failure);
        answer = new Answer(500, "internal error");
      }
    }
    if (answer.status() == 401) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
    }
    ctx.response().setStatusCode(answer.status());
    FailureFormat format = ctx.get(FORMAT);
    if (format != null) {
      format.end(ctx.response(), answer.status(), answer.detail());
    } else {
      ctx.json(new JsonObject().put("detail", answer.detail()));
    }
  }

  /** What a failure answers: its status and the sentence of the body. */
  public record Answer(int status, String detail) {
  }

  /**
   * The answer a failure stands for (FastAGI maps its failures with it too): an HttpException keeps its status,
   * a failed bus reply its failure code (400-599), a bus timeout or missing consumer is 503, a
   * {@link Bus.Failure} keeps its status. Null for any other failure: nobody meant it (a bug), the caller logs
   * it once and answers 500.
   */
  public static Answer answerOf(Throwable failure) {
    if (failure instanceof HttpException http) {
      return new Answer(http.getStatusCode(), http.getPayload() != null ? http.getPayload()
        : defaultDetail(http.getStatusCode()));
    }
    if (failure instanceof ReplyException reply) {
      return switch (reply.failureType()) {
        case TIMEOUT -> new Answer(503, "no answer from the allocator in time (Redis slow or unreachable)");
        case NO_HANDLERS -> new Answer(503, "the service is starting or stopping");
        default -> new Answer(reply.failureCode() >= 400 && reply.failureCode() < 600 ? reply.failureCode() : 500,
          reply.getMessage());
      };
    }
    if (failure instanceof Bus.Failure f) {
      // A failure from a call that did not cross the bus (the bench's direct allocator): the same statuses.
      return new Answer(f.status, f.getMessage());
    }
    if (fromHttpDecoder(failure)) {
      return new Answer(400, "the request is not valid HTTP: " + failure.getMessage());
    }
    return null;
  }

  /** A failure of Netty's HTTP decoder reading the request (a bad chunk size, a broken body): the client's fault. */
  private static boolean fromHttpDecoder(Throwable failure) {
    StackTraceElement[] stack = failure.getStackTrace();
    return stack.length > 0 && stack[0].getClassName().startsWith("io.netty.handler.codec.http.");
  }

  private static String defaultDetail(int status) {
    return switch (status) {
      case 401 -> "missing or invalid credentials";
      case 403 -> "forbidden";
      case 404 -> "not found";
      case 405 -> "method not allowed";
      case 413 -> "request body too large";
      default -> "request failed";
    };
  }
}
