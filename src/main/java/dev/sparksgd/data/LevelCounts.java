package dev.sparksgd.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * The statistics pass of one-hot encoding: how often each level of each categorical column occurs
 * in the training rows, and per column the {@code maxLevels} most frequent, ties broken by the
 * level's text (String order), as spark.ml's StringIndexer orders them (frequencyDesc). Counted
 * exactly and distributed (counts per partition, summed per level by a shuffle, the top of each
 * reduce partition merged on the driver), so the vocabulary depends only on the training rows.
 * Missing values are not levels.
 */
final class LevelCounts {
  private static final Logger LOG = LoggerFactory.getLogger(LevelCounts.class);

  private LevelCounts() {
  }

  /** A level and its count; ordered most frequent first, then by text. */
  record Level(String value, long count) implements Serializable {
    static final Comparator<Level> ORDER = Comparator.comparingLong((Level l) -> -l.count)
        .thenComparing(Level::value);
  }

  /** Per column: the best levels found so far (at most maxLevels) and how many distinct levels were seen. */
  static final class Top implements Serializable {
    private static final long serialVersionUID = 1L;
    final List<List<Level>> best = new ArrayList<>();
    final long[] distinct;
    final long[] total;

    Top(int columns) {
      for (int k = 0; k < columns; k++) {
        best.add(new ArrayList<>());
      }
      distinct = new long[columns];
      total = new long[columns];
    }

    Top merge(Top o, int maxLevels) {
      for (int k = 0; k < distinct.length; k++) {
        List<Level> all = new ArrayList<>(best.get(k));
        all.addAll(o.best.get(k));
        all.sort(Level.ORDER);
        best.set(k, new ArrayList<>(all.subList(0, Math.min(maxLevels, all.size()))));
        distinct[k] += o.distinct[k];
        total[k] += o.total[k];
      }
      return this;
    }
  }

  /**
   * The vocabularies of the categorical columns {@code names} from {@code rows} (the training
   * rows' categories, null where missing; not cached).
   */
  static String[][] vocabularies(JavaSparkContext sc, JavaRDD<String[]> rows, String[] names, int maxLevels,
      int partitions, String dataPath) {
    int columns = names.length;
    sc.setJobDescription("count the levels of " + String.join(", ", names) + " in " + dataPath);
    Top top;
    try {
      JavaPairRDD<Tuple2<Integer, String>, Long> counts = rows.mapPartitionsToPair(it -> {
        List<Map<String, long[]>> maps = new ArrayList<>();
        for (int k = 0; k < columns; k++) {
          maps.add(new HashMap<>());
        }
        while (it.hasNext()) {
          String[] row = it.next();
          for (int k = 0; k < columns; k++) {
            if (row[k] != null) {
              maps.get(k).computeIfAbsent(row[k], v -> new long[1])[0]++;
            }
          }
        }
        List<Tuple2<Tuple2<Integer, String>, Long>> out = new ArrayList<>();
        for (int k = 0; k < columns; k++) {
          for (Map.Entry<String, long[]> e : maps.get(k).entrySet()) {
            out.add(new Tuple2<>(new Tuple2<>(k, e.getKey()), e.getValue()[0]));
          }
        }
        return out.iterator();
      }).reduceByKey(Long::sum, Math.max(1, partitions));
      top = OrderedReduce.reduce(counts.mapPartitions((Iterator<Tuple2<Tuple2<Integer, String>, Long>> it) -> {
        List<PriorityQueue<Level>> heaps = new ArrayList<>();
        for (int k = 0; k < columns; k++) {
          heaps.add(new PriorityQueue<>(Level.ORDER.reversed())); // the worst kept level on top
        }
        Top t = new Top(columns);
        while (it.hasNext()) {
          Tuple2<Tuple2<Integer, String>, Long> c = it.next();
          int k = c._1()._1();
          t.distinct[k]++;
          t.total[k] += c._2();
          PriorityQueue<Level> h = heaps.get(k);
          h.add(new Level(c._1()._2(), c._2()));
          if (h.size() > maxLevels) {
            h.poll();
          }
        }
        for (int k = 0; k < columns; k++) {
          t.best.get(k).addAll(heaps.get(k));
          t.best.get(k).sort(Level.ORDER);
        }
        return List.of(t).iterator();
      }), (a, b) -> a.merge(b, maxLevels));
    } finally {
      sc.setJobDescription(null);
    }
    String[][] vocab = new String[columns][];
    for (int k = 0; k < columns; k++) {
      List<Level> kept = top.best.get(k);
      vocab[k] = new String[kept.size()];
      long covered = 0;
      for (int i = 0; i < vocab[k].length; i++) {
        vocab[k][i] = kept.get(i).value();
        covered += kept.get(i).count();
      }
      LOG.info("one-hot column '{}': {} levels in the training rows, kept {} covering {} of {} values",
          names[k], top.distinct[k], vocab[k].length, covered, top.total[k]);
    }
    return vocab;
  }
}
