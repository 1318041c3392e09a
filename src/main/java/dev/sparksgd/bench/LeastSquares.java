package dev.sparksgd.bench;

import dev.sparksgd.data.Block;
import dev.sparksgd.data.OrderedReduce;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;

/**
 * The benchmark's reference answers on cached blocks: the mean loss ½(β·x + c − y)² of any linear
 * model, and the least-squares optimum itself, from the normal equations (one pass building XᵀX,
 * Cholesky on the driver) for a few hundred dense features, or by Jacobi-preconditioned conjugate
 * gradients on the normal equations (one pass per step) for anything larger or sparse.
 */
public final class LeastSquares {
  /** Normal equations up to this many features (a (D+1)² Gram matrix per partition). */
  public static final int MAX_NORMAL_EQUATIONS = 1000;

  private LeastSquares() {
  }

  /** A least-squares solution and how it was obtained. */
  public record Solution(double[] coefficients, double intercept, double loss, String method,
      int passes, double relativeResidual) {
  }

  /** Mean over the training rows of ½(β·x + c − y)², weighted. */
  public static double loss(JavaRDD<Block> blocks, double[] coef, double intercept) {
    double[] s = OrderedReduce.reduce(blocks.mapPartitions(it -> {
      double[] acc = new double[2];
      while (it.hasNext()) {
        Block b = it.next();
        if (b.holdout) {
          continue;
        }
        for (int i = 0; i < b.numRows; i++) {
          double r = b.margin(i, coef, intercept) - b.labels[i];
          double w = b.weight(i);
          acc[0] += w * 0.5 * r * r;
          acc[1] += w;
        }
      }
      return List.of(acc).iterator();
    }), LeastSquares::addInPlace);
    return s[0] / s[1];
  }

  /** The optimum, with or without an intercept, by whichever method fits the size. */
  public static Solution solve(JavaRDD<Block> blocks, int d, boolean dense, boolean fitIntercept) {
    if (dense && d <= MAX_NORMAL_EQUATIONS) {
      Solution s = normalEquations(blocks, d, fitIntercept);
      if (s != null) {
        return s;
      }
    }
    return conjugateGradient(blocks, d, fitIntercept, 1e-10, 1000);
  }

  /**
   * Solves (AᵀWA) v = AᵀWy with A = [X, 1] (or X) by Cholesky; null when the matrix is not
   * positive definite (fewer independent rows than unknowns).
   */
  public static Solution normalEquations(JavaRDD<Block> blocks, int d, boolean fitIntercept) {
    int k = d + 1;
    // [upper triangle of Σ w·a·aᵀ (k·k) | Σ w·y·a (k)] with a = [x, 1].
    double[] sums = OrderedReduce.reduce(blocks.mapPartitions(it -> {
      double[] acc = new double[k * k + k];
      double[] a = new double[k];
      while (it.hasNext()) {
        Block b = it.next();
        if (b.holdout) {
          continue;
        }
        for (int i = 0; i < b.numRows; i++) {
          Arrays.fill(a, 0.0);
          b.addScaledRow(i, 1.0, a);
          a[d] = 1.0;
          double w = b.weight(i);
          for (int p = 0; p < k; p++) {
            double wa = w * a[p];
            if (wa == 0.0) {
              continue;
            }
            int row = p * k;
            for (int q = p; q < k; q++) {
              acc[row + q] += wa * a[q];
            }
            acc[k * k + p] += wa * b.labels[i];
          }
        }
      }
      return List.of(acc).iterator();
    }), LeastSquares::addInPlace);
    int n = fitIntercept ? k : d;
    double[] g = new double[n * n];
    double[] rhs = new double[n];
    for (int p = 0; p < n; p++) {
      rhs[p] = sums[k * k + p];
      for (int q = p; q < n; q++) {
        g[p * n + q] = sums[p * k + q];
        g[q * n + p] = sums[p * k + q];
      }
    }
    double[] v = choleskySolve(g, rhs, n);
    if (v == null) {
      return null;
    }
    double[] coef = Arrays.copyOf(v, d);
    double c = fitIntercept ? v[d] : 0.0;
    return new Solution(coef, c, loss(blocks, coef, c), "normal equations (Cholesky)", 2, Double.NaN);
  }

