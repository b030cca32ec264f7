package io.cidrotator.redis;

import io.cidrotator.Bus;

/** Redis cannot be reached right now: a 503. */
public final class RedisUnavailableException extends Bus.Failure {

  public RedisUnavailableException(String message) {
    super(503, message);
  }
}
