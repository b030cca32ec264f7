package io.cidrotator.resilience;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

/**
 * A TCP proxy between a replica and its master that can stop passing the master's replication stream
 * ({@link #holdBack()}): what the master writes afterwards never reaches the replica, which is what asynchronous
 * replication loses when a master dies with writes not yet sent. The replica's own messages still pass, so it
 * looks healthy to the Sentinels. The proxy closes the replica's side when the master's side closes.
 */
final class ReplicationProxy implements AutoCloseable {

  private final NetServer server;
  private final NetClient client;
  private volatile boolean holdingBack;

  private ReplicationProxy(NetServer server, NetClient client) {
    this.server = server;
    this.client = client;
  }

  static ReplicationProxy start(Vertx vertx, int masterPort) {
    NetClient client = vertx.createNetClient();
    ReplicationProxy[] proxy = new ReplicationProxy[1];
    NetServer server = vertx.createNetServer()
      .connectHandler(replica -> {
        replica.pause();
        client.connect(masterPort, "127.0.0.1")
          .onSuccess(master -> proxy[0].join(replica, master))
          .onFailure(e -> replica.close());
      });
    server.listen(0, "127.0.0.1").await();
    proxy[0] = new ReplicationProxy(server, client);
    return proxy[0];
  }

  private void join(NetSocket replica, NetSocket master) {
    replica.handler(master::write);
    master.handler(data -> {
      if (!holdingBack) {
        replica.write(data);
      }
    });
    replica.closeHandler(v -> master.close());
    master.closeHandler(v -> replica.close());
    replica.resume();
  }

  int port() {
    return server.actualPort();
  }

  /** From now on the master's writes are dropped on their way to the replica. */
  void holdBack() {
    holdingBack = true;
  }

  @Override
  public void close() {
    server.close().await();
    client.close().await();
  }
}
