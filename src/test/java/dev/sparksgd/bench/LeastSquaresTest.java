package dev.sparksgd.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.data.DataLoader;
import dev.sparksgd.data.Dataset;
import dev.sparksgd.data.Generator;
import dev.sparksgd.data.ParsedRecord;
import dev.sparksgd.testing.SparkTestSession;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's reference optimum: the normal equations agree with spark.ml's own normal-equation
 * solver, conjugate gradients agree with the normal equations, and on sparse data the gradient of
 * the loss at the CG solution, computed here row by row, is zero.
 */
class LeastSquaresTest {
  @Test
  void normalEquationsMatchSparkMlsNormalSolver() {
    Generator gen = new Generator(3, 7, 0, 0.3, 0.0);
    Dataset ours = DataLoader.fromGenerator(SparkTestSession.jsc(), gen, 1500, 3);
    org.apache.spark.sql.Dataset<Row> frame = ContenderData.dataFrame(SparkTestSession.get(), gen, 1500, 3);
    try {
      for (boolean intercept : new boolean[] {true, false}) {
        LeastSquares.Solution s = LeastSquares.normalEquations(ours.blocks, 7, intercept);
        LinearRegressionModel m = new LinearRegression().setSolver("normal").setStandardization(false)
            .setFitIntercept(intercept).fit(frame);
        double[] c = m.coefficients().toArray();
        for (int j = 0; j < 7; j++) {
          assertEquals(c[j], s.coefficients()[j], 1e-9, "weight " + j);
        }
        assertEquals(m.intercept(), s.intercept(), 1e-9);
        // spark.ml's MSE is the mean squared residual; our loss is half of it.
        assertEquals(m.summary().meanSquaredError() / 2, s.loss(), 1e-12);
      }
    } finally {
      ours.release();
    }
  }

  @Test
  void conjugateGradientsAgreeWithTheNormalEquations() {
    Generator gen = new Generator(4, 12, 0, 0.1, 0.0);
    Dataset ours = DataLoader.fromGenerator(SparkTestSession.jsc(), gen, 1200, 2);
    try {
      for (boolean intercept : new boolean[] {true, false}) {
        LeastSquares.Solution exact = LeastSquares.normalEquations(ours.blocks, 12, intercept);
        LeastSquares.Solution cg = LeastSquares.conjugateGradient(ours.blocks, 12, intercept, 1e-12, 200);
        assertTrue(cg.relativeResidual() <= 1e-12, "residual " + cg.relativeResidual());
        for (int j = 0; j < 12; j++) {
          assertEquals(exact.coefficients()[j], cg.coefficients()[j], 1e-9);
        }
        assertEquals(exact.intercept(), cg.intercept(), 1e-9);
        assertEquals(exact.loss(), cg.loss(), 1e-12 * exact.loss() + 1e-15);
      }
    } finally {
      ours.release();
    }
  }

  @Test
  void sparseConjugateGradientsZeroTheGradient() {
    int d = 400;
    int n = 3000;
    Generator gen = new Generator(5, d, 6, 0.1, 0.0);
    Dataset ours = DataLoader.fromGenerator(SparkTestSession.jsc(), gen, n, 2);
    try {
      assertTrue(ours.blocks.collect().stream().allMatch(b -> b.isSparse()));
      LeastSquares.Solution s = LeastSquares.solve(ours.blocks, d, false, true);
      assertTrue(s.method().startsWith("conjugate gradients"));
      // Independent check on the driver: g = Σ (β·x + c − y)·[x, 1] must vanish, relative to Σ y·[x, 1].
      double[] g = new double[d + 1];
      double[] b = new double[d + 1];
      double lossSum = 0;
      ParsedRecord r = new ParsedRecord();
      for (int i = 0; i < n; i++) {
        gen.row(i, r);
        double m = s.intercept();
        for (int k = 0; k < r.nnz; k++) {
          m += s.coefficients()[r.indices[k]] * r.values[k];
        }
        double res = m - r.label;
        lossSum += 0.5 * res * res;
        for (int k = 0; k < r.nnz; k++) {
          g[r.indices[k]] += res * r.values[k];
          b[r.indices[k]] += r.label * r.values[k];
        }
        g[d] += res;
        b[d] += r.label;
      }
      assertTrue(norm(g) <= 1e-8 * norm(b), "gradient " + norm(g) + " vs " + norm(b));
      assertEquals(lossSum / n, s.loss(), 1e-12);
      assertEquals(lossSum / n, LeastSquares.loss(ours.blocks, s.coefficients(), s.intercept()), 1e-12);
    } finally {
      ours.release();
    }
  }

  @Test
  void choleskyRefusesASingularSystem() {
    assertNull(LeastSquares.choleskySolve(new double[] {1, 2, 2, 4}, new double[] {1, 2}, 2));
    double[] x = LeastSquares.choleskySolve(new double[] {4, 2, 2, 3}, new double[] {2, 5}, 2);
    assertEquals(-0.5, x[0], 1e-15);
    assertEquals(2.0, x[1], 1e-15);
  }

  private static double norm(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }
}
