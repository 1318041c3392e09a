package dev.sparksgd.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** One partition's records packed into blocks, training and holdout rows apart. */
final class PartitionBlocks {
  private final BlockBuilder train;
  private final BlockBuilder hold;
  private final List<Block> out = new ArrayList<>();

  PartitionBlocks(boolean sparse, int denseCols) {
    train = new BlockBuilder(sparse, denseCols, false);
    hold = new BlockBuilder(sparse, denseCols, true);
  }

  void add(ParsedRecord rec, boolean holdout) {
    BlockBuilder b = holdout ? hold : train;
    b.add(rec);
    if (b.isFull()) {
      out.add(b.build());
    }
  }

  /** Every block, the partly filled last ones included. */
  Iterator<Block> finish() {
    if (!train.isEmpty()) {
      out.add(train.build());
    }
    if (!hold.isEmpty()) {
      out.add(hold.build());
    }
    return out.iterator();
  }
}
