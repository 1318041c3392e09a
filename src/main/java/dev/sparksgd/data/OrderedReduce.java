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
 * in arrival order). With few partitions the driver merges them directly; with many, one shuffle
 * level merges groups of √P consecutive partitions first.
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
    List<T> ordered;
    if (p <= MAX_DIRECT) {
      ordered = partials.collect();
    } else {
      int fanout = (int) Math.ceil(Math.sqrt(p));
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
      ordered = new ArrayList<>(sorted.size());
      for (Tuple2<Integer, T> t : sorted) {
        ordered.add(t._2());
      }
    }
    T acc = null;
    for (T t : ordered) {
      acc = acc == null ? t : merger.merge(acc, t);
    }
    return acc;
  }
}
