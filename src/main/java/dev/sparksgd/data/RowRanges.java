package dev.sparksgd.data;

import java.io.Serializable;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapred.FileSplit;
import org.apache.hadoop.mapred.InputSplit;
import org.apache.hadoop.mapred.TextInputFormat;
import org.apache.spark.Partition;
import org.apache.spark.Partitioner;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaHadoopRDD;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.PartitionGroup;
import org.apache.spark.rdd.RDD;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;
import scala.Tuple2;

/**
 * The lines of text input (LIBSVM or CSV, plain or compressed, one file or many), numbered in
 * file order (files by path, a CSV file's header line left out) and spread over P partitions as
 * contiguous ranges: of N lines, partition p holds lines [⌊N·p/P⌋, ⌊N·(p+1)/P⌋), in order. The
 * partitions depend only on the lines, their order and P, never on the codec or on how Hadoop
 * splits the files (a gzip file is one split), so neither does a model trained on them.
 *
 * <p>As {@code RDD.zipWithIndex}, one job counts the lines of every input split; the splits in
 * file order and the prefix sums of their counts number every line. Then one of three forms:
 * <ul>
 *   <li>the splits already are the P ranges: each partition is its split, as read;
 *   <li>in place (narrow, no shuffle): partition p reads the splits that overlap its range, in
 *       file order, skipping the lines before the range and stopping at its end. Chosen when all
 *       the partitions' reads, skipped lines included, come to at most {@value #DEFAULT_READ_FACTOR}
 *       × N lines (conf {@value #READ_FACTOR}): splits of plain files cut near the ranges cost about
 *       N, one gzip file (one split) N·(P+1)/2, so P ≤ 3. A partition recomputed later (MEMORY_ONLY)
 *       reads its splits again up to its range's end (for gzip, the file's prefix up to there);
 *   <li>else one shuffle moves the lines to their ranges as chunks of consecutive lines (their bytes
 *       as read), keyed by the first line's number and sorted by it within each partition. The
 *       shuffle's files on local disk then hold the spread lines: later passes over them
 *       (statistics, a cached partition recomputed at a MEMORY_ONLY level) read those rather than
 *       decompress the input again.
 * </ul>
 * The three give the same partitions, so nothing downstream depends on which one ran.
 */
