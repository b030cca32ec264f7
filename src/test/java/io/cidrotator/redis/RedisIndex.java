package io.cidrotator.redis;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the Redis index holds, read for a test's assertions through the key names of {@link RedisKeys}; every
 * read blocks on the JUnit thread.
 */
public final class RedisIndex {

  private final Redis redis;

  public RedisIndex(Redis redis) {
    this.redis = redis;
  }

  public Response send(Request request) {
    return redis.send(request).await();
  }

  /** The numbers the index holds. */
  public List<String> numbers() {
    return members(RedisKeys.ALL);
  }

  /** The fields of the number's hash; empty when the index does not hold it. */
  public Map<String, String> number(String callerId) {
    return hash(RedisKeys.number(callerId));
  }

  /** The hourly and daily cap the index holds for the number. */
  public List<String> caps(String callerId) {
    Map<String, String> number = number(callerId);
    return List.of(number.get("hl"), number.get("dl"));
  }

  /** A hash's fields and values; empty when there is no such key. */
  public Map<String, String> hash(String key) {
    Map<String, String> hash = new TreeMap<>();
    Response reply = send(Request.cmd(Command.HGETALL).arg(key));
    reply.getKeys().forEach(field -> hash.put(field, reply.get(field).toString()));
    return hash;
  }

  public List<String> members(String key) {
    List<String> members = new ArrayList<>();
    send(Request.cmd(Command.SMEMBERS).arg(key)).forEach(member -> members.add(member.toString()));
    return members;
  }

  /** The score of {@code member} in a sorted set; null when it is not there. */
  public Double score(String key, String member) {
    Response score = send(Request.cmd(Command.ZSCORE).arg(key).arg(member));
    return score == null ? null : score.toDouble();
  }

  public boolean exists(String key) {
    return send(Request.cmd(Command.EXISTS).arg(key)).toInteger() == 1;
  }
}
