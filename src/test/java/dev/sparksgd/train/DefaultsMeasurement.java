package dev.sparksgd.train;

import dev.sparksgd.config.LossType;
import dev.sparksgd.config.LrSchedule;
import dev.sparksgd.config.TrainConfig;
import dev.sparksgd.data.DataLoader;
import dev.sparksgd.data.Dataset;
import dev.sparksgd.loss.Loss;
import dev.sparksgd.loss.Losses;
import dev.sparksgd.testing.SparkTestSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * Not a test: the measurement behind the defaults (run by hand; docs/algorithms.md, "Defaults"). For
 * each data set and candidate schedule, the iterations and training time until the full-data
 * objective is within 1e−4 (relative) of the optimum. Full batch: read from one run's history (its
 * objective is the full objective). Mini-batches: the model after k iterations, for growing k, with
 * the objective computed here over all rows.
 *
 * <p>{@code java $(cat target/scala-2.12/spark-java-options.txt) -cp
 * target/scala-2.12/test-classes:target/scala-2.12/classes:$(cat cp.txt)
 * dev.sparksgd.train.DefaultsMeasurement DIR [full|mini]}, cp.txt from {@code mvn -o
 * dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=cp.txt}
 */
public final class DefaultsMeasurement {
  static final double TARGET = 1e-4;

  private record Rows(double[][] x, double[] y) {
  }

