package io.cidrotator.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;

import java.util.UUID;

/**
 * Which Redis server the index was made whole on ({@code lua/origin.lua}, the key {@link RedisKeys#ORIGIN}). A
 * connection that reaches another server (a replica promoted by a failover, a restart from a snapshot or an AOF)
 * finds its data possibly short of the last writes: allocations wait until {@code InventorySync} has reconciled it
 * with PostgreSQL and {@link #mark marked} it.
 */
public final class Origin {

  public static final LuaScript LUA = LuaScript.load("origin");

  private Origin() {
  }

  /** A Redis server as its INFO describes it: its run id (new at every start) and whether it is a master. */
  public record Server(String runId, boolean master) {

    static Server of(String info) {
      String runId = null;
      boolean master = false;
      for (String line : info.split("\r?\n")) {
        if (line.startsWith("run_id:")) {
          runId = line.substring("run_id:".length()).trim();
        } else if (line.startsWith("role:")) {
          master = line.substring("role:".length()).trim().equals("master");
        }
      }
      if (runId == null) {
        throw new IllegalStateException("Redis INFO has no run_id");
      }
      return new Server(runId, master);
    }
  }

  /** What the server behind {@code conn} is. */
  static Future<Server> server(RedisConnection conn) {
    return conn.send(Request.cmd(Command.INFO))
      .map(reply -> Server.of(reply.toString()));
  }

  /** Whether the index was made whole on {@code server}; when not, renews the history's epoch (once per server). */
  static Future<Boolean> check(RedisConnection conn, Server server) {
    return conn.send(Request.cmd(Command.EVAL).arg(LUA.source()).arg(1).arg(RedisKeys.PREFIX)
        .arg(server.runId()).arg(UUID.randomUUID().toString()))
      .map(reply -> reply.toInteger() == 1);
  }

  /**
   * Marks the index loaded and made whole on {@code server} (one MSET), after a load, a rebuild or a reconciliation
   * that ran on it. A connection that moved to another server meanwhile marks that one with the old run id: it
   * stays unreconciled, as it must.
   */
  public static Future<Void> mark(ScriptRunner redis, Server server) {
    return redis.send(Request.cmd(Command.MSET)
        .arg(RedisKeys.LOADED).arg(Long.toString(System.currentTimeMillis()))
        .arg(RedisKeys.ORIGIN).arg(server.runId()))
      .mapEmpty();
  }
}
