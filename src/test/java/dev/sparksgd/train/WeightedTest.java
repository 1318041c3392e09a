package dev.sparksgd.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.testing.Rows;
import dev.sparksgd.testing.SparkTestSession;
import dev.sparksgd.testing.TestData;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * --weight-col: full-batch training converges to the weighted least-squares solution, computed
 * here from the weighted normal equations; LIBSVM input refuses the option.
 */
class WeightedTest {
  @TempDir
  static Path tmp;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"csv", "parquet"})
  void weightedFitIsTheWeightedNormalEquationsSolution(String format) throws Exception {
    Rows r = Rows.regression(12, 1200, new double[] {1.0, -0.5, 2.0}, 0.7, 1.0, 0.0, 0);
    double[] w = new double[r.n()];
    java.util.Random rnd = new java.util.Random(4);
    for (int i = 0; i < w.length; i++) {
      w[i] = rnd.nextInt(4) * 0.75; // some rows weigh 0
    }
    r = r.withWeights(w);
    Path data = format.equals("csv") ? r.write(tmp.resolve("w.csv"))
        : Rows.writeParquet(r.columnFrame(SparkTestSession.get()), tmp.resolve("w.parquet"), 2);
    Path out = tmp.resolve("model-" + format);
    TestData.Run run = TestData.cli("train", "--data", data.toString(), "--output", out.toString(),
        "--weight-col", "weight", "--step-size", "0.5", "--max-iter", "2000", "--min-step-size", "0",
        "--tol", "1e-12", "--num-partitions", "2");
    assertEquals(0, run.exitCode(), run.err());
    // Weighted normal equations on [X 1]: Σ w_i z_i z_iᵀ β = Σ w_i y_i z_i, solved by elimination.
    int p = r.d() + 1;
    double[][] a = new double[p][p + 1];
    for (int i = 0; i < r.n(); i++) {
      double[] z = new double[p];
      System.arraycopy(r.x()[i], 0, z, 0, r.d());
      z[r.d()] = 1.0;
      for (int j = 0; j < p; j++) {
        for (int k = 0; k < p; k++) {
          a[j][k] += w[i] * z[j] * z[k];
        }
        a[j][p] += w[i] * r.y()[i] * z[j];
      }
    }
    for (int c = 0; c < p; c++) {
      for (int row = c + 1; row < p; row++) {
        double f = a[row][c] / a[c][c];
        for (int k = c; k <= p; k++) {
          a[row][k] -= f * a[c][k];
        }
      }
    }
    double[] beta = new double[p];
    for (int c = p - 1; c >= 0; c--) {
      double s = a[c][p];
      for (int k = c + 1; k < p; k++) {
        s -= a[c][k] * beta[k];
      }
      beta[c] = s / a[c][c];
    }
    double[] got = TestData.weights(out);
    for (int j = 0; j < r.d(); j++) {
      assertEquals(beta[j], got[j], 1e-6 * Math.max(1, Math.abs(beta[j])), "weight " + j);
    }
    assertEquals(beta[r.d()], TestData.intercept(out), 1e-6, "intercept");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"explicit", "detected"})
  void libsvmHasNoWeightColumn(String how) throws Exception {
    Path data = Rows.regression(1, 10, new double[] {1}, 0, 0.1, 0, 0).write(tmp.resolve("x.libsvm"));
    TestData.Run run = how.equals("explicit")
        ? TestData.cli("train", "--data", data.toString(), "--output", tmp.resolve("never").toString(),
            "--weight-col", "w", "--format", "libsvm")
        : TestData.cli("train", "--data", data.toString(), "--output", tmp.resolve("never").toString(),
            "--weight-col", "w");
    assertEquals(2, run.exitCode(), run.err());
    assertTrue(run.err().contains("--weight-col needs CSV or Parquet"), run.err());
  }
}
