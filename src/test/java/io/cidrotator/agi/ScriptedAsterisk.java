package io.cidrotator.agi;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.parsetools.RecordParser;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Asterisk's side of FastAGI sessions, scripted: connects to the server's AGI port, sends a channel's
 * environment, answers each command as Asterisk does (SET VARIABLE stores on the channel, GET VARIABLE reads
 * from it, anything else is 510) and records the commands until the server closes the connection.
 */
final class ScriptedAsterisk implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final NetClient client;
  private final int port;

  /** Connections from {@code localAddress} (Linux routes all of 127.0.0.0/8 to the loopback). */
  ScriptedAsterisk(int port, String localAddress) {
    this.client = vertx.createNetClient(new NetClientOptions().setLocalAddress(localAddress).setTcpNoDelay(true));
    this.port = port;
  }

  ScriptedAsterisk(int port) {
    this(port, "127.0.0.1");
  }

  @Override
  public void close() {
    vertx.close().await();
  }

  /** A FastAGI session of {@code channel}; completes when the server closed it. */
  Future<Transcript> run(Channel channel) {
    StringBuilder environment = new StringBuilder();
    channel.environment.forEach((name, value) -> environment.append(name).append(": ").append(value).append('\n'));
    return session(channel, Buffer.buffer(environment.append('\n').toString()));
  }

  /** A session that opens with {@code bytes} instead of an environment. */
  Future<Transcript> raw(Buffer bytes) {
    return session(new Channel(0, "next-cid"), bytes);
  }

  private Future<Transcript> session(Channel channel, Buffer opening) {
    long started = System.nanoTime();
    List<String> commands = new ArrayList<>();
    return client.connect(port, "127.0.0.1")
      .compose(socket -> {
        Promise<Transcript> closed = Promise.promise();
        socket.handler(RecordParser.newDelimited("\n", line -> {
          String command = line.toString(StandardCharsets.UTF_8);
          commands.add(command);
          socket.write(channel.answer(command));
        }));
        // The server may close while the opening is still being written: a reset, not a test failure.
        socket.exceptionHandler(e -> { });
        socket.closeHandler(v -> closed.complete(new Transcript(List.copyOf(commands),
          (System.nanoTime() - started) / 1_000_000)));
        socket.write(opening);
        return closed.future();
      });
  }

  /** The commands the server sent in one session, and how long the session lasted. */
  record Transcript(List<String> commands, long elapsedMs) {
  }

  /**
   * A call on its way out, as VICIdial places it: CALLERID(name) holds its call id, the extension the dialed
   * digits with the outside-line prefix and the country code. Channel variables outlive a session.
   */
  static final class Channel {

    final Map<String, String> environment = new LinkedHashMap<>();
    final Map<String, String> variables = new ConcurrentHashMap<>();
    private String refused;
    private boolean hangupFirst;

    /** Channel {@code n} (its unique id and call id derive from it) calling agi://.../{@code script}. */
    Channel(int n, String script) {
      env("network", "yes");
      env("network_script", script);
      env("request", "agi://127.0.0.1:4573/" + script);
      env("channel", "SIP/carrier-" + String.format("%08x", n));
      env("language", "en");
      env("type", "SIP");
      env("uniqueid", "1732612345." + n);
      env("version", "20.20.0");
      env("callerid", "8005550100");
      env("calleridname", "V1126093015" + String.format("%010d", n));
      env("callingpres", "0");
      env("callingani2", "0");
      env("callington", "0");
      env("callingtns", "0");
      env("dnid", "unknown");
      env("rdnis", "unknown");
      env("context", "default");
      env("extension", "915125551234");
      env("priority", "1");
      env("enhanced", "0.0");
      env("accountcode", "");
      env("threadid", "140245");
    }

    /** Sets {@code agi_<name>}. */
    Channel env(String name, String value) {
      environment.put("agi_" + name, value);
      return this;
    }

    /** Points the next session at another script (agi_network_script and agi_request). */
    Channel script(String script) {
      return env("network_script", script).env("request", "agi://127.0.0.1:4573/" + script);
    }

    /** Answers the commands starting with {@code prefix} with a multi-line 520, as Asterisk does for bad syntax. */
    Channel refuse(String prefix) {
      refused = prefix;
      return this;
    }

    /** Sends HANGUP before every answer, as Asterisk does once the caller hung up. */
    Channel hangupFirst() {
      hangupFirst = true;
      return this;
    }

    String answer(String command) {
      return (hangupFirst ? "HANGUP\n" : "") + answerOnly(command);
    }

    private String answerOnly(String command) {
      if (refused != null && command.startsWith(refused)) {
        return "520-Invalid command syntax.  Proper usage follows:\n"
          + "Usage: SET VARIABLE <variablename> <value>\n"
          + "520 End of proper usage.\n";
      }
      if (command.startsWith("SET VARIABLE ")) {
        String[] parts = command.substring("SET VARIABLE ".length()).split(" ", 2);
        variables.put(parts[0], parts[1].replaceAll("^\"|\"$", ""));
        return "200 result=1\n";
      }
      if (command.startsWith("GET VARIABLE ")) {
        String value = variables.get(command.substring("GET VARIABLE ".length()));
        return value == null ? "200 result=0\n" : "200 result=1 (" + value + ")\n";
      }
      return "510 Invalid or unknown command\n";
    }
  }
}
