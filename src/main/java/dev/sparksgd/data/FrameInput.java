package dev.sparksgd.data;

import dev.sparksgd.config.FeaturePrecision;
import dev.sparksgd.config.TrainConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.BooleanType$;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

/**
 * A DataFrame as training blocks, for the spark.ml estimators: a numeric label column, a Spark ML
 * Vector features column, an optional weight column and an optional boolean column of holdout rows.
 * Every row is validated in the load pass, before any training; a bad value is an
 * {@link IllegalArgumentException} naming the column, the problem and the row (partition, position).
 *
 * <p>Rows go into blocks partition by partition exactly as {@link ParquetInput} puts the rows of a
 * Parquet file, so a DataFrame read from that file trains to the same bits as the CLI on it. With a
 * validation fraction, whether a row is held out depends on (seed, partition, position in it).
 */
public final class FrameInput {
  private FrameInput() {
  }

  /**
   * @param validationCol a boolean column, true for holdout rows, or null
   * @param zeroOneLabels whether labels must be 0 or 1 (spark.ml's binary classifiers)
   */
  public static Dataset load(JavaSparkContext sc, org.apache.spark.sql.Dataset<?> frame, TrainConfig cfg,
      String validationCol, boolean zeroOneLabels) {
    StructType schema = frame.schema();
    List<String> all = Arrays.asList(schema.fieldNames());
    List<String> select = new ArrayList<>();
    requireColumn(all, cfg.labelCol, "label");
    requireType(schema, cfg.labelCol, "label", "numeric", FrameInput::isNumeric);
    select.add(cfg.labelCol);
    requireColumn(all, cfg.featuresCol, "features");
    requireType(schema, cfg.featuresCol, "features", "a Spark ML Vector", ParquetInput::isVector);
    select.add(cfg.featuresCol);
    if (cfg.weightCol != null) {
      requireColumn(all, cfg.weightCol, "weight");
      requireType(schema, cfg.weightCol, "weight", "numeric", FrameInput::isNumeric);
      select.add(cfg.weightCol);
    }
    if (validationCol != null) {
      requireColumn(all, validationCol, "validation indicator");
      requireType(schema, validationCol, "validation indicator", "boolean", t -> t == BooleanType$.MODULE$);
      select.add(validationCol);
    }
    List<Column> cols = new ArrayList<>();
    for (String c : select) {
      cols.add(frame.col("`" + c.replace("`", "``") + "`"));
    }
    org.apache.spark.sql.Dataset<Row> rows = frame.select(cols.toArray(new Column[0]));
    AttributeGroup group = AttributeGroup.fromStructField(schema.apply(cfg.featuresCol));
    int numFeatures = group.size() >= 0 ? group.size() : ParquetInput.firstVectorSize(rows, cfg.featuresCol);
    String[] names = ParquetInput.attributeNames(group, numFeatures);

    final String[] colNames = select.toArray(new String[0]);
    final int d = numFeatures;
    final boolean weighted = cfg.weightCol != null;
    final boolean indicator = validationCol != null;
    final boolean classification = cfg.loss.isClassification();
    final double fraction = cfg.validationFraction;
    final long seed = cfg.seed;
    final FeaturePrecision precision = cfg.featurePrecision;
    JavaRDD<Block> blocks = rows.javaRDD().mapPartitionsWithIndex((Integer part, Iterator<Row> it) -> {
      ParsedRecord rec = new ParsedRecord();
      long[] nextPosition = {0}; // of the next row in the partition
      return new PartitionBlocks(true, 0, precision, out -> {
        if (!it.hasNext()) {
          return false;
        }
        Row row = it.next();
        long position = nextPosition[0]++;
        String where = " (partition " + part + ", row " + position + ")";
        rec.clear();
        rec.label = number(row, 0, colNames, where);
        if (zeroOneLabels && rec.label != 0.0 && rec.label != 1.0) {
          throw new IllegalArgumentException("label column '" + colNames[0] + "' holds " + rec.label
              + where + "; a binary classifier needs labels 0 or 1");
        }
        if (!zeroOneLabels && classification) {
          try {
            Labels.checkBinary(rec.label);
          } catch (RecordException e) {
            throw new IllegalArgumentException("label column '" + colNames[0] + "': " + e.getMessage() + where);
          }
        }
        if (row.isNullAt(1)) {
          throw new IllegalArgumentException("features column '" + colNames[1] + "' is null" + where);
        }
        try {
          ParquetInput.readVector(row.get(1), d, rec);
        } catch (RecordException e) {
          throw new IllegalArgumentException("features column '" + colNames[1] + "': " + e.getMessage() + where);
        }
        int next = 2;
        if (weighted) {
          rec.weight = number(row, next, colNames, where);
          if (rec.weight < 0) {
            throw new IllegalArgumentException("weight column '" + colNames[next] + "' holds " + rec.weight
                + where + "; weights must be >= 0");
          }
          next++;
        }
        boolean holdout;
        if (indicator) {
          if (row.isNullAt(next)) {
            throw new IllegalArgumentException("validation indicator column '" + colNames[next] + "' is null" + where);
          }
          holdout = row.getBoolean(next);
        } else {
          holdout = DataLoader.isHoldout(fraction, seed, part, position);
        }
        out.add(rec, holdout);
        return true;
      });
    }, false);
    int wanted = cfg.numPartitions > 0 ? cfg.numPartitions : sc.defaultParallelism();
    try {
      return DataLoader.finish(sc, cfg, null, blocks, wanted, numFeatures, names, null, null);
    } catch (Exception e) { // a failed job's SparkException, undeclared
      IllegalArgumentException bad = causeOf(e);
      if (bad != null && bad != e) {
        throw new IllegalArgumentException(bad.getMessage(), e);
      }
      throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
    }
  }

  /** The {@link IllegalArgumentException} a failed job carries, or null. */
  private static IllegalArgumentException causeOf(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IllegalArgumentException iae) {
        return iae;
      }
    }
    return null;
  }

  private static double number(Row row, int pos, String[] names, String where) {
    String role = pos == 0 ? "label" : "weight";
    if (row.isNullAt(pos)) {
      throw new IllegalArgumentException(role + " column '" + names[pos] + "' is null" + where);
    }
    double v = ((Number) row.get(pos)).doubleValue();
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException(role + " column '" + names[pos] + "' holds " + v + where
          + " (NaN and infinities are not allowed)");
    }
    return v;
  }

  private static boolean isNumeric(DataType t) {
    return t instanceof NumericType || t instanceof DecimalType;
  }

  private static void requireColumn(List<String> all, String name, String role) {
    if (!all.contains(name)) {
      throw new IllegalArgumentException("no " + role + " column '" + name + "' (columns: "
          + String.join(", ", all) + ")");
    }
  }

  private static void requireType(StructType schema, String name, String role, String wanted,
      java.util.function.Predicate<DataType> ok) {
    DataType t = schema.apply(name).dataType();
    if (!ok.test(t)) {
      throw new IllegalArgumentException("the " + role + " column '" + name + "' is " + t.simpleString()
          + ", not " + wanted);
    }
  }
}
