package io.cidrotator.history;

import java.util.List;

/**
 * The history events one allocator gathered for the live streams since its last publish, or the recent events it kept ({@link AllocatorHistory}). It
 * crosses the event bus by reference ({@link io.cidrotator.Bus#registerLocalCodec}): a JsonArray of events was
 * deep-copied on every hand-over, which cost about 6% of the server's CPU under load. The sender never touches it
 * again; several event loops read it at once, and every receiver only reads.
 */
public record HistoryBatch(List<HistoryEvent> events) {
}
