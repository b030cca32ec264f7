package io.cidrotator.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A Lua script from {@code resources/lua/}, with the shared index functions prepended. The SHA is
 * computed locally, so EVALSHA works before (and after) the server's script cache holds it.
 */
public record LuaScript(String name, String source, String sha) {

  public static final LuaScript ALLOCATE = load("allocate");
  public static final LuaScript RELEASE = load("release");
  public static final LuaScript UNDO = load("undo");
  public static final LuaScript SYNC = load("sync");
  public static final LuaScript PRUNE = load("prune");
  public static final LuaScript RESERVATIONS = load("reservations");
  public static final LuaScript STATE = load("state");
  public static final LuaScript SETTINGS = load("settings");
  public static final LuaScript POOL_COUNTS = load("pool_counts");
  public static final LuaScript LIVE_RESERVATIONS = load("live_reservations");
  public static final LuaScript RELEASE_CAMPAIGN = load("release_campaign");

  static LuaScript load(String name) {
    String source = read("index") + "\n" + read(name);
    return new LuaScript(name, source, sha1(source));
  }

  private static String read(String name) {
    String path = "lua/" + name + ".lua";
    try (InputStream in = LuaScript.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha1(String source) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