  /** Solves g·x = rhs for a symmetric positive definite n×n g (row-major); null if it is not. */
  static double[] choleskySolve(double[] g, double[] rhs, int n) {
    double[] l = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double s = g[i * n + j];
        for (int m = 0; m < j; m++) {
          s -= l[i * n + m] * l[j * n + m];
        }
        if (i == j) {
          if (!(s > 0)) {
            return null;
          }
          l[i * n + i] = Math.sqrt(s);
        } else {
          l[i * n + j] = s / l[j * n + j];
        }
      }
    }
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double s = rhs[i];
      for (int m = 0; m < i; m++) {
        s -= l[i * n + m] * y[m];
      }
      y[i] = s / l[i * n + i];
    }
    double[] x = new double[n];
    for (int i = n - 1; i >= 0; i--) {
      double s = y[i];
      for (int m = i + 1; m < n; m++) {
        s -= l[m * n + i] * x[m];
      }
      x[i] = s / l[i * n + i];
    }
    return x;
  }

  /**
   * Jacobi-preconditioned conjugate gradients on the normal equations AᵀWA v = AᵀWy, A = [X, 1]
   * (the last entry of v, the intercept, stays 0 without one). Each step is one pass over the
   * blocks. Stops when the true residual ‖Aᵀ(WAv − Wy)‖ is below relTol·‖AᵀWy‖, checked by a
   * separate pass when the recursive residual says so.
   */
  public static Solution conjugateGradient(JavaRDD<Block> blocks, int d, boolean fitIntercept,
      double relTol, int maxSteps) {
    int k = d + 1;
    double[] first = normalPass(blocks, null, d, fitIntercept); // [AᵀWy | diag(AᵀWA)]
    int passes = 1;
    double[] rhs = Arrays.copyOf(first, k);
    double[] invDiag = new double[k];
    for (int j = 0; j < k; j++) {
      double dj = first[k + j];
      invDiag[j] = dj > 0 ? 1.0 / dj : 0.0; // an absent feature keeps weight 0
    }
    double rhsNorm = norm(rhs);
    double[] x = new double[k];
    double[] r = rhs.clone();
    double[] z = times(invDiag, r);
    double[] p = z.clone();
    double rz = dot(r, z);
    double relResidual = 1.0;
    for (int step = 0; step < maxSteps && rhsNorm > 0; step++) {
      double[] ap = Arrays.copyOf(normalPass(blocks, p, d, fitIntercept), k);
      passes++;
      double alpha = rz / dot(p, ap);
      for (int j = 0; j < k; j++) {
        x[j] += alpha * p[j];
        r[j] -= alpha * ap[j];
      }
      if (norm(r) <= relTol * rhsNorm) {
        // The recursive residual drifts from the true one: recompute it before stopping.
        double[] ax = Arrays.copyOf(normalPass(blocks, x, d, fitIntercept), k);
        passes++;
        for (int j = 0; j < k; j++) {
          r[j] = rhs[j] - ax[j];
        }
        relResidual = norm(r) / rhsNorm;
        if (relResidual <= relTol) {
          break;
        }
      }
      z = times(invDiag, r);
      double rzNext = dot(r, z);
      double beta = rzNext / rz;
      rz = rzNext;
      for (int j = 0; j < k; j++) {
        p[j] = z[j] + beta * p[j];
      }
      relResidual = norm(r) / rhsNorm;
    }
    double[] coef = Arrays.copyOf(x, d);
    double c = fitIntercept ? x[d] : 0.0;
    return new Solution(coef, c, loss(blocks, coef, c),
        "conjugate gradients on the normal equations (Jacobi preconditioner)", passes + 1, relResidual);
  }

  /**
   * With v = null: [AᵀWy | diag(AᵀWA)] (2k entries). Otherwise AᵀWA·v (k entries, plus one unused
   * slot so both shapes merge the same way).
   */
  static double[] normalPass(JavaRDD<Block> blocks, double[] v, int d, boolean fitIntercept) {
    int k = d + 1;
    double c = v == null || !fitIntercept ? 0.0 : v[d];
    return OrderedReduce.reduce(blocks.mapPartitions(it -> {
      double[] acc = new double[2 * k];
      double[] sq = v == null ? new double[k] : null;
      while (it.hasNext()) {
        Block b = it.next();
        if (b.holdout) {
          continue;
        }
        for (int i = 0; i < b.numRows; i++) {
          double w = b.weight(i);
          if (v == null) {
            double wy = w * b.labels[i];
            b.addScaledRow(i, wy, acc);
            if (fitIntercept) {
              acc[d] += wy;
              acc[k + d] += w;
            }
            // diag: Σ w·x_j², through a squared copy of the row's entries.
            rowSquares(b, i, w, sq);
          } else {
            double m = w * b.margin(i, v, c);
            b.addScaledRow(i, m, acc);
            if (fitIntercept) {
              acc[d] += m;
            }
          }
        }
      }
      if (sq != null) {
        for (int j = 0; j < d; j++) {
          acc[k + j] += sq[j];
        }
      }
      return List.of(acc).iterator();
    }), LeastSquares::addInPlace);
  }

  private static void rowSquares(Block b, int i, double w, double[] sq) {
    if (b.isSparse()) {
      for (int q = b.rowPtr[i]; q < b.rowPtr[i + 1]; q++) {
        sq[b.colIdx[q]] += w * b.values.get(q) * b.values.get(q);
      }
    } else {
      int off = i * b.numCols;
      for (int j = 0; j < b.numCols; j++) {
        sq[j] += w * b.values.get(off + j) * b.values.get(off + j);
      }
    }
  }

  static double[] addInPlace(double[] into, double[] other) {
    for (int i = 0; i < into.length; i++) {
      into[i] += other[i];
    }
    return into;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static double norm(double[] a) {
    return Math.sqrt(dot(a, a));
  }

  private static double[] times(double[] a, double[] b) {
    double[] c = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i] * b[i];
    }
    return c;
  }
}