  private record Problem(String name, Path file, Rows rows, LossType loss, double reg, boolean std) {
  }

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    Files.createDirectories(dir);
    List<Problem> problems = new ArrayList<>();
    Rows sample = read(Path.of("sample-data/regression.libsvm"), 10);
    problems.add(new Problem("sample-data squared", Path.of("sample-data/regression.libsvm"), sample,
        LossType.SQUARED, 0.0, true));
    Rows scales = scales(new Random(3), 2000, false);
    problems.add(new Problem("scales 1e-3..1e3 squared", write(dir.resolve("scales.libsvm"), scales), scales,
        LossType.SQUARED, 0.0, true));
    Rows scaleClasses = scales(new Random(3), 2000, true);
    problems.add(new Problem("scales 1e-3..1e3 logistic L2 0.01 std=false",
        write(dir.resolve("scales-classes.libsvm"), scaleClasses), scaleClasses, LossType.LOGISTIC, 0.01, false));
    Rows pixels = pixels(new Random(5), 2000);
    problems.add(new Problem("pixels 0-255 logistic L2 0.01 std=false", write(dir.resolve("pixels.libsvm"), pixels),
        pixels, LossType.LOGISTIC, 0.01, false));
    problems.add(new Problem("sample-data huber", Path.of("sample-data/regression.libsvm"), sample,
        LossType.HUBER, 0.0, true));
    String only = args.length > 1 ? args[1] : "all";
    for (Problem p : problems) {
      TrainConfig base = TrainConfig.builder().dataPath(p.file.toString()).outputPath("unused").numPartitions(2)
          .loss(p.loss).regParam(p.reg).standardization(p.std).minStepSize(0).tol(0).build();
      Dataset data = DataLoader.load(SparkTestSession.jsc(), base);
      Loss loss = Losses.byName(p.loss.cliName(), base.huberDelta);
      try {
        TrainResult best = run(base, data, loss, b -> b.lrSchedule(LrSchedule.LBFGS).gradTol(1e-13).maxIter(3000));
        double opt = objective(p, best.params(), best.coefficients(), best.intercept(), loss);
        System.out.printf(Locale.ROOT, "%n== %s: optimum %.10g (%d iterations)%n", p.name, opt, best.iterations());
        if (!only.equals("mini")) {
          fullBatch(p, base, data, loss, opt, "constant 0.1 (old default)",
              b -> b.lrSchedule(LrSchedule.CONSTANT).stepSize(0.1));
          fullBatch(p, base, data, loss, opt, "auto step, constant", b -> b.lrSchedule(LrSchedule.CONSTANT)
              .stepSize("auto"));
          fullBatch(p, base, data, loss, opt, "adaptive from 0.1", b -> b.lrSchedule(LrSchedule.ADAPTIVE).stepSize(0.1));
          fullBatch(p, base, data, loss, opt, "bb from 0.1", b -> b.lrSchedule(LrSchedule.BB));
          fullBatch(p, base, data, loss, opt, "lbfgs from 0.1 (default)", b -> b.lrSchedule(LrSchedule.LBFGS));
        }
        if (!only.equals("full") && (p.loss != LossType.HUBER && !p.name.startsWith("scales"))) {
          for (double fraction : new double[] {0.1}) {
            miniBatch(p, base, data, loss, opt, fraction, "constant 0.1", b -> b.stepSize(0.1));
            miniBatch(p, base, data, loss, opt, fraction, "constant 0.1 + averaging",
                b -> b.stepSize(0.1).averaging(true));
            miniBatch(p, base, data, loss, opt, fraction, "auto", b -> b.stepSize("auto"));
            miniBatch(p, base, data, loss, opt, fraction, "auto + averaging", b -> b.stepSize("auto").averaging(true));
          }
        }
      } finally {
        data.release();
      }
    }
  }

  private static TrainResult run(TrainConfig base, Dataset data, Loss loss, UnaryOperator<TrainConfig.Builder> o) {
    TrainConfig cfg = o.apply(base.toBuilder()).build();
    return new Trainer(cfg, loss).train(SparkTestSession.jsc(), data, TrainingListener.NONE);
  }

  private static void fullBatch(Problem p, TrainConfig base, Dataset data, Loss loss, double opt, String what,
      UnaryOperator<TrainConfig.Builder> o) {
    TrainResult r = run(base, data, loss, b -> o.apply(b).maxIter(2000).gradTol(1e-9));
    long millis = 0;
    int reached = -1;
    for (IterationRecord rec : r.history()) {
      millis += rec.millis();
      // The objective of iteration t is at the iterate t started from.
      if (reached < 0 && (rec.objective() - opt) / Math.abs(opt) <= TARGET && rec.objective() >= opt - 1e-9 * Math.abs(opt)) {
        reached = rec.iteration() - 1;
        break;
      }
    }
    double last = objective(p, r.params(), r.coefficients(), r.intercept(), loss);
    System.out.printf(Locale.ROOT, "full batch  %-42s %s (last excess %.2e after %d)%n", what,
        reached < 0 ? "not within 1e-4 in 2000 iterations" : String.format(Locale.ROOT, "%4d iterations, %6d ms",
            reached, millis), (last - opt) / Math.abs(opt), r.iterations());
  }

  private static void miniBatch(Problem p, TrainConfig base, Dataset data, Loss loss, double opt, double fraction,
      String what, UnaryOperator<TrainConfig.Builder> o) {
    StringBuilder sb = new StringBuilder();
    String reached = "not within 1e-4 by 1600";
    for (int k : new int[] {25, 100, 400, 1600}) {
      TrainResult r;
      try {
        r = run(base, data, loss, b -> o.apply(b).miniBatchFraction(fraction).maxIter(k));
      } catch (RuntimeException e) {
        reached = "fails: " + e.getMessage();
        break;
      }
      double[] model = r.params();
      double excess = (objective(p, model, r.coefficients(), r.intercept(), loss) - opt) / Math.abs(opt);
      sb.append(String.format(Locale.ROOT, " %d:%.1e", k, excess));
      if (excess <= TARGET) {
        reached = String.format(Locale.ROOT, "%4d iterations, %6d ms", k, r.millis());
        break;
      }
    }
    System.out.printf(Locale.ROOT, "fraction %.1f %-42s %s  [%s]%n", fraction, what, reached, sb.toString().trim());
  }

  /** Mean loss over every row plus the penalty (on raw coefficients when std = false, L2 only). */
  static double objective(Problem p, double[] params, double[] w, double b, Loss loss) {
    Loss bound = loss.bind(params, w.length + 1);
    double s = 0;
    for (int i = 0; i < p.rows.y.length; i++) {
      double m = b;
      for (int j = 0; j < w.length; j++) {
        m += w[j] * p.rows.x[i][j];
      }
      s += bound.value(m, p.rows.y[i]);
    }
    double pen = 0;
    if (p.reg > 0) {
      if (p.std) {
        throw new IllegalArgumentException("penalized measurements use std = false");
      }
      for (double v : w) {
        pen += v * v;
      }
      pen *= 0.5 * p.reg;
    }
    return s / p.rows.y.length + pen;
  }

  static Rows read(Path f, int d) throws IOException {
    List<String> lines = Files.readAllLines(f);
    double[][] x = new double[lines.size()][d];
    double[] y = new double[lines.size()];
    for (int i = 0; i < lines.size(); i++) {
      String[] t = lines.get(i).trim().split(" ");
      y[i] = Double.parseDouble(t[0]);
      for (int k = 1; k < t.length; k++) {
        String[] iv = t[k].split(":");
        x[i][Integer.parseInt(iv[0]) - 1] = Double.parseDouble(iv[1]);
      }
    }
    return new Rows(x, y);
  }

  static Rows scales(Random r, int n, boolean classes) {
    double[] c = {1.0, -2.0, 0.5, 1.5, -1.0, 0.8, 0.3};
    double[][] x = new double[n][7];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double m = 1.0;
      for (int j = 0; j < 7; j++) {
        double unit = r.nextGaussian() + 0.5 * (j - 3);
        x[i][j] = unit * Math.pow(10, j - 3);
        m += c[j] * unit;
      }
      y[i] = classes ? (m - 1.0 + 1.5 * r.nextGaussian() > 0 ? 1 : 0) : m + 0.5 * r.nextGaussian();
    }
    return new Rows(x, y);
  }

  static Rows pixels(Random r, int n) {
    double[] pc = new double[100];
    for (int j = 0; j < 100; j++) {
      pc[j] = (j % 10 < 5 ? 1 : -1) * (0.5 + r.nextDouble()) / 255.0;
    }
    double[][] x = new double[n][100];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double m = 0.3;
      for (int j = 0; j < 100; j++) {
        if (r.nextDouble() < 0.2) {
          x[i][j] = 1 + r.nextInt(255);
          m += pc[j] * x[i][j];
        }
      }
      y[i] = m + r.nextGaussian() > 0 ? 1 : 0;
    }
    return new Rows(x, y);
  }

  static Path write(Path p, Rows rows) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < rows.y.length; i++) {
      StringBuilder sb = new StringBuilder(String.valueOf(rows.y[i]));
      for (int j = 0; j < rows.x[i].length; j++) {
        if (rows.x[i][j] != 0.0) {
          sb.append(' ').append(j + 1).append(':').append(rows.x[i][j]);
        }
      }
      lines.add(sb.toString());
    }
    Files.write(p, lines, StandardCharsets.UTF_8);
    return p;
  }
}
