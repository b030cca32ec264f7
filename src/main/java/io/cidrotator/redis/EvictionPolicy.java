package io.cidrotator.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

/**
 * Redis must never evict a key: a reservation or a cap counter that vanished under memory pressure would hand a
 * number on a live call out again, or past its cap, without a trace. Read from INFO (CONFIG is often disabled on
 * managed Redis services), at start.
 */
public final class EvictionPolicy {

  static final String REQUIRED = "noeviction";

  private EvictionPolicy() {
  }

  /** Succeeds when Redis's maxmemory-policy is noeviction; fails saying what to set otherwise. */
  public static Future<Void> check(ScriptRunner redis) {
    return redis.send(Request.cmd(Command.INFO).arg("memory"))
      .compose(info -> {
        String policy = policyOf(info.toString());
        if (policy == null || policy.equals(REQUIRED)) {
          return Future.succeededFuture();
        }
        return Future.failedFuture(new IllegalStateException("Redis: maxmemory-policy is " + policy
          + ", which lets Redis evict reservations and cap counts under memory pressure (a number on a live call "
          + "handed out again, a cap exceeded). Set maxmemory-policy noeviction (redis.conf, or "
          + "CONFIG SET maxmemory-policy noeviction) and start again."));
      });
  }

  /** The maxmemory_policy line of INFO memory; null when the server does not say. */
  static String policyOf(String info) {
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("maxmemory_policy:")) {
        return line.substring("maxmemory_policy:".length()).trim();
      }
    }
    return null;
  }
}
