package dev.sparksgd.data;

import dev.sparksgd.config.DataFormat;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.SparkEnv;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.BlockStatus;
import org.apache.spark.storage.RDDBlockId;
import org.apache.spark.storage.StorageStatus;

/** Loaded, validated, cached data: blocks of training and holdout rows plus their statistics. */
public final class Dataset {
  public final JavaRDD<Block> blocks;
  /** The format the input was read as (given, or resolved from the file names); null for generated rows. */
  public final DataFormat format;
  public final int numFeatures;
  /** Column names for CSV input, null for LIBSVM. */
  public final String[] featureNames;
  /** Statistics of the training rows. */
  public final FeatureStats stats;
  public final long trainRows;
  public final long holdoutRows;
  public final long cachedBytes;
  /** Records left out by --bad-records skip (set by the loader after the load pass). */
  RejectedRecords rejected = RejectedRecords.NONE;
  /** How missing values were filled (set by the loader), or null when they are refused. */
  MissingValues missing;
  /** How categorical columns were encoded (set by the loader), or null when there are none. */
  CategoricalEncoder encoder;
  /** {@link Labels#ZERO_ONE} or {@link Labels#PLUS_MINUS_ONE} for a classification loss, else null. */
  public final String labelEncoding;
  /** Which binary label values the training rows hold (see {@link Labels}). */
  final int trainLabelKinds;

  Dataset(JavaRDD<Block> blocks, DataFormat format, int numFeatures, String[] featureNames, FeatureStats stats,
      long trainRows, long holdoutRows, long cachedBytes) {
    this(blocks, format, numFeatures, featureNames, stats, trainRows, holdoutRows, cachedBytes, null, 0);
  }

  Dataset(JavaRDD<Block> blocks, DataFormat format, int numFeatures, String[] featureNames, FeatureStats stats,
      long trainRows, long holdoutRows, long cachedBytes, String labelEncoding, int trainLabelKinds) {
    this.labelEncoding = labelEncoding;
    this.trainLabelKinds = trainLabelKinds;
    this.blocks = blocks;
    this.format = format;
    this.numFeatures = numFeatures;
    this.featureNames = featureNames;
    this.stats = stats;
    this.trainRows = trainRows;
    this.holdoutRows = holdoutRows;
    this.cachedBytes = cachedBytes;
  }

  /** How missing values were filled, or null when they are refused (and for LIBSVM). */
  public MissingValues missing() {
    return missing;
  }

  /** How CSV rows were hashed, or null when they were not. */
  public FeatureHashing hashing() {
    return encoder instanceof FeatureHashing h ? h : null;
  }

  /** How categorical columns were one-hot encoded, or null when they were not. */
  public OneHotEncoding oneHot() {
    return encoder instanceof OneHotEncoding o ? o : null;
  }

  /** How categorical columns were encoded, or null when there are none. */
  public CategoricalEncoder encoder() {
    return encoder;
  }

  public RejectedRecords rejected() {
    return rejected;
  }

  /** True when the training rows hold both classes (for a classification loss). */
  public boolean hasBothClasses() {
    return Labels.bothClasses(trainLabelKinds);
  }

  /**
   * The same data seen with more features: LIBSVM rows simply lack the higher indices (a model
   * to start from may know more features than this data set happens to use).
   */
  public Dataset withNumFeatures(int n) {
    if (n < numFeatures || featureNames != null) {
      throw new IllegalArgumentException("cannot widen " + numFeatures + " named/fixed features to " + n);
    }
    FeatureStats wider = new FeatureStats(0).merge(stats).resize(n);
    Dataset wide = new Dataset(blocks, format, n, null, wider, trainRows, holdoutRows, cachedBytes,
        labelEncoding, trainLabelKinds);
    wide.rejected = rejected;
    wide.float64Bytes = float64Bytes;
    return wide;
  }

  /**
   * {@link #cachedBytes} as the same blocks would take with 8-byte feature values: estimates made
   * from the data's size that choose a path (lazy sparse updates) read this, so the path, and the
   * model bits, do not depend on --feature-precision. Negative when unknown (then cachedBytes).
   */
  long float64Bytes = -1;

  public long float64Bytes() {
    return float64Bytes >= 0 ? float64Bytes : cachedBytes;
  }

  public int numPartitions() {
    return blocks.getNumPartitions();
  }

  /**
   * Where the cached blocks are now, in bytes: {memory, disk}, as the block manager master tracks
   * them (a recomputed level such as MEMORY_ONLY may hold only part of the data). Asked of the
   * master itself rather than of the status store behind the web UI, whose sums drift when
   * blocks move between memory and disk.
   */
  public long[] cacheUse() {
    return cacheUse(blocks);
  }

  /** {@link #cacheUse()} of any cached RDD (on the driver). */
  public static long[] cacheUse(JavaRDD<?> rdd) {
    long[] use = new long[2];
    for (StorageStatus status : SparkEnv.get().blockManager().master().getStorageStatus()) {
      scala.collection.Iterator<scala.Tuple2<BlockId, BlockStatus>> it = status.rddBlocks().iterator();
      while (it.hasNext()) {
        scala.Tuple2<BlockId, BlockStatus> b = it.next();
        if (b._1() instanceof RDDBlockId id && id.rddId() == rdd.id()) {
          use[0] += b._2().memSize();
          use[1] += b._2().diskSize();
        }
      }
    }
    return use;
  }

  /**
   * Spark's memory for cached blocks, summed over the executors (in local mode: the driver's).
   * Storage and execution share it; storage can take all of it while no task needs any.
   */
  public long storageMemory() {
    long total = 0;
    scala.collection.Iterator<scala.Tuple2<Object, Object>> it =
        blocks.context().getExecutorMemoryStatus().values().iterator();
    while (it.hasNext()) {
      total += (Long) it.next()._1();
    }
    return total;
  }

  /** Drops the cached blocks. */
  public void release() {
    blocks.unpersist(false);
  }
}
