package dev.sparksgd.train;

import dev.sparksgd.config.ConfigException;
import dev.sparksgd.config.TrainConfig;
import dev.sparksgd.data.Block;
import dev.sparksgd.data.Dataset;
import dev.sparksgd.data.IndexSampler;
import dev.sparksgd.data.OrderedReduce;
import dev.sparksgd.data.Seeds;
import dev.sparksgd.loss.Loss;
import dev.sparksgd.optim.LearningRate;
import dev.sparksgd.optim.Optimizer;
import dev.sparksgd.optim.Regularizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * --step-size auto: "a reasonable learning rate can be determined automatically by starting large
 * and getting smaller". One Spark job draws a seeded sample of about {@link #SAMPLE_ROWS} training
 * rows to the driver; there, each candidate η (halving from a start above any stable rate) runs
 * {@link #PROBE_ITERATIONS} full-batch iterations of the configured optimizer and penalty at a
 * constant rate. A candidate passes when the objective never rises and ends lower than it started.
 * The chosen rate is the largest candidate whose double passed too: the margin of 2 covers the
 * difference between the sample and the full data, and keeps plain gradient descent below 1/L.
 */
final class StepSizeSearch {
  static final int SAMPLE_ROWS = 1000;
  static final int PROBE_ITERATIONS = 20;
  static final int MAX_CANDIDATES = 120;
  /** Seed stream of the sample, apart from the iterations' streams (t ≥ 1). */
  static final long SAMPLE_STREAM = -0x5354455053495A45L;

  private StepSizeSearch() {
  }

  /** The outcome: every candidate tried (largest first), whether it passed, and the choice. */
  record Result(double chosen, List<double[]> tried, int sampleRows) {
  }

  static Result choose(JavaSparkContext sc, Dataset data, TrainConfig cfg, Loss loss, Scaling scaling,
      Regularizer reg, Consumer<String> out) {
    LocalRows sample = sample(sc, data, cfg.seed, SAMPLE_STREAM, SAMPLE_ROWS, "step-size auto: sample");
    Result r = choose(sample, cfg, loss, scaling, reg);
    StringBuilder sb = new StringBuilder("spark-sgd: --step-size auto on " + r.sampleRows
        + " sampled rows, " + PROBE_ITERATIONS + " iterations each:");
    for (double[] c : r.tried) {
      sb.append(String.format(Locale.ROOT, " %.4g(%s)", c[0], c[1] > 0 ? "ok" : "no"));
    }
    out.accept(sb.toString());
    out.accept(String.format(Locale.ROOT, "spark-sgd: chose --step-size %.6g", r.chosen));
    return r;
  }

  /**
   * About {@code size} training rows drawn to the driver, each with the same probability, from the
   * seed stream {@code stream} (one Spark job named {@code job}).
   */
  static LocalRows sample(JavaSparkContext sc, Dataset data, long seed, long stream, long size, String job) {
    double fraction = Math.min(1.0, (double) size / Math.max(1, data.trainRows));
    sc.setJobDescription(job);
    try {
      return OrderedReduce.reduce(data.blocks.mapPartitionsWithIndex((p, it) -> {
        LocalRows rows = new LocalRows();
        IndexSampler sampler = new IndexSampler(fraction, Seeds.derive(seed, stream, p));
        long base = 0;
        while (it.hasNext()) {
          Block b = it.next();
          if (b.holdout) {
            continue;
          }
          long end = base + b.numRows;
          while (sampler.peek() < end) {
            rows.add(b, (int) (sampler.peek() - base));
            sampler.advance();
          }
          base = end;
        }
        return List.of(rows).iterator();
      }, false), LocalRows::append);
    } finally {
      sc.setJobDescription(null);
    }
  }

  static Result choose(LocalRows sample, TrainConfig cfg, Loss loss, Scaling scaling, Regularizer reg) {
    if (sample.numRows == 0) {
      throw new ConfigException("--step-size auto: the sample of the training data is empty");
    }
    int d = scaling.numFeatures;
    List<double[]> tried = new ArrayList<>();
    boolean previousPassed = false;
    double eta = start(sample, scaling, cfg.fitIntercept);
    for (int i = 0; i < MAX_CANDIDATES; i++, eta /= 2) {
      boolean ok = steadilyDecreases(sample, cfg, loss, scaling, reg, d, eta);
      tried.add(new double[] {eta, ok ? 1 : 0});
      if (ok && previousPassed) {
        return new Result(eta, tried, sample.numRows);
      }
      previousPassed = ok;
    }
    throw new ConfigException("--step-size auto found no step size that lowers the loss steadily on "
        + sample.numRows + " sampled rows (tried " + tried.get(0)[0] + " down to " + eta * 2
        + "); give --step-size X");
  }

  /**
   * A rate above any useful one. Gradient descent is stable below 2/L and L ≥ trace/p of the
   * Hessian, so 4p/trace is too large; per-coordinate optimizers (Adam …) move each weight by about
   * η, so ten times the largest plausible weight, (|ȳ| + σ_y)/(smallest feature RMS), is too large.
   */
  static double start(LocalRows s, Scaling scaling, boolean fitIntercept) {
    int d = scaling.numFeatures;
    double[] sq = new double[d];
    double centred = 0;
    for (int j = 0; j < d; j++) {
      double c = scaling.shift[j] * scaling.invStd[j];
      centred += c * c;
    }
    double w = 0;
    double trace = 0;
    double ySum = 0;
    for (int r = 0; r < s.numRows; r++) {
      double wr = s.weights[r];
      double norm = centred + (fitIntercept ? 1 : 0);
      for (int k = s.rowPtr[r]; k < s.rowPtr[r + 1]; k++) {
        int j = s.colIdx[k];
        double z = (s.values[k] - scaling.shift[j]) * scaling.invStd[j];
        double c = scaling.shift[j] * scaling.invStd[j];
        norm += z * z - c * c;
        sq[j] += wr * (z * z - c * c);
      }
      trace += wr * norm;
      w += wr;
      ySum += wr * s.labels[r];
    }
    if (w <= 0) {
      return 1.0;
    }
    double yMean = ySum / w;
    double yVar = 0;
    for (int r = 0; r < s.numRows; r++) {
      double e = s.labels[r] - yMean;
      yVar += s.weights[r] * e * e;
    }
    double ySpread = Math.abs(yMean) + Math.sqrt(yVar / w);
    double minRms = Double.POSITIVE_INFINITY;
    for (int j = 0; j < d; j++) {
      double c = scaling.shift[j] * scaling.invStd[j];
      double rms = Math.sqrt(Math.max(sq[j] / w + c * c, 0.0));
      if (rms > 0) {
        minRms = Math.min(minRms, rms);
      }
    }
    double p = d + (fitIntercept ? 1 : 0);
    double gd = trace > 0 ? 4 * p * w / trace : 1.0;
    double perCoordinate = 10 * Math.max(ySpread, 1e-12) / (minRms == Double.POSITIVE_INFINITY ? 1 : minRms);
    return Math.max(gd, perCoordinate);
  }

  /** Full-batch iterations at constant eta: the objective never rises and ends lower. */
  static boolean steadilyDecreases(LocalRows s, TrainConfig cfg, Loss loss, Scaling scaling,
      Regularizer reg, int d, double eta) {
    Optimizer opt = OptimSetup.optimizer(cfg);
    LearningRate rate = LearningRate.constant(eta);
    double[] params = new double[d + 1 + loss.numExtraParams()];
    double[] extra = loss.initialExtraParams();
    System.arraycopy(extra, 0, params, d + 1, extra.length);
    double first = Double.NaN;
    double prev = Double.NaN;
    for (int k = 0; k <= PROBE_ITERATIONS; k++) {
      double[] acc = s.gradientSums(scaling.toRaw(params), d, loss);
      double objective = acc[d + 1] / acc[d + 2] + reg.value(params, d);
      if (!Double.isFinite(objective) || objective > prev) {
        return false;
      }
      if (k == 0) {
        first = objective;
      }
      prev = objective;
      if (k == PROBE_ITERATIONS) {
        break;
      }
      double[] g = Trainer.withExtraGradient(scaling.gradient(java.util.Arrays.copyOf(acc, d), acc[d],
          acc[d + 2], cfg.fitIntercept), acc, d, acc[d + 2]);
      UpdateStep.apply(opt, reg, d, params, g, rate.rate(k + 1));
      if (!StoppingRules.allFinite(params)) {
        return false;
      }
    }
    return prev < first;
  }
}
