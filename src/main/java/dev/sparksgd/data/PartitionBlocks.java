package dev.sparksgd.data;

import dev.sparksgd.config.FeaturePrecision;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * One partition's records packed into blocks, training and holdout rows apart, handed out as a
 * stream: a block leaves as soon as it is full, so what a partition holds at any time is two
 * half-filled blocks, never the partition. Spark can then unroll the stream into memory block by
 * block and write the rest to disk ({@code MEMORY_AND_DISK}) instead of needing the whole
 * partition in the heap. The blocks come in the order they fill, then the last training block,
 * then the last holdout block.
 */
final class PartitionBlocks implements Iterator<Block> {
  /** The partition's input, one element at a time. */
  @FunctionalInterface
  interface Feed {
    /**
     * Consumes the next input element, handing a usable record to {@link #add} (or none, for a
     * header or a skipped record); false when the input is exhausted.
     */
    boolean step(PartitionBlocks out);
  }

  private final BlockBuilder train;
  private final BlockBuilder hold;
  private final Feed feed;
  /** Full blocks not yet handed out: at most two (one add fills at most one; the end adds two). */
  private final ArrayDeque<Block> ready = new ArrayDeque<>(2);
  private boolean exhausted;

  PartitionBlocks(boolean sparse, int denseCols, FeaturePrecision precision, Feed feed) {
    train = new BlockBuilder(sparse, denseCols, false, precision);
    hold = new BlockBuilder(sparse, denseCols, true, precision);
    this.feed = feed;
  }

  void add(ParsedRecord rec, boolean holdout) {
    BlockBuilder b = holdout ? hold : train;
    b.add(rec);
    if (b.isFull()) {
      ready.add(b.build());
    }
  }

  @Override
  public boolean hasNext() {
    while (ready.isEmpty() && !exhausted) {
      if (!feed.step(this)) {
        exhausted = true;
        if (!train.isEmpty()) {
          ready.add(train.build());
        }
        if (!hold.isEmpty()) {
          ready.add(hold.build());
        }
      }
    }
    return !ready.isEmpty();
  }

  @Override
  public Block next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return ready.poll();
  }
}
