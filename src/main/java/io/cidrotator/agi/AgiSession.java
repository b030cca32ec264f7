package io.cidrotator.agi;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * One FastAGI connection from Asterisk: reads the environment, then sends one command at a time and
 * reads its answer. Lives on the event loop of the verticle that accepted it; never blocks.
 */
final class AgiSession {

  /** Longer lines are not Asterisk's: the session ends rather than buffer them. */
  static final int MAX_LINE = 8 * 1024;

  private final NetSocket socket;
  private final AgiEnvironment.Reader reader = new AgiEnvironment.Reader();
  private final Promise<AgiEnvironment> environment = Promise.promise();
  private Promise<String> answer;
  private boolean continuation;
  private AgiException ended;

  AgiSession(NetSocket socket) {
    this.socket = socket;
    RecordParser lines = RecordParser.newDelimited("\n")
      .maxRecordSize(MAX_LINE)
      .handler(this::line);
    lines.exceptionHandler(e -> end(new AgiException("malformed", "a line longer than " + MAX_LINE + " bytes")));
    socket.handler(lines);
    socket.exceptionHandler(e -> end(new AgiException("hangup", "connection error: " + e.getMessage())));
    socket.closeHandler(v -> end(new AgiException("hangup", "Asterisk closed the connection")));
  }

  /** The environment, once its empty line arrived; fails when the session ends first or it is malformed. */
  Future<AgiEnvironment> environment() {
    return environment.future();
  }

  /** {@code SET VARIABLE name "value"}; the value must need no escaping (digits, ids, words). */
  Future<Void> setVariable(String name, String value) {
    return command("SET VARIABLE " + name + " \"" + value + "\"").mapEmpty();
  }

  /** {@code GET VARIABLE name}: the value, or null when the channel has no such variable. */
  Future<String> getVariable(String name) {
    return command("GET VARIABLE " + name).map(AgiSession::variableValue);
  }

  /** GET VARIABLE of each name, one after the other: the variables the channel has, by name. */
  Future<Map<String, String>> getVariables(String... names) {
    Map<String, String> values = new HashMap<>();
    Future<Void> chain = Future.succeededFuture();
    for (String name : names) {
      chain = chain
        .compose(v -> getVariable(name))
        .map(value -> {
          if (value != null) {
            values.put(name, value);
          }
          return null;
        });
    }
    return chain.map(values);
  }

  /** Whether the session ended (Asterisk closed the connection, or it was ended here). */
  boolean ended() {
    return ended != null;
  }

  /** Ends the session: fails what is pending with {@code reason} and closes the connection. */
  void end(AgiException reason) {
    if (ended != null) {
      return;
    }
    ended = reason;
    environment.tryFail(reason);
    if (answer != null) {
      answer.tryFail(reason);
    }
    socket.close();
  }

  /** Sends one command; succeeds with what follows {@code 200 } in its answer, fails on any other answer. */
  private Future<String> command(String line) {
    if (ended != null) {
      return Future.failedFuture(ended);
    }
    answer = Promise.promise();
    Future<String> result = answer.future();
    socket.write(line + "\n");
    return result;
  }

  private void line(Buffer buffer) {
    if (ended != null) {
      return;
    }
    String line = buffer.toString(StandardCharsets.UTF_8);
    if (line.endsWith("\r")) {
      line = line.substring(0, line.length() - 1);
    }
    if (!environment.future().isComplete()) {
      environmentLine(line);
    } else if (answer != null && !answer.future().isComplete()) {
      answerLine(line);
    }
    // Anything else (HANGUP after the last answer, stray lines) needs no answer: ignored.
  }

  private void environmentLine(String line) {
    try {
      AgiEnvironment complete = reader.add(line);
      if (complete != null) {
        environment.complete(complete);
      }
    } catch (IllegalArgumentException e) {
      end(new AgiException("malformed", e.getMessage()));
    }
  }

  /**
   * Asterisk answers {@code 200 result=...}, {@code 510 ...}, or {@code 520-...} lines up to
   * {@code 520 End of proper usage.}; it may send {@code HANGUP} before any answer once the caller hung up.
   */
  private void answerLine(String line) {
    if (line.startsWith("HANGUP")) {
      return;
    }
    if (line.startsWith("520-")) {
      continuation = true;
      return;
    }
    if (continuation && !line.startsWith("520 ")) {
      return;
    }
    continuation = false;
    if (line.startsWith("200 ")) {
      answer.complete(line.substring(4));
    } else {
      answer.fail(new AgiException("agi_error", "Asterisk refused a command: " + printable(line)));
    }
  }

  /** {@code result=1 (value)} is a set variable, {@code result=0} an unset one. */
  private static String variableValue(String result) {
    int open = result.indexOf('(');
    int close = result.lastIndexOf(')');
    if (!result.startsWith("result=1") || open < 0 || close < open) {
      return null;
    }
    return result.substring(open + 1, close);
  }

  private static String printable(String line) {
    String shortened = line.length() > 80 ? line.substring(0, 80) + "..." : line;
    return shortened.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
