package io.cidrotator.history;

import java.util.List;

/**
 * The history events one allocator gathered since its last hand-over. It crosses the event bus by
 * reference ({@link io.cidrotator.Bus#registerLocalCodec}): a JsonArray of events was deep-copied on every
 * hand-over, which cost about 6% of the server's CPU under load. The sender never touches it again. The
 * same batch is also published on {@link io.cidrotator.Bus#FEED} for the live streams, so several event
 * loops read it at once: every receiver only reads.
 */
public record HistoryBatch(List<HistoryEvent> events) {
}
