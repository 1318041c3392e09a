package dev.sparksgd.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.config.LossType;
import dev.sparksgd.config.OptimizerKind;
import dev.sparksgd.config.TrainConfig;
import dev.sparksgd.data.Block;
import dev.sparksgd.data.FeatureStats;
import dev.sparksgd.loss.HingeLoss;
import dev.sparksgd.loss.LogisticLoss;
import dev.sparksgd.loss.SquaredLoss;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The default mini-batch rate 1/L: the power iteration's eigenvalue of a sample's scaled Gram matrix
 * against the matrix written out and diagonalized by Jacobi rotations, and against the closed form of
 * rows with disjoint supports; the rate's loss and momentum factors; where the rule applies.
 */
class BatchCurvatureTest {

  @Test
  void eigenvalueOfCentredWeightedDenseRowsMatchesJacobi() {
    SplittableRandom r = new SplittableRandom(3);
    int rows = 60;
    int d = 4;
    double[] v = new double[rows * d];
    double[] w = new double[rows];
    for (int i = 0; i < rows; i++) {
      double common = r.nextGaussian();
      for (int j = 0; j < d; j++) {
        // correlated features of scales 1e-2 … 1e1 and non-zero means
        v[i * d + j] = Math.pow(10, j - 2) * (2 + common + 0.5 * r.nextGaussian());
      }
      w[i] = 0.5 + r.nextDouble();
    }
    Block b = Block.dense(rows, d, v, new double[rows], w, false);
    for (boolean intercept : new boolean[] {true, false}) {
      Scaling scaling = new Scaling(FeatureStats.ofBlock(b), d, true, intercept);
      LocalRows s = rowsOf(b);
      double expected = jacobiLargest(gram(s, scaling, intercept));
      double got = BatchCurvature.largestEigenvalue(s, scaling, intercept, 42);
      assertTrue(got <= expected * (1 + 1e-12), "a lower bound: " + got + " > " + expected);
      assertEquals(expected, got, 1e-3 * expected, "intercept " + intercept);
    }
  }

  @Test
  void eigenvalueOfRowsWithDisjointSupportsIsTheLargestWeightedRowNorm() {
    int[] ptr = {0, 2, 3, 6};
    int[] idx = {0, 5, 2, 1, 3, 4};
    double[] val = {1, 2, 4, 1, 1, 1};
    double[] w = {1, 1, 2};
    Block b = Block.sparse(3, ptr, idx, val, new double[3], w, false);
    // raw features, no intercept: G = (1/Σω) Σ ω_i x_i x_iᵀ with orthogonal x_i
    Scaling raw = new Scaling(FeatureStats.ofBlock(b), 6, false, false);
    double got = BatchCurvature.largestEigenvalue(rowsOf(b), raw, false, 7);
    assertEquals(1 * 16.0 / 4, got, 1e-3 * 4); // row 1: ω = 1, ‖x‖² = 16, Σω = 4
  }

  @Test
  void rateIsTheLossCurvatureTimesTheEigenvalueInverted() {
    int[] ptr = {0, 1, 1};
    Block b = Block.sparse(2, ptr, new int[] {0}, new double[] {3}, new double[2], null, false);
    LocalRows s = rowsOf(b);
    Scaling raw = new Scaling(FeatureStats.ofBlock(b), 1, false, false);
    TrainConfig sgd = builder(OptimizerKind.SGD, LossType.SQUARED).fitIntercept(false).build();
    // rows x = 3 and x = 0, raw, no intercept: G = (9 + 0)/2
    double g = 4.5;
    assertEquals(1 / g, BatchCurvature.rate(s, sgd, SquaredLoss.INSTANCE, raw).rate(), 1e-3 / g);
    assertEquals(4 / g, BatchCurvature.rate(s, sgd, LogisticLoss.INSTANCE, raw).rate(), 4e-3 / g);
    TrainConfig momentum = builder(OptimizerKind.MOMENTUM, LossType.SQUARED).fitIntercept(false).build();
    assertEquals((1 - momentum.momentum) / g, BatchCurvature.rate(s, momentum, SquaredLoss.INSTANCE, raw).rate(),
        1e-3 / g);
    // an empty sample gives no curvature: the default's 0.1
    assertEquals(TrainConfig.DEFAULT_STEP_SIZE, BatchCurvature.rate(new LocalRows(), sgd, SquaredLoss.INSTANCE, raw)
        .rate());
  }

