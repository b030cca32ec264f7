package io.cidrotator;

import io.vertx.core.Future;

import java.util.function.Supplier;

/**
 * Work done one piece at a time, on one event loop: a piece asked for while another runs starts once that one has
 * ended, however it ended. A periodic timer asks {@link #busy()} to skip a tick instead of queueing behind a slow
 * piece; a request (a test's round as of a chosen time, an admin's write) waits its turn and gets its own answer.
 */
public final class InTurn {

  private Future<?> last;

  public <T> Future<T> run(Supplier<Future<T>> work) {
    Future<?> previous = last == null ? Future.succeededFuture() : last;
    Future<T> mine = previous.transform(done -> work.get());
    last = mine;
    mine.onComplete(done -> {
      if (last == mine) {
        last = null;
      }
    });
    return mine;
  }

  /** Whether a piece runs or waits. */
  public boolean busy() {
    return last != null;
  }
}
