package dev.sparksgd.data;

import dev.sparksgd.config.DataFormat;
import org.apache.spark.api.java.JavaRDD;

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

  Dataset(JavaRDD<Block> blocks, DataFormat format, int numFeatures, String[] featureNames, FeatureStats stats,
      long trainRows, long holdoutRows, long cachedBytes) {
    this.blocks = blocks;
    this.format = format;
    this.numFeatures = numFeatures;
    this.featureNames = featureNames;
    this.stats = stats;
    this.trainRows = trainRows;
    this.holdoutRows = holdoutRows;
    this.cachedBytes = cachedBytes;
  }

  public int numPartitions() {
    return blocks.getNumPartitions();
  }

  /** Drops the cached blocks. */
  public void release() {
    blocks.unpersist(false);
  }
}
