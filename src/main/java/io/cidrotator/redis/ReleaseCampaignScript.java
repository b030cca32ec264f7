package io.cidrotator.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;

/** {@code lua/release_campaign.lua}: ends every live reservation of one campaign, in every pool. */
public final class ReleaseCampaignScript {

  public static final LuaScript LUA = LuaScript.load("release_campaign");

  private ReleaseCampaignScript() {
  }

  public record Args(String campaign, long now, CapWindows windows) {

    List<String> argv() {
      List<String> argv = new ArrayList<>(List.of(campaign, Long.toString(now)));
      argv.addAll(windows.argv());
      return argv;
    }
  }

  /** One reservation ended: the number and its allocation id. */
  public record Released(String callerId, String allocationId) {
  }

  /** Succeeds with every reservation released. */
  public static Future<List<Released>> run(ScriptRunner redis, Args args) {
    return redis.run(LUA, args.argv()).map(ReleaseCampaignScript::reply);
  }

  private static List<Released> reply(Response r) {
    List<Released> released = new ArrayList<>();
    for (int i = 0; i + 1 < r.size(); i += 2) {
      released.add(new Released(r.get(i).toString(), r.get(i + 1).toString()));
    }
    return released;
  }
}