  @Test
  void appliesToDefaultMiniBatchStepsOfFixedRateOptimizersOnSmoothLosses() {
    assertTrue(BatchCurvature.applies(config(OptimizerKind.SGD, LossType.SQUARED), SquaredLoss.INSTANCE));
    assertTrue(BatchCurvature.applies(config(OptimizerKind.NESTEROV, LossType.LOGISTIC), LogisticLoss.INSTANCE));
    assertFalse(BatchCurvature.applies(config(OptimizerKind.ADAGRAD, LossType.SQUARED), SquaredLoss.INSTANCE));
    assertFalse(BatchCurvature.applies(config(OptimizerKind.SGD, LossType.HINGE), HingeLoss.INSTANCE));
    assertFalse(BatchCurvature.applies(builder(OptimizerKind.SGD, LossType.SQUARED).stepSize(0.1).build(),
        SquaredLoss.INSTANCE), "a step size given");
    assertFalse(BatchCurvature.applies(builder(OptimizerKind.SGD, LossType.SQUARED).miniBatchFraction(1).build(),
        SquaredLoss.INSTANCE), "full batch");
    assertTrue(BatchCurvature.applies(builder(OptimizerKind.SGD, LossType.SQUARED).stepSize("default").build(),
        SquaredLoss.INSTANCE), "--step-size default");
  }

  private static TrainConfig.Builder builder(OptimizerKind o, LossType loss) {
    return TrainConfig.builder().dataPath("unused").outputPath("unused").optimizer(o).loss(loss)
        .miniBatchFraction(0.1);
  }

  private static TrainConfig config(OptimizerKind o, LossType loss) {
    return builder(o, loss).build();
  }

  private static LocalRows rowsOf(Block b) {
    LocalRows s = new LocalRows();
    for (int i = 0; i < b.numRows; i++) {
      s.add(b, i);
    }
    return s;
  }

  /** (1/Σω) Σ ω_i z̃_i z̃_iᵀ written out, z̃_i = [(x_i − shift)·invStd, 1 with an intercept]. */
  private static double[][] gram(LocalRows s, Scaling scaling, boolean intercept) {
    int d = scaling.numFeatures;
    int p = d + (intercept ? 1 : 0);
    double[][] g = new double[p][p];
    double w = 0;
    for (int r = 0; r < s.numRows; r++) {
      double[] z = new double[p];
      for (int j = 0; j < d; j++) {
        z[j] = -scaling.shift[j] * scaling.invStd[j];
      }
      for (int k = s.rowPtr[r]; k < s.rowPtr[r + 1]; k++) {
        z[s.colIdx[k]] += s.values[k] * scaling.invStd[s.colIdx[k]];
      }
      if (intercept) {
        z[d] = 1;
      }
      for (int a = 0; a < p; a++) {
        for (int c = 0; c < p; c++) {
          g[a][c] += s.weights[r] * z[a] * z[c];
        }
      }
      w += s.weights[r];
    }
    for (double[] row : g) {
      for (int c = 0; c < p; c++) {
        row[c] /= w;
      }
    }
    return g;
  }

  /** The largest eigenvalue of a symmetric matrix by cyclic Jacobi rotations. */
  private static double jacobiLargest(double[][] m) {
    int n = m.length;
    double[][] a = new double[n][];
    for (int i = 0; i < n; i++) {
      a[i] = m[i].clone();
    }
    for (int sweep = 0; sweep < 100; sweep++) {
      double off = 0;
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          off += a[p][q] * a[p][q];
        }
      }
      if (off < 1e-30) {
        break;
      }
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          if (a[p][q] == 0) {
            continue;
          }
          double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
          double t = Math.signum(theta == 0 ? 1 : theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          double c = 1 / Math.sqrt(t * t + 1);
          double s = t * c;
          for (int k = 0; k < n; k++) {
            double akp = a[k][p];
            double akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
          }
          for (int k = 0; k < n; k++) {
            double apk = a[p][k];
            double aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
          }
        }
      }
    }
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, a[i][i]);
    }
    return max;
  }
}
