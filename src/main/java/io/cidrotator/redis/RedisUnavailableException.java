package io.cidrotator.redis;

/** Redis cannot be reached right now; maps to 503. */
public final class RedisUnavailableException extends RuntimeException {

  public RedisUnavailableException(String message) {
    super(message, null, false, false);
  }
}
