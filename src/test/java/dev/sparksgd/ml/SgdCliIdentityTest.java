package dev.sparksgd.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sparksgd.testing.Rows;
import dev.sparksgd.testing.SparkTestSession;
import dev.sparksgd.testing.TestData;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same Parquet data, options, seed and partitioning give the same coefficient bits through an
 * estimator as through {@code spark-sgd train} (run here through the CLI's own entry point, as
 * submit.sh runs it).
 */
class SgdCliIdentityTest {
  @TempDir
  static Path tmp;

  static long[] bits(Vector coefficients, double intercept) {
    long[] b = new long[coefficients.size() + 1];
    for (int j = 0; j < coefficients.size(); j++) {
      b[j] = Double.doubleToRawLongBits(coefficients.apply(j));
    }
    b[coefficients.size()] = Double.doubleToRawLongBits(intercept);
    return b;
  }

  static Path cli(Path data, String name, String... options) {
    Path out = tmp.resolve(name);
    String[] base = {"train", "--data", data.toString(), "--format", "parquet", "--output", out.toString()};
    String[] args = Arrays.copyOf(base, base.length + options.length);
    System.arraycopy(options, 0, args, base.length, options.length);
    TestData.Run run = TestData.cli(args);
    assertEquals(0, run.exitCode(), run.err());
    return out;
  }

  @Test
  void regressionWithAdamOnMiniBatches() throws Exception {
    SparkSession spark = SparkTestSession.get();
    Path data = Rows.writeParquet(Rows.regression(31, 3000, new double[] {0.5, -1.0, 2.0, 0.0}, 1.0, 0.3, 0.0, 0.0)
        .vectorFrame(spark), tmp.resolve("reg.parquet"), 3);
    Path out = cli(data, "reg", "--optimizer", "adam", "--step-size", "0.05", "--mini-batch-fraction", "0.3",
        "--seed", "99", "--max-iter", "80", "--num-partitions", "2", "--reg-param", "0.01",
        "--elastic-net-param", "0.5");
    Dataset<Row> frame = spark.read().parquet(data.toString());
    SgdLinearRegression est = new SgdLinearRegression().setOptimizer("adam").setStepSize(0.05)
        .setMiniBatchFraction(0.3).setSeed(99L).setNumPartitions(2);
    est.setMaxIter(80).setRegParam(0.01).setElasticNetParam(0.5);
    LinearRegressionModel ours = est.fit(frame);
    LinearRegressionModel cli = LinearRegressionModel.load(out.resolve("sparkml").toString());
    assertArrayEquals(bits(cli.coefficients(), cli.intercept()), bits(ours.coefficients(), ours.intercept()));
    assertArrayEquals(TestData.modelBits(out), bits(ours.coefficients(), ours.intercept()));
  }

  @Test
  void logisticWithMomentum() throws Exception {
    SparkSession spark = SparkTestSession.get();
    Path data = Rows.writeParquet(Rows.logistic(37, 2000, new double[] {1.0, -0.5, 0.25}, 0.2, 0.0)
        .vectorFrame(spark), tmp.resolve("bin.parquet"), 2);
    Path out = cli(data, "bin", "--loss", "logistic", "--optimizer", "momentum", "--step-size", "0.5",
        "--mini-batch-fraction", "0.5", "--seed", "5", "--max-iter", "60");
    SgdLogisticRegression est = new SgdLogisticRegression().setOptimizer("momentum").setStepSize(0.5)
        .setMiniBatchFraction(0.5).setSeed(5L);
    est.setMaxIter(60);
    LogisticRegressionModel ours = est.fit(spark.read().parquet(data.toString()));
    assertArrayEquals(TestData.modelBits(out), bits(ours.coefficients(), ours.intercept()));
  }
}
