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

  public record Args(String campaign, long now, CapWindows windows, int historyLimit) {

    List<String> argv() {
      List<String> argv = new ArrayList<>(List.of(campaign, Long.toString(now)));
      argv.addAll(windows.argv());
      argv.add(Integer.toString(historyLimit));
      return argv;
    }
  }

  /** One reservation ended: the number, its allocation id and the release's history entry (null: stream full). */
  public record Released(String callerId, String allocationId, HistoryStream.EntryId historyEntry) {
  }

  /** Succeeds with every reservation released. */
  public static Future<List<Released>> run(ScriptRunner redis, Args args) {
    return redis.run(LUA, args.argv()).map(ReleaseCampaignScript::reply);
  }

  private static List<Released> reply(Response r) {
    List<Released> released = new ArrayList<>();
    for (int i = 0; i + 2 < r.size(); i += 3) {
      released.add(new Released(r.get(i).toString(), r.get(i + 1).toString(),
        HistoryStream.EntryId.parse(r.get(i + 2).toString())));
    }
    return released;
  }
}
