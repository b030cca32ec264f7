package io.cidrotator.redis;

import io.cidrotator.EmbeddedServices;
import io.cidrotator.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A Redis that may evict keys is refused at start, saying what to set; noeviction starts. */
class EvictionPolicyTest {

  @Test
  void aServerOnARedisThatEvictsKeysRefusesToStartSayingWhatToSet() throws Exception {
    int port = EmbeddedServices.freePort();
    RedisServer redis = EmbeddedServices.redisServer(port, null);
    Vertx vertx = Vertx.vertx();
    try {
      Redis.createClient(vertx, "redis://127.0.0.1:" + port).send(Request.cmd(Command.CONFIG).arg("SET")
        .arg("maxmemory-policy").arg("allkeys-lru")).await();

      assertThatThrownBy(() -> TestServer.start(new JsonObject().put("REDIS_URL", "redis://127.0.0.1:" + port + "/0")
        .put("REDIS_HOST", "127.0.0.1").put("REDIS_PORT", port)))
        .hasMessageContaining("maxmemory-policy is allkeys-lru")
        .hasMessageContaining("Set maxmemory-policy noeviction");
    } finally {
      vertx.close().await();
      redis.stop();
    }
  }

  @Test
  void thePolicyIsReadFromInfoMemory() {
    String info = "# Memory\r\nused_memory:914632\r\nmaxmemory:0\r\nmaxmemory_policy:volatile-lru\r\n";

    assertThat(EvictionPolicy.policyOf(info)).isEqualTo("volatile-lru");
    assertThat(EvictionPolicy.policyOf("# Memory\r\nused_memory:1\r\n")).isNull();
  }
}
