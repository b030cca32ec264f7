package io.cidrotator.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Lua script from {@code resources/lua/}, preceded by the shared Lua its {@code -- include: a, b} line names
 * (each once, what they include first). The SHA is computed locally, so EVALSHA works before (and after) the
 * server's script cache holds it.
 */
public record LuaScript(String name, String source, String sha) {

  private static final Pattern INCLUDE = Pattern.compile("(?m)^-- include: ([a-z_]+(?:, [a-z_]+)*)$");

  /** The script {@code lua/<name>.lua} with its includes. */
  public static LuaScript load(String name) {
    Set<String> parts = new LinkedHashSet<>();
    collect(name, parts, new LinkedHashSet<>());
    StringBuilder source = new StringBuilder();
    for (String part : parts) {
      source.append(read(part)).append('\n');
    }
    return new LuaScript(name, source.toString(), sha1(source.toString()));
  }

  /** Adds what {@code name} includes, then {@code name}: a file comes after everything it needs. */
  private static void collect(String name, Set<String> parts, Set<String> including) {
    if (parts.contains(name)) {
      return;
    }
    if (!including.add(name)) {
      throw new IllegalStateException("lua/" + name + ".lua includes itself through " + including);
    }
    Matcher include = INCLUDE.matcher(read(name));
    if (include.find()) {
      for (String needed : include.group(1).split(", ")) {
        collect(needed, parts, including);
      }
    }
    including.remove(name);
    parts.add(name);
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
