package dev.sparksgd.train;

import dev.sparksgd.data.Block;
import dev.sparksgd.data.SharedArray;
import dev.sparksgd.loss.Loss;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.Iterator;
import org.apache.spark.api.java.function.Function2;

/**
 * Per-partition work of an iteration that the long-running tasks of a {@link Gang} can serve: a
 * gradient task ({@link GradientTask}, {@link SparseGradientTask}) split into its fixed part, the
 * {@link Spec} the gang's tasks receive once when they start, and what changes from one iteration to
 * the next (iteration number, sampling fraction and seed, raw coefficients), which crosses the
 * gang's sockets as plain numbers. A gang task rebuilds the very task object of a Spark job from
 * the two and calls it on its partition's cached blocks, so the partial result has the same bits.
 */
abstract class GangWork implements Serializable {
  private static final long serialVersionUID = 1L;

  final SharedArray rawCoefficients;
  final int numFeatures;
  final Loss loss;
  final double fraction;
  final long seed;
  final int iteration;
  final int failAtIteration;

  GangWork(SharedArray rawCoefficients, int numFeatures, Loss loss, double fraction, long seed, int iteration,
      int failAtIteration) {
    this.rawCoefficients = rawCoefficients;
    this.numFeatures = numFeatures;
    this.loss = loss;
    this.fraction = fraction;
    this.seed = seed;
    this.iteration = iteration;
    this.failAtIteration = failAtIteration;
  }

  /** Whether the partial result is {@link SparseSums} (else the dense sums' array). */
  abstract boolean sparse();

  Spec spec() {
    return new Spec(sparse(), numFeatures, loss, failAtIteration);
  }

  /** The raw coefficients the task reads ([β, c, extra…]). */
  double[] coefficients() {
    return rawCoefficients.value();
  }

  /**
   * The fixed part: dense or sparse sums, the number of features, the loss the tasks differentiate
   * and the failure test hook's iteration. Equal specs mean one gang serves both works.
   */
  record Spec(boolean sparse, int numFeatures, Loss loss, int failAt) implements Serializable {
    /** The task a Spark job would run for these per-iteration values. */
    Function2<Integer, Iterator<Block>, ? extends Iterator<?>> task(SharedArray shared, double fraction, long seed,
        int iteration) {
      return sparse
          ? new SparseGradientTask(shared, numFeatures, loss, fraction, seed, iteration, failAt)
          : new GradientTask(shared, numFeatures, loss, fraction, seed, iteration, failAt);
    }

    /** Sends a partial result of {@link #task} (in the gang's task). */
    void write(Object result, DataOutputStream out) throws IOException {
      if (sparse) {
        SparseSums s = (SparseSums) result;
        out.writeInt(s.idx().length);
        for (int j : s.idx()) {
          out.writeInt(j);
        }
        writeDoubles(s.val(), out);
        out.writeDouble(s.derivSum());
        out.writeDouble(s.lossSum());
        out.writeDouble(s.weightSum());
        out.writeLong(s.rows());
      } else {
        double[] acc = (double[]) result;
        out.writeInt(acc.length);
        writeDoubles(acc, out);
      }
    }

    /** Receives a partial result (on the driver). */
    Object read(DataInputStream in) throws IOException {
      int n = checkedLength(in.readInt());
      if (sparse) {
        int[] idx = new int[n];
        for (int k = 0; k < n; k++) {
          idx[k] = in.readInt();
        }
        return new SparseSums(idx, readDoubles(n, in), in.readDouble(), in.readDouble(), in.readDouble(),
            in.readLong());
      }
      return readDoubles(n, in);
    }
  }

  static void writeDoubles(double[] v, DataOutputStream out) throws IOException {
    for (double x : v) {
      out.writeDouble(x);
    }
  }

  static double[] readDoubles(int n, DataInputStream in) throws IOException {
    double[] v = new double[n];
    for (int k = 0; k < n; k++) {
      v[k] = in.readDouble();
    }
    return v;
  }

  /** A length read from the wire, refused when negative (a broken stream, not an allocation). */
  static int checkedLength(int n) throws IOException {
    if (n < 0) {
      throw new IOException("bad length " + n + " on the gang's connection");
    }
    return n;
  }
}