final class RowRanges implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(RowRanges.class);

  /** Checks a CSV file's header line (the line at offset 0), throwing on a bad one. */
  @FunctionalInterface
  interface HeaderCheck extends Serializable {
    void check(String file, String header);
  }

  /** A line of input: its number among all the input's lines, its file (an index into {@link #files}), byte offset and text. */
  record Line(long index, int file, long offset, String text) implements Serializable {
  }

  /** The input files as Hadoop's splits name them, in path order. */
  final String[] files;
  /** N, the lines of the whole input (CSV headers left out). */
  final long lines;
  /** P. */
  final int partitions;
  /**
   * How the lines reach their partitions, for the loader's log once the rows loaded (a log line
   * before then would stand between a bad record's error and the console).
   */
  final String how;
  private final transient JavaRDD<Line> spread;

  private RowRanges(String[] files, long lines, int partitions, String how, JavaRDD<Line> spread) {
    this.files = files;
    this.lines = lines;
    this.partitions = partitions;
    this.how = how;
    this.spread = spread;
  }

  /** The lines, in P partitions of consecutive line numbers, each in order. */
  JavaRDD<Line> lines() {
    return spread;
  }

  /** What one input split holds: its file, where it starts, how many lines (headers left out). */
  private record SplitCount(String file, long start, long count) implements Serializable {
  }

  /**
   * Counts the lines of {@code dataPath} (one job) and spreads them over {@code partitions}.
   *
   * @param headers for CSV: checks every file's header line, which is then left out; null for
   *     LIBSVM (every line is a record)
   */
  static RowRanges of(JavaSparkContext sc, String dataPath, int partitions, HeaderCheck headers) {
    @SuppressWarnings("unchecked")
    JavaHadoopRDD<LongWritable, Text> input = (JavaHadoopRDD<LongWritable, Text>) sc.hadoopFile(
        dataPath, TextInputFormat.class, LongWritable.class, Text.class, partitions);
    List<SplitCount> counts;
    sc.setJobDescription("count the lines of " + dataPath);
    try {
      counts = input.mapPartitionsWithInputSplit((InputSplit split, Iterator<Tuple2<LongWritable, Text>> it) -> {
        FileSplit fs = (FileSplit) split;
        String file = fs.getPath().toString();
        long n = 0;
        while (it.hasNext()) {
          Tuple2<LongWritable, Text> kv = it.next();
          if (headers != null && kv._1().get() == 0) {
            headers.check(file, kv._2().toString());
          } else {
            n++;
          }
        }
        return List.of(new SplitCount(file, fs.getStart(), n)).iterator();
      }, false).collect();
    } finally {
      sc.setJobDescription(null);
    }
    int splits = counts.size();
    // The splits in file order: by path (as the input is listed), then by start.
    Integer[] order = new Integer[splits];
    for (int s = 0; s < splits; s++) {
      order[s] = s;
    }
    Comparator<Integer> byPath = (a, b) -> new Path(counts.get(a).file()).compareTo(new Path(counts.get(b).file()));
    java.util.Arrays.sort(order, byPath.thenComparingLong(s -> counts.get(s).start()));
    long[] first = new long[splits];
    int[] fileOf = new int[splits];
    List<String> files = new ArrayList<>();
    long n = 0;
    boolean inPlace = splits == partitions;
    for (int k = 0; k < splits; k++) {
      SplitCount c = counts.get(order[k]);
      if (files.isEmpty() || !files.get(files.size() - 1).equals(c.file())) {
        files.add(c.file());
      }
      fileOf[order[k]] = files.size() - 1;
      first[order[k]] = n;
      n += c.count();
    }
    for (int k = 0; inPlace && k < splits; k++) {
      inPlace = order[k] == k && first[k] == rangeStart(n, k, partitions)
          && first[k] + counts.get(k).count() == rangeStart(n, k + 1, partitions);
    }
    long total = n;
    JavaRDD<Line> spread;
    NarrowPlan plan = inPlace ? null
        : narrowPlan(first, counts.stream().mapToLong(SplitCount::count).toArray(), order, total, partitions);
    double factor = readFactor(sc);
    String how;
    if (inPlace) {
      how = String.format(Locale.ROOT, "%d input split(s) of %d lines already hold the %d row ranges; no shuffle",
          splits, total, partitions);
      spread = input.mapPartitionsWithInputSplit((InputSplit split, Iterator<Tuple2<LongWritable, Text>> it) -> {
        int s = TaskContext.getPartitionId();
        long[] next = {first[s]};
        return new Pull<>(() -> {
          while (it.hasNext()) {
            Tuple2<LongWritable, Text> kv = it.next();
            if (headers == null || kv._1().get() != 0) {
              return new Line(next[0]++, fileOf[s], kv._1().get(), kv._2().toString());
            }
          }
          return null;
        });
      }, false);
    } else if (plan.reads() <= factor * total) {
      how = String.format(Locale.ROOT, "reading %d input split(s) of %d lines in place as %d row ranges (no shuffle):"
          + " the partitions read %d lines, skipped ones included, at most %s x %d", splits, total, partitions,
          plan.reads(), factor, total);
      spread = narrow(input, plan.groups(), first, fileOf, headers, total, partitions);
    } else {
      how = String.format(Locale.ROOT, "spreading %d input split(s) of %d lines over %d partitions by row ranges"
          + " (shuffle): reading them in place would read %d lines, skipped ones included, more than %s x %d",
          splits, total, partitions, plan.reads(), factor, total);
      // Lines travel in chunks of consecutive lines bound for one partition: few, large shuffle
      // records (cheap to serialize and to sort by their first line) rather than one per line.
      JavaRDD<Tuple2<Long, Chunk>> chunks = input.mapPartitionsWithInputSplit(
          (InputSplit split, Iterator<Tuple2<LongWritable, Text>> it) -> {
            int s = TaskContext.getPartitionId();
            long[] next = {first[s]};
            return new Pull<>(() -> {
              Chunk c = null;
              while (it.hasNext()) {
                Tuple2<LongWritable, Text> kv = it.next();
                if (headers != null && kv._1().get() == 0) {
                  continue;
                }
                long i = next[0]++;
                if (c == null) {
                  c = new Chunk(i, fileOf[s], Math.min(rangeStart(total, partitionOf(i, total, partitions) + 1, partitions),
                      i + Chunk.MAX_LINES) - i);
                }
                c.add(kv._1().get(), kv._2());
                if (c.full()) {
                  break;
                }
              }
              return c == null ? null : new Tuple2<>(c.first, c.seal());
            });
          }, false);
      spread = JavaPairRDD.fromJavaRDD(chunks).repartitionAndSortWithinPartitions(new Ranges(total, partitions))
          .values().mapPartitions(it -> new Pull<>(new java.util.function.Supplier<Line>() {
            private Chunk c;
            private int k;

            @Override
            public Line get() {
              while (c == null || k == c.size) {
                if (!it.hasNext()) {
                  return null;
                }
                c = it.next();
                k = 0;
              }
              return c.line(k++);
            }
          }));
    }
    LOG.debug("{}", how);
    return new RowRanges(files.toArray(new String[0]), total, partitions, how, spread);
  }

  /**
   * The conf key bounding the narrow form: the range partitions read the input splits in place
   * (no shuffle) when all their reads, lines skipped before a range included, are at most this
   * many times N; otherwise one shuffle moves the lines.
   */
  static final String READ_FACTOR = "spark.sgd.rowRanges.maxReadFactor";
  static final double DEFAULT_READ_FACTOR = 2.0;

  private static double readFactor(JavaSparkContext sc) {
    return sc.getConf().getDouble(READ_FACTOR, DEFAULT_READ_FACTOR);
  }

  /** For each range partition, the input splits that overlap its lines, in file order; and the lines they read. */
  record NarrowPlan(int[][] groups, long reads) {
  }

  /**
   * Which splits each range partition reads in the narrow form: those with lines in its range
   * (split s holds lines [first[s], first[s] + count[s]); {@code order} lists the splits in file order).
   * A split is read from its start up to the range's end (the end of its lines at most), so a
   * partition starting inside a split pays the lines before the range: a gzip file, one split,
   * costs its P partitions ⌊N·1/P⌋ + … + ⌊N·P/P⌋ ≈ N·(P+1)/2 lines.
   */
  static NarrowPlan narrowPlan(long[] first, long[] count, Integer[] order, long n, int partitions) {
    int[][] groups = new int[partitions][];
    long reads = 0;
    List<Integer> g = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      long start = rangeStart(n, p, partitions);
      long end = rangeStart(n, p + 1, partitions);
      g.clear();
      for (Integer s : order) {
        long last = first[s] + count[s];
        if (start < end && first[s] < end && last > start) {
          g.add(s);
          reads += Math.min(end, last) - first[s];
        }
      }
      groups[p] = g.stream().mapToInt(Integer::intValue).toArray();
    }
    return new NarrowPlan(groups, reads);
  }

  /** A line as read, numbered; one holder per split, overwritten line after line. */
  private static final class Numbered implements Serializable {
    private static final long serialVersionUID = 1L;
    long index;
    int file;
    transient LongWritable key;
    transient Text text;
  }

  /**
   * The narrow form: partition p reads the splits of its group in file order (a narrow
   * dependency, as {@code coalesce} without a shuffle), skips the lines before its range and
   * stops at its end. A partition rebuilt later (MEMORY_ONLY) reads the same: its splits again,
   * up to its range's end.
   */
  private static JavaRDD<Line> narrow(JavaHadoopRDD<LongWritable, Text> input, int[][] groups, long[] first,
      int[] fileOf, HeaderCheck headers, long total, int partitions) {
    JavaRDD<Numbered> numbered = input.mapPartitionsWithIndex((s, it) -> {
      Numbered line = new Numbered();
      line.file = fileOf[s];
      long[] next = {first[s]};
      return new Pull<>(() -> {
        while (it.hasNext()) {
          Tuple2<LongWritable, Text> kv = it.next();
          if (headers == null || kv._1().get() != 0) {
            line.index = next[0]++;
            line.key = kv._1();
            line.text = kv._2();
            return line;
          }
        }
        return null;
      });
    }, false);
    JavaRDD<Numbered> grouped = JavaRDD.fromRDD(numbered.rdd().coalesce(partitions, false,
        Option.apply(new RangeGroups(groups)), null), numbered.classTag());
    return grouped.mapPartitionsWithIndex((p, it) -> {
      long start = rangeStart(total, p, partitions);
      long end = rangeStart(total, p + 1, partitions);
      return new Pull<>(() -> {
        while (it.hasNext()) {
          Numbered l = it.next();
          if (l.index >= end) {
            return null;
          }
          if (l.index >= start) {
            return new Line(l.index, l.file, l.key.get(), l.text.toString());
          }
        }
        return null;
      });
    }, true);
  }

  /** Range partition p computes the input splits {@code groups[p]}, in that order. */
  static final class RangeGroups extends SerializableCoalescer {
    private static final long serialVersionUID = 1L;
    private final int[][] groups;

    RangeGroups(int[][] groups) {
      this.groups = groups;
    }

    @Override
    public PartitionGroup[] coalesce(int maxPartitions, RDD<?> parent) {
      Partition[] splits = parent.partitions();
      PartitionGroup[] out = new PartitionGroup[groups.length];
      for (int p = 0; p < groups.length; p++) {
        // Prefer where the split holding most of the range lives (its last one, read in full up to the range's end).
        Option<String> where = groups[p].length == 0 ? Option.empty()
            : parent.preferredLocations(splits[groups[p][groups[p].length - 1]]).headOption();
        out[p] = new PartitionGroup(where);
        for (int s : groups[p]) {
          out[p].partitions().$plus$eq(splits[s]);
        }
      }
      return out;
    }
  }

  /** ⌊n·p/P⌋, the first line of partition p. */
  static long rangeStart(long n, int p, int partitions) {
    return mulDiv(n, p, partitions);
  }

  /** The partition holding line {@code i} of {@code n}: the last p with ⌊n·p/P⌋ ≤ i, i.e. ⌊((i+1)·P − 1)/n⌋. */
  static int partitionOf(long i, long n, int partitions) {
    return (int) mulDiv(i + 1, partitions, n, -1);
  }

  private static long mulDiv(long a, long b, long c) {
    return mulDiv(a, b, c, 0);
  }

  /** ⌊(a·b + add)/c⌋ for non-negative a·b + add and positive c, without overflow. */
  private static long mulDiv(long a, long b, long c, long add) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    if (hi == 0 && lo >= 0 && lo + add >= 0) {
      return (lo + add) / c;
    }
    return BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).add(BigInteger.valueOf(add))
        .divide(BigInteger.valueOf(c)).longValueExact();
  }

  /**
   * Consecutive lines of one file bound for one partition, for the shuffle: their bytes as read
   * (UTF-8), so the shuffle copies bytes and a line is decoded once, after it.
   */
  static final class Chunk implements Serializable {
    private static final long serialVersionUID = 1L;
    static final int MAX_LINES = 4096;
    static final int MAX_BYTES = 1 << 20;
    final long first;
    final int file;
    final long[] offsets;
    /** Where each line ends in {@link #bytes}. */
    final int[] ends;
    int size;
    byte[] bytes = new byte[1 << 12];

    Chunk(long first, int file, long capacity) {
      this.first = first;
      this.file = file;
      this.offsets = new long[(int) capacity];
      this.ends = new int[(int) capacity];
    }

    void add(long offset, Text line) {
      int at = size == 0 ? 0 : ends[size - 1];
      int end = at + line.getLength();
      if (end > bytes.length) {
        bytes = java.util.Arrays.copyOf(bytes, Math.max(end, 2 * bytes.length));
      }
      System.arraycopy(line.getBytes(), 0, bytes, at, line.getLength());
      offsets[size] = offset;
      ends[size++] = end;
    }

    boolean full() {
      return size == offsets.length || ends[size - 1] >= MAX_BYTES;
    }

    /** The chunk trimmed to its lines, for the shuffle. */
    Chunk seal() {
      bytes = java.util.Arrays.copyOf(bytes, size == 0 ? 0 : ends[size - 1]);
      return this;
    }

    Line line(int k) {
      int at = k == 0 ? 0 : ends[k - 1];
      return new Line(first + k, file, offsets[k], new String(bytes, at, ends[k] - at, StandardCharsets.UTF_8));
    }
  }

  /** Line numbers (keys) to the partition of their range. */
  static final class Ranges extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final long lines;
    private final int partitions;

    Ranges(long lines, int partitions) {
      this.lines = lines;
      this.partitions = partitions;
    }

    @Override
    public int numPartitions() {
      return partitions;
    }

    @Override
    public int getPartition(Object key) {
      return partitionOf((Long) key, lines, partitions);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Ranges r && r.lines == lines && r.partitions == partitions;
    }

    @Override
    public int hashCode() {
      return Long.hashCode(lines) * 31 + partitions;
    }
  }

  /** The path of {@code line}'s file. */
  String file(Line line) {
    return files[line.file()];
  }
}
