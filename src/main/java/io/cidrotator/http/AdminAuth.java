package io.cidrotator.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Admin routes: {@code Authorization: Bearer <ADMIN_TOKEN>}, compared in constant time. */
final class AdminAuth implements Handler<RoutingContext> {

  private final byte[] tokenDigest;

  AdminAuth(String adminToken) {
    this.tokenDigest = sha256(adminToken);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      ctx.fail(new HttpException(401, "missing bearer token: send Authorization: Bearer <ADMIN_TOKEN>"));
      return;
    }
    // Digests have a fixed length, so the comparison time says nothing about the token's length either.
    if (!MessageDigest.isEqual(tokenDigest, sha256(header.substring(7).trim()))) {
      ctx.fail(new HttpException(401, "invalid bearer token"));
      return;
    }
    ctx.next();
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
