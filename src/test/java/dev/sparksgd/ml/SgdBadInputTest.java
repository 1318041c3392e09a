package dev.sparksgd.ml;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.testing.SparkTestSession;
import java.util.List;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Bad rows are refused in the load pass, before training, by an IllegalArgumentException naming the column. */
class SgdBadInputTest {
  static Dataset<Row> frame(Object[]... rows) {
    StructType schema = new StructType()
        .add("label", DataTypes.DoubleType, true)
        .add("features", new VectorUDT(), true)
        .add("w", DataTypes.DoubleType, true);
    return SparkTestSession.get().createDataFrame(
        java.util.Arrays.stream(rows).map(RowFactory::create).toList(), schema).coalesce(1);
  }

  static Object[] row(double label, double[] x, double w) {
    return new Object[] {label, Vectors.dense(x), w};
  }

  static void refused(Estimator<?> est, Dataset<Row> data, String... words) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> est.fit(data));
    for (String w : words) {
      assertTrue(e.getMessage().contains(w), () -> "'" + w + "' not in: " + e.getMessage());
    }
  }

  @Test
  void nanOrInfiniteFeature() {
    refused(new SgdLinearRegression(), frame(row(1, new double[] {1, 2}, 1), row(0, new double[] {Double.NaN, 1}, 1)),
        "features column 'features'", "feature 0 is NaN", "partition 0, row 1");
    refused(new SgdLogisticRegression(), frame(row(1, new double[] {1, Double.POSITIVE_INFINITY}, 1)),
        "features column 'features'", "feature 1 is Infinity");
  }

  @Test
  void labelsOfAClassifierMustBeZeroOrOne() {
    List<Estimator<?>> classifiers = List.of(new SgdLogisticRegression(), new SgdLinearSVC());
    for (Estimator<?> est : classifiers) {
      refused(est, frame(row(1, new double[] {1, 2}, 1), row(-1, new double[] {0, 1}, 1)),
          "label column 'label' holds -1.0", "labels 0 or 1");
      refused(est, frame(row(2, new double[] {1, 2}, 1)), "label column 'label' holds 2.0");
    }
    refused(new SgdLinearRegression(), frame(row(Double.NaN, new double[] {1, 2}, 1)), "label column 'label'", "NaN");
  }

  @Test
  void vectorsOfMixedSizes() {
    refused(new SgdLinearRegression(), frame(row(1, new double[] {1, 2}, 1), row(0, new double[] {1, 2, 3}, 1)),
        "features column 'features'", "size 3, expected 2");
  }

  @Test
  void negativeWeightsAndMissingColumns() {
    SgdLinearRegression weighted = new SgdLinearRegression();
    weighted.setWeightCol("w");
    refused(weighted, frame(row(1, new double[] {1, 2}, -1)), "weight column 'w' holds -1.0", "weights must be >= 0");
    SgdLinearRegression noSuch = new SgdLinearRegression().setValidationIndicatorCol("isVal");
    refused(noSuch, frame(row(1, new double[] {1, 2}, 1)), "no validation indicator column 'isVal'");
  }
}
