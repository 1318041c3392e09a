package dev.sparksgd.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.testing.TestData;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Full-batch training converges to the least-squares solution, which the test computes itself
 * from the normal equations (Cholesky on [X 1]ᵀ[X 1]).
 */
class ClosedFormTest {
  @TempDir
  Path tmp;

  @ParameterizedTest(name = "{0}, standardization={1}, intercept={2}")
  @CsvSource({"data.libsvm,true,true", "data.csv,true,true", "data.libsvm,false,true",
      "data.libsvm,true,false"})
  void fullBatchConvergesToTheNormalEquationsSolution(String name, boolean standardize,
      boolean intercept) throws Exception {
    int n = 3000;
    int d = 6;
    Path data = tmp.resolve(name);
    TestData.Rows rows = TestData.write(data, 11, n, d, 0.3, 2.5);
    double[] exact = leastSquares(rows.x(), rows.y(), intercept);

    Path out = tmp.resolve("model");
    TestData.Run run = TestData.cli("train", "--data", data.toString(), "--output", out.toString(),
        "--standardization", String.valueOf(standardize), "--fit-intercept", String.valueOf(intercept),
        "--step-size", "0.5", "--max-iter", "2000", "--min-step-size", "0", "--tol", "1e-13",
        "--num-partitions", "3");
    assertEquals(0, run.exitCode(), run.err());
    double[] w = TestData.weights(out);
    double b = TestData.intercept(out);
    double[] got = new double[d + 1];
    System.arraycopy(w, 0, got, 0, d);
    got[d] = b;
    double err = 0;
    double ref = 0;
    for (int j = 0; j <= d; j++) {
      err += (got[j] - exact[j]) * (got[j] - exact[j]);
      ref += exact[j] * exact[j];
    }
    double rel = Math.sqrt(err / ref);
    assertTrue(rel < 1e-6, "relative error " + rel + " vs closed form");
    if (!intercept) {
      assertEquals(0.0, b, 0.0);
    }
    assertEquals("tol", TestData.json(out.resolve("model.json")).get("stopReason").asText());
  }

  /** Solves min ‖[X 1]β − y‖² by Cholesky of the normal equations; β = [w, b] (b = 0 without). */
  static double[] leastSquares(double[][] x, double[] y, boolean intercept) {
    int d = x[0].length;
    int p = intercept ? d + 1 : d;
    double[][] a = new double[p][p];
    double[] rhs = new double[p];
    double[] row = new double[p];
    for (int i = 0; i < x.length; i++) {
      System.arraycopy(x[i], 0, row, 0, d);
      if (intercept) {
        row[d] = 1.0;
      }
      for (int j = 0; j < p; j++) {
        rhs[j] += row[j] * y[i];
        for (int k = 0; k < p; k++) {
          a[j][k] += row[j] * row[k];
        }
      }
    }
    double[][] l = new double[p][p];
    for (int j = 0; j < p; j++) {
      double s = a[j][j];
      for (int k = 0; k < j; k++) {
        s -= l[j][k] * l[j][k];
      }
      l[j][j] = Math.sqrt(s);
      for (int i = j + 1; i < p; i++) {
        double t = a[i][j];
        for (int k = 0; k < j; k++) {
          t -= l[i][k] * l[j][k];
        }
        l[i][j] = t / l[j][j];
      }
    }
    double[] z = new double[p];
    for (int i = 0; i < p; i++) {
      double s = rhs[i];
      for (int k = 0; k < i; k++) {
        s -= l[i][k] * z[k];
      }
      z[i] = s / l[i][i];
    }
    double[] beta = new double[p];
    for (int i = p - 1; i >= 0; i--) {
      double s = z[i];
      for (int k = i + 1; k < p; k++) {
        s -= l[k][i] * beta[k];
      }
      beta[i] = s / l[i][i];
    }
    double[] out = new double[d + 1];
    System.arraycopy(beta, 0, out, 0, d);
    out[d] = intercept ? beta[d] : 0.0;
    return out;
  }
}
