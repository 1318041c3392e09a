package dev.sparksgd.data;

import dev.sparksgd.config.ConfigException;
import dev.sparksgd.config.MissingMode;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.catalyst.util.QuantileSummaries;

/**
 * How missing feature values (an empty CSV cell, a null Parquet value; NaN in a record as the
 * readers hand it over) become features: each column's fill value, and for some columns an
 * indicator feature (1 where the value was missing, else 0) appended after the columns in column
 * order. The same object fills the training rows and, read back from the model, the rows to score.
 */
public final class MissingValues implements Serializable {
  private static final long serialVersionUID = 1L;
  /** spark.ml Imputer's default relativeError of its median (approxQuantile). */
  static final double MEDIAN_RELATIVE_ERROR = 0.001;

  private final double[] fill;
  private final int[] indicatorColumns;

  /**
   * @param fill the value of each feature column, in column order
   * @param indicator which columns get an indicator feature
   */
  public MissingValues(double[] fill, boolean[] indicator) {
    if (fill.length != indicator.length) {
      throw new IllegalArgumentException(fill.length + " fill values but " + indicator.length + " indicator flags");
    }
    this.fill = fill.clone();
    int n = 0;
    for (boolean b : indicator) {
      n += b ? 1 : 0;
    }
    indicatorColumns = new int[n];
    for (int j = 0, k = 0; j < indicator.length; j++) {
      if (indicator[j]) {
        indicatorColumns[k++] = j;
      }
    }
  }

  public int numColumns() {
    return fill.length;
  }

  /** The features of a filled row: the columns, then the indicators. */
  public int numFeatures() {
    return fill.length + indicatorColumns.length;
  }

  public double[] fill() {
    return fill.clone();
  }

  public boolean[] indicators() {
    boolean[] b = new boolean[fill.length];
    for (int j : indicatorColumns) {
      b[j] = true;
    }
    return b;
  }

  /** The feature names: the columns', then "missing(column)" for each indicator. */
  public String[] featureNames(String[] columns) {
    if (columns == null) {
      return null;
    }
    String[] names = Arrays.copyOf(columns, numFeatures());
    for (int k = 0; k < indicatorColumns.length; k++) {
      names[fill.length + k] = "missing(" + columns[indicatorColumns[k]] + ")";
    }
    return names;
  }

  /**
   * Fills a dense record of {@link #numColumns()} columns (feature j at position j, NaN where the
   * value is missing) and appends the indicators.
   */
  void apply(ParsedRecord rec) {
    int n = fill.length;
    if (rec.nnz != n) {
      throw new RecordException("has " + rec.nnz + " feature columns; the fill values are for " + n);
    }
    for (int j : indicatorColumns) {
      rec.add(n + indicatorOffset(j), Double.isNaN(rec.values[j]) ? 1.0 : 0.0);
    }
    for (int j = 0; j < n; j++) {
      if (Double.isNaN(rec.values[j])) {
        rec.values[j] = fill[j];
      }
    }
  }

  private int indicatorOffset(int column) {
    return Arrays.binarySearch(indicatorColumns, column);
  }

  /**
   * The statistics pass: reads {@code raw} (dense blocks, NaN where a value is missing; not cached)
   * once and derives the fill values from the training rows, and the columns to indicate from
   * every row.
   */
  static MissingValues compute(JavaSparkContext sc, JavaRDD<Block> raw, MissingMode mode, boolean indicators,
      String[] columns, String dataPath) {
    int d = columns.length;
    boolean median = mode == MissingMode.MEDIAN;
    sc.setJobDescription("statistics of missing values in " + dataPath);
    Stats s;
    try {
      s = OrderedReduce.reduce(raw.mapPartitions(it -> {
        Stats p = new Stats(d, median);
        while (it.hasNext()) {
          p.add(it.next());
        }
        return List.of(p.compressed()).iterator();
      }), Stats::merge);
    } finally {
      sc.setJobDescription(null);
    }
    double[] fill = new double[d];
    boolean[] indicator = new boolean[d];
    List<String> empty = new ArrayList<>();
    for (int j = 0; j < d; j++) {
      indicator[j] = indicators && s.missing[j] > 0;
      if (mode == MissingMode.ZERO) {
        continue;
      }
      if (s.count[j] == 0) {
        empty.add(columns[j]);
      } else {
        fill[j] = median ? (Double) s.quantiles[j].query(0.5).get() : s.sum[j] / s.count[j];
      }
    }
    if (!empty.isEmpty() && s.trainRows > 0) {
      throw new ConfigException("--missing " + mode.cliName() + ": column" + (empty.size() > 1 ? "s '" : " '")
          + String.join("', '", empty) + "' " + (empty.size() > 1 ? "are" : "is") + " empty in every training row "
          + "of " + dataPath + "; there is no " + mode.cliName() + " to fill " + (empty.size() > 1 ? "them" : "it")
          + " with");
    }
    return new MissingValues(fill, indicator);
  }

  /** Per column: values present in training rows, their sum (and quantile summary), missing cells. */
  static final class Stats implements Serializable {
    private static final long serialVersionUID = 1L;
    final long[] count;
    final double[] sum;
    final long[] missing;
    final QuantileSummaries[] quantiles;
    long trainRows;

    Stats(int d, boolean median) {
      count = new long[d];
      sum = new double[d];
      missing = new long[d];
      quantiles = median ? new QuantileSummaries[d] : null;
      if (median) {
        for (int j = 0; j < d; j++) {
          quantiles[j] = new QuantileSummaries(QuantileSummaries.defaultCompressThreshold(),
              MEDIAN_RELATIVE_ERROR, new QuantileSummaries.Stats[0], 0L, false);
        }
      }
    }

    void add(Block b) {
      int d = count.length;
      for (int i = 0; i < b.numRows; i++) {
        for (int j = 0; j < d; j++) {
          double v = b.values.get(i * b.numCols + j);
          if (Double.isNaN(v)) {
            missing[j]++;
          } else if (!b.holdout) {
            count[j]++;
            sum[j] += v;
            if (quantiles != null) {
              quantiles[j] = quantiles[j].insert(v);
            }
          }
        }
      }
      if (!b.holdout) {
        trainRows += b.numRows;
      }
    }

    Stats compressed() {
      if (quantiles != null) {
        for (int j = 0; j < quantiles.length; j++) {
          quantiles[j] = quantiles[j].compress();
        }
      }
      return this;
    }

    Stats merge(Stats o) {
      for (int j = 0; j < count.length; j++) {
        count[j] += o.count[j];
        sum[j] += o.sum[j];
        missing[j] += o.missing[j];
        if (quantiles != null) {
          quantiles[j] = quantiles[j].merge(o.quantiles[j]);
        }
      }
      trainRows += o.trainRows;
      return this;
    }
  }
}
