package dev.sparksgd.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * A tree aggregation that merges partial results in partition order at every level, so the
 * floating-point sum does not depend on which task finished first (Spark's treeAggregate merges
 * in arrival order). With few partitions the driver merges them directly (large partials come
 * through {@link BlockResults}); with many, one shuffle level merges groups of √P consecutive
 * partitions first.
 */
public final class OrderedReduce {
  /** Up to this many partials go straight to the driver. */
  public static final int MAX_DIRECT = 64;

  private OrderedReduce() {
  }

  /**
   * @param partials exactly one element per partition (the partition's partial result)
   */
  public static <T extends Serializable> T reduce(JavaRDD<T> partials, Merger<T> merger) {
    int p = partials.getNumPartitions();
    if (p <= MAX_DIRECT) {
      return mergeInOrder(BlockResults.collect(partials), merger);
    }
    int fanout = fanout(p);
    int groups = (p + fanout - 1) / fanout;
    List<Tuple2<Integer, T>> grouped = partials
        .mapPartitionsWithIndex((Integer idx, Iterator<T> it) -> {
          List<Tuple2<Integer, Tuple2<Integer, T>>> out = new ArrayList<>(1);
          while (it.hasNext()) {
            out.add(new Tuple2<>(idx / fanout, new Tuple2<>(idx, it.next())));
          }
          return out.iterator();
        }, false)
        .mapToPair(t -> t)
        .groupByKey(groups)
        .mapValues(children -> {
          List<Tuple2<Integer, T>> list = new ArrayList<>();
          children.forEach(list::add);
          list.sort((a, b) -> Integer.compare(a._1(), b._1()));
          T acc = null;
          for (Tuple2<Integer, T> c : list) {
            acc = acc == null ? c._2() : merger.merge(acc, c._2());
          }
          return acc;
        })
        .collect();
    List<Tuple2<Integer, T>> sorted = new ArrayList<>(grouped);
    sorted.sort((a, b) -> Integer.compare(a._1(), b._1()));
    T acc = null;
    for (Tuple2<Integer, T> t : sorted) {
      acc = acc == null ? t._2() : merger.merge(acc, t._2());
    }
    return acc;
  }

  private static int fanout(int p) {
    return (int) Math.ceil(Math.sqrt(p));
  }

  /**
   * What {@link #reduce} gives for these partials (one per partition, in partition order), merged
   * on the driver with the same tree: a left fold up to {@link #MAX_DIRECT} partials, else left
   * folds over groups of ⌈√P⌉ consecutive partials, then over the groups.
   */
  public static <T> T mergeInOrder(List<T> ordered, Merger<T> merger) {
    int p = ordered.size();
    int fanout = p <= MAX_DIRECT ? Math.max(1, p) : fanout(p);
    T acc = null;
    for (int g = 0; g < p; g += fanout) {
      T group = null;
      for (int i = g; i < Math.min(p, g + fanout); i++) {
        group = group == null ? ordered.get(i) : merger.merge(group, ordered.get(i));
      }
      acc = acc == null ? group : merger.merge(acc, group);
    }
    return acc;
  }
}
