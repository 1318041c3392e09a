package dev.sparksgd.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.config.LossType;
import dev.sparksgd.config.TrainConfig;
import dev.sparksgd.data.DataLoader;
import dev.sparksgd.data.Dataset;
import dev.sparksgd.loss.Losses;
import dev.sparksgd.testing.SparkTestSession;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.spark.ml.classification.LinearSVC;
import org.apache.spark.ml.classification.LinearSVCModel;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every loss × penalty × standardization against spark.ml's own solver, with the defaults for
 * the schedule and the step (no step option: --lr-schedule auto runs safeguarded Barzilai–Borwein
 * steps on the full batch), on three data sets that a fixed step cannot serve unpreconditioned:
 * dense features of scales 1e−3 … 1e3, sparse pixel-like features with raw values 0–255, and
 * lpsa (Spark's own prostate-cancer data, correlated features). Budget: {@link #BUDGET}
 * iterations. Coefficients and intercept agree within 1e−6 relative for squared loss and 1e−4
 * for huber and logistic (spark.ml run to tolerance 1e−11 or tighter); for the hinge, whose
 * minimizer neither solver pins down that closely, our objective is at most 1e−4 above LinearSVC's.
 *
 * <p>spark.ml's solvers: squared loss LinearRegression (normal equations; with L1 its
 * quasi-Newton on them), huber LinearRegression(loss = huber) (L-BFGS, L2 only in spark.ml),
 * logistic LogisticRegression (L-BFGS / OWL-QN, its answer finished by Newton's method: see
 * {@link #newtonPolished}), hinge LinearSVC (OWL-QN, L2 only in spark.ml).
 *
 * <p>System properties {@code agreement.sets} (e.g. {@code pixels}) and {@code agreement.losses}
 * (e.g. {@code logistic,hinge}) run a subset of the cases.
 */
class SparkMlAgreementTest {
  /** The iteration budget of every run here. */
  static final int BUDGET = 1000;

  @TempDir
  static Path tmp;
  static final List<String> REPORT = new ArrayList<>();
  static Path scales;
  static Path scalesClasses;
  static Path pixels;
  static Path pixelsClasses;
  static Path lpsa;
  static Path lpsaClasses;
  /** The rows of each file, for the hinge's objective. */
  static final java.util.Map<Path, double[][]> ROWS = new java.util.HashMap<>();
  static final java.util.Map<Path, double[]> LABELS = new java.util.HashMap<>();

  @BeforeAll
  static void write() throws IOException {
    Random r = new Random(11);
    // Dense: 7 features of scales 1e-3 … 1e3 with means off zero; y linear in the unit-scale values.
    int n = 300;
    double[] c = {1.0, -2.0, 0.5, 1.5, -1.0, 0.8, 0.3};
    double[][] x = new double[n][7];
    double[] y = new double[n];
    double[] cls = new double[n];
    for (int i = 0; i < n; i++) {
      double m = 1.0;
      for (int j = 0; j < 7; j++) {
        double unit = r.nextGaussian() + 0.5 * (j - 3);
        x[i][j] = unit * Math.pow(10, j - 3);
        m += c[j] * unit;
      }
      y[i] = m + 0.5 * r.nextGaussian();
      cls[i] = m - 1.0 + 1.5 * r.nextGaussian() > 0 ? 1 : 0;
    }
    scales = libsvm("scales.libsvm", x, y);
    scalesClasses = libsvm("scales-classes.libsvm", x, cls);
    // Sparse pixels: 200 rows of 100 pixels, about a fifth lit with integer values 1..255.
    n = 200;
    x = new double[n][100];
    y = new double[n];
    cls = new double[n];
    double[] pc = new double[100];
    for (int j = 0; j < 100; j++) {
      pc[j] = (j % 10 < 5 ? 1 : -1) * (0.5 + r.nextDouble()) / 255.0;
    }
    for (int i = 0; i < n; i++) {
      double m = 0.3;
      for (int j = 0; j < 100; j++) {
        if (r.nextDouble() < 0.2) {
          x[i][j] = 1 + r.nextInt(255);
          m += pc[j] * x[i][j];
        }
      }
      y[i] = m + 0.3 * r.nextGaussian();
      cls[i] = m + 1.0 * r.nextGaussian() > 0 ? 1 : 0;
    }
    pixels = libsvm("pixels.libsvm", x, y);
    pixelsClasses = libsvm("pixels-classes.libsvm", x, cls);
    // lpsa: label,f1 … f8; the classes are lpsa above its median.
    List<String> lines;
    try (InputStream in = SparkMlAgreementTest.class.getResourceAsStream("/peer-data/lpsa.data")) {
      lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(s -> !s.isBlank()).toList();
    }
    n = lines.size();
    x = new double[n][8];
    y = new double[n];
    for (int i = 0; i < n; i++) {
      String[] parts = lines.get(i).split(",");
      y[i] = Double.parseDouble(parts[0]);
      String[] f = parts[1].trim().split(" ");
      for (int j = 0; j < 8; j++) {
        x[i][j] = Double.parseDouble(f[j]);
      }
    }
    double median = Arrays.stream(y).sorted().toArray()[n / 2];
    cls = Arrays.stream(y).map(v -> v > median ? 1 : 0).toArray();
    lpsa = libsvm("lpsa.libsvm", x, y);
    lpsaClasses = libsvm("lpsa-classes.libsvm", x, cls);
  }

  /**
   * Each file loaded once for all its cases, ours and spark.ml's (a file holds either labels or
   * classes, so its cases agree on what the loader reads: the loss's kind).
   */
  static final java.util.Map<Path, Dataset> DATA = new java.util.HashMap<>();
  static final java.util.Map<Path, org.apache.spark.sql.Dataset<Row>> FRAMES = new java.util.HashMap<>();

  @AfterAll
  static void report() {
    System.out.println(String.join("\n", REPORT));
    DATA.values().forEach(Dataset::release);
    FRAMES.values().forEach(org.apache.spark.sql.Dataset::unpersist);
  }

  /** LIBSVM with the zeros left out (sparse rows stay sparse). */
  private static Path libsvm(String name, double[][] x, double[] y) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < y.length; i++) {
      StringBuilder sb = new StringBuilder(String.valueOf(y[i]));
      for (int j = 0; j < x[i].length; j++) {
        if (x[i][j] != 0.0) {
          sb.append(' ').append(j + 1).append(':').append(x[i][j]);
        }
      }
      lines.add(sb.toString());
    }
    Path p = tmp.resolve(name);
    Files.write(p, lines, StandardCharsets.UTF_8);
    ROWS.put(p, x);
    LABELS.put(p, y);
    return p;
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    String[] sets = System.getProperty("agreement.sets", "scales,pixels,lpsa").split(",");
    for (String set : sets) {
      for (boolean std : new boolean[] {true, false}) {
        // squared and logistic: L2, elastic net, lasso; huber and hinge: L2 (spark.ml has no L1 there)
        for (double[] pen : new double[][] {{0.1, 0.0}, {0.1, 0.5}, {0.05, 1.0}}) {
          out.add(Arguments.of(set, LossType.SQUARED, pen[0], pen[1], std));
          out.add(Arguments.of(set, LossType.LOGISTIC, pen[0] / 10, pen[1], std));
        }
        out.add(Arguments.of(set, LossType.HUBER, 0.1, 0.0, std));
        out.add(Arguments.of(set, LossType.HINGE, 0.01, 0.0, std));
      }
      // No penalty: standardization changes nothing (huber and squared; the pixel classes may be
      // separable, where logistic loss has no minimum).
      out.add(Arguments.of(set, LossType.SQUARED, 0.0, 0.0, true));
      out.add(Arguments.of(set, LossType.HUBER, 0.0, 0.0, true));
    }
    String only = System.getProperty("agreement.losses", "");
    return out.stream().filter(a -> only.isEmpty() || only.contains(((LossType) a.get()[1]).cliName()));
  }

  private static Path file(String set, LossType loss) {
    boolean classes = loss == LossType.LOGISTIC || loss == LossType.HINGE;
    return switch (set) {
      case "scales" -> classes ? scalesClasses : scales;
      case "pixels" -> classes ? pixelsClasses : pixels;
      default -> classes ? lpsaClasses : lpsa;
    };
  }

  @ParameterizedTest(name = "{0} {1} reg {2} alpha {3} standardization {4}")
  @MethodSource("cases")
  void matchesSparkMl(String set, LossType lossType, double reg, double alpha, boolean std) {
    Path f = file(set, lossType);
    TrainConfig cfg = TrainConfig.builder().dataPath(f.toString()).outputPath("unused").numPartitions(2)
        .loss(lossType).regParam(reg).elasticNetParam(alpha).standardization(std).maxIter(BUDGET)
        .minStepSize(0).tol(0).gradTol(lossType == LossType.HINGE ? 0 : 1e-11)
        // The hinge has no gradient that vanishes: its run ends when the objective stops moving.
        .lossTol(lossType == LossType.HINGE ? 1e-12 : 0).patience(20).build();
    Dataset data = DATA.computeIfAbsent(f, file -> DataLoader.load(SparkTestSession.jsc(), cfg));
    long t0 = System.nanoTime();
    TrainResult ours = new Trainer(cfg, Losses.byName(lossType.cliName(), cfg.huberDelta))
        .train(SparkTestSession.jsc(), data, TrainingListener.NONE);
    long t1 = System.nanoTime();
    int d = ours.coefficients().length;
    double[] theirs = sparkMl(f, d, lossType, reg, alpha, std);
    long t2 = System.nanoTime();
    double polished = 0;
    if (lossType == LossType.LOGISTIC) {
      double[] exact = newtonPolished(f, theirs, reg, alpha, std);
      polished = relativeDistance(exact, theirs);
      theirs = exact;
    }
    double[] mine = Arrays.copyOf(ours.coefficients(), d + 1);
    mine[d] = ours.intercept();
    double err = 0;
    double ref = 0;
    for (int j = 0; j <= d; j++) {
      err += (mine[j] - theirs[j]) * (mine[j] - theirs[j]);
      ref += theirs[j] * theirs[j];
    }
    double rel = Math.sqrt(err / ref);
    double bound = lossType == LossType.SQUARED ? 1e-6 : 1e-4;
    String line = String.format(Locale.ROOT, "%-6s %-8s reg %-5s alpha %-3s std %-5s: %4d iterations (%s), "
        + "relative difference %.2e (bound %.0e) [%.1f s ours, %.1f s spark.ml]", set, lossType.cliName(), reg,
        alpha, std, ours.iterations(), ours.stopReason().label(), rel, bound, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
    if (lossType == LossType.LOGISTIC) {
      line += String.format(Locale.ROOT, "; objective %.12f vs spark.ml %.12f (Newton moved spark.ml's by %.1e)",
          objective(f, mine, lossType, reg, alpha, std), objective(f, theirs, lossType, reg, alpha, std), polished);
    }
    if (lossType == LossType.HINGE) {
      // The hinge's objective is flat to first order around its kinks; neither OWL-QN nor gradient
      // steps pin its minimizer to 1e-4. What both minimize is compared instead.
      double o = hingeObjective(f, mine, reg, std);
      double t = hingeObjective(f, theirs, reg, std);
      rel = (o - t) / t;
      line += String.format(Locale.ROOT, "; objective %.10f vs spark.ml %.10f, excess %.2e (bound %.0e), "
          + "smoothing width %.0e at the end", o, t, rel, bound, ours.hingeSmoothing());
    }
    REPORT.add(line);
    System.out.println(line);
    assertTrue(rel <= bound, line + "\n ours " + Arrays.toString(mine) + "\n spark.ml " + Arrays.toString(theirs));
  }

  /** The unbiased standard deviation of each of the d columns (spark.ml's σ_j). */
  private static double[] unbiasedStd(double[][] x, int d) {
    int n = x.length;
    double[] sigma = new double[d];
    for (int j = 0; j < d; j++) {
      double mean = 0;
      for (int i = 0; i < n; i++) {
        mean += x[i][j] / n;
      }
      double var = 0;
      for (int i = 0; i < n; i++) {
        var += (x[i][j] - mean) * (x[i][j] - mean) / (n - 1);
      }
      sigma[j] = Math.sqrt(var);
    }
    return sigma;
  }

  private static double relativeDistance(double[] a, double[] ref) {
    double err = 0;
    double norm = 0;
    for (int j = 0; j < a.length; j++) {
      err += (a[j] - ref[j]) * (a[j] - ref[j]);
      norm += ref[j] * ref[j];
    }
    return Math.sqrt(err / norm);
  }

  /**
   * spark.ml's logistic solution [β, c] finished by Newton's method. Its L-BFGS (breeze) also stops
   * once the gradient's norm is below 1e-8, a floor that setTol cannot lower; on nearly separable
   * classes with a weak penalty (the pixels with the penalty on raw coefficients: curvature λ/σ_j² ≈
   * 1e-6) that leaves its coefficients 1e-3 from the optimum. Newton's steps on the same objective
   * (exact Hessian, standardized columns for conditioning), on spark.ml's nonzero coefficients with
   * their signs (L1), halved while they raise the objective, end at the optimum; the result is kept
   * only if no sign changed, the zeros satisfy their optimality condition |∂_j loss| ≤ λα·k_j and
   * the objective did not rise. Otherwise spark.ml's own answer stays the reference.
   */
  static double[] newtonPolished(Path f, double[] start, double reg, double alpha, boolean std) {
    double[][] x = ROWS.get(f);
    double[] y = LABELS.get(f);
    int n = y.length;
    int d = start.length - 1;
    double[] sigma = unbiasedStd(x, d);
    // Variables: v_j = σ_j·β_j for the support, then the intercept. Penalty factor k_j: the
    // penalized quantity is k_j·v_j (σ_j·β_j with standardization, β_j without).
    List<Integer> support = new ArrayList<>();
    for (int j = 0; j < d; j++) {
      if (start[j] != 0.0 && sigma[j] > 0) {
        support.add(j);
      }
    }
    int m = support.size() + 1;
    double[] k = new double[d];
    for (int j = 0; j < d; j++) {
      k[j] = sigma[j] > 0 ? (std ? 1.0 : 1.0 / sigma[j]) : 0.0;
    }
    double l1 = reg * alpha;
    double l2 = reg * (1 - alpha);
    double[] coef = start.clone();
    double value = objective(f, coef, LossType.LOGISTIC, reg, alpha, std);
    for (int iter = 0; iter < 100; iter++) {
      double[] g = new double[m];
      double[][] h = new double[m][m];
      for (int i = 0; i < n; i++) {
        double margin = coef[d];
        for (int j = 0; j < d; j++) {
          margin += coef[j] * x[i][j];
        }
        double p = 1 / (1 + Math.exp(-margin));
        double r = (p - (y[i] > 0 ? 1 : 0)) / n;
        double w = p * (1 - p) / n;
        double[] z = new double[m];
        for (int a = 0; a < m - 1; a++) {
          int j = support.get(a);
          z[a] = x[i][j] / sigma[j];
        }
        z[m - 1] = 1.0;
        for (int a = 0; a < m; a++) {
          g[a] += r * z[a];
          for (int b = 0; b < m; b++) {
            h[a][b] += w * z[a] * z[b];
          }
        }
      }
      double gnorm = 0;
      for (int a = 0; a < m - 1; a++) {
        int j = support.get(a);
        double v = sigma[j] * coef[j];
        g[a] += l1 * k[j] * Math.signum(start[j]) + l2 * k[j] * k[j] * v;
        h[a][a] += l2 * k[j] * k[j];
      }
      for (double v : g) {
        gnorm += v * v;
      }
      if (Math.sqrt(gnorm) < 1e-15) {
        break;
      }
      double[] delta = solve(h, g);
      double t = 1.0;
      double[] next = null;
      double nextValue = Double.NaN;
      for (int halvings = 0; halvings < 40; halvings++, t *= 0.5) {
        next = coef.clone();
        for (int a = 0; a < m - 1; a++) {
          int j = support.get(a);
          next[j] -= t * delta[a] / sigma[j];
        }
        next[d] -= t * delta[m - 1];
        nextValue = objective(f, next, LossType.LOGISTIC, reg, alpha, std);
        if (nextValue <= value) {
          break;
        }
      }
      if (!(nextValue <= value)) {
        break;
      }
      double moved = relativeDistance(next, coef);
      coef = next;
      value = nextValue;
      if (moved < 1e-15) {
        break;
      }
    }
    // The signs of the support and the optimality of the zeros.
    double[] lossGradient = new double[d];
    for (int i = 0; i < n; i++) {
      double margin = coef[d];
      for (int j = 0; j < d; j++) {
        margin += coef[j] * x[i][j];
      }
      double r = (1 / (1 + Math.exp(-margin)) - (y[i] > 0 ? 1 : 0)) / n;
      for (int j = 0; j < d; j++) {
        lossGradient[j] += sigma[j] > 0 ? r * x[i][j] / sigma[j] : 0.0;
      }
    }
    for (int j = 0; j < d; j++) {
      boolean inSupport = start[j] != 0.0 && sigma[j] > 0;
      if (inSupport ? Math.signum(coef[j]) != Math.signum(start[j])
          : sigma[j] > 0 && Math.abs(lossGradient[j]) > l1 * k[j] * (1 + 1e-9)) {
        return start;
      }
    }
    return value <= objective(f, start, LossType.LOGISTIC, reg, alpha, std) ? coef : start;
  }

  /** A x = b by Gaussian elimination with partial pivoting (A is changed). */
  private static double[] solve(double[][] a, double[] b) {
    int n = b.length;
    double[] r = b.clone();
    for (int c = 0; c < n; c++) {
      int pivot = c;
      for (int i = c + 1; i < n; i++) {
        if (Math.abs(a[i][c]) > Math.abs(a[pivot][c])) {
          pivot = i;
        }
      }
      double[] row = a[c];
      a[c] = a[pivot];
      a[pivot] = row;
      double tmp = r[c];
      r[c] = r[pivot];
      r[pivot] = tmp;
      for (int i = c + 1; i < n; i++) {
        double factor = a[i][c] / a[c][c];
        for (int j = c; j < n; j++) {
          a[i][j] -= factor * a[c][j];
        }
        r[i] -= factor * r[c];
      }
    }
    double[] out = new double[n];
    for (int i = n - 1; i >= 0; i--) {
      double sum = r[i];
      for (int j = i + 1; j < n; j++) {
        sum -= a[i][j] * out[j];
      }
      out[i] = sum / a[i][i];
    }
    return out;
  }

  /**
   * LinearSVC's objective at [β, c]: mean max(0, 1 − y'·m) + λ/2·Σ (σ_j·β_j)² with the unbiased σ_j
   * (standardization) or λ/2·Σ β_j².
   */
  static double hingeObjective(Path f, double[] coef, double reg, boolean std) {
    return objective(f, coef, LossType.HINGE, reg, 0.0, std);
  }

  /** spark.ml's objective of the hinge or logistic loss at [β, c], elastic net with the unbiased σ_j. */
  static double objective(Path f, double[] coef, LossType lossType, double reg, double alpha, boolean std) {
    double[][] x = ROWS.get(f);
    double[] y = LABELS.get(f);
    int n = y.length;
    int d = coef.length - 1;
    double loss = 0;
    for (int i = 0; i < n; i++) {
      double m = coef[d];
      for (int j = 0; j < d; j++) {
        m += coef[j] * x[i][j];
      }
      double ym = (y[i] > 0 ? 1 : -1) * m;
      loss += lossType == LossType.HINGE ? Math.max(0, 1 - ym)
          : ym > 0 ? Math.log1p(Math.exp(-ym)) : -ym + Math.log1p(Math.exp(ym));
    }
    double pen = 0;
    double abs = 0;
    double[] sigma = unbiasedStd(x, d);
    for (int j = 0; j < d; j++) {
      double w = std ? sigma[j] * coef[j] : coef[j];
      pen += w * w;
      abs += Math.abs(w);
    }
    return loss / n + reg * (alpha * abs + 0.5 * (1 - alpha) * pen);
  }

  /** spark.ml's [coefficients, intercept] for the same problem. */
  private static double[] sparkMl(Path f, int d, LossType loss, double reg, double alpha, boolean std) {
    org.apache.spark.sql.Dataset<Row> df = FRAMES.computeIfAbsent(f, file -> SparkTestSession.get().read()
        .format("libsvm").option("numFeatures", String.valueOf(d)).load(file.toString()).cache());
    double[] coef;
    double intercept;
    switch (loss) {
      case SQUARED, HUBER -> {
        LinearRegression lr = new LinearRegression().setRegParam(reg).setElasticNetParam(alpha)
            .setStandardization(std).setTol(1e-12).setMaxIter(2000);
        if (loss == LossType.HUBER) {
          lr.setLoss("huber").setSolver("l-bfgs");
        } else {
          lr.setSolver(alpha > 0 ? "auto" : "normal");
        }
        LinearRegressionModel m = lr.fit(df);
        coef = m.coefficients().toArray();
        intercept = m.intercept();
      }
      case LOGISTIC -> {
        LogisticRegressionModel m = new LogisticRegression().setFamily("binomial").setRegParam(reg)
            .setElasticNetParam(alpha).setStandardization(std).setTol(1e-11).setMaxIter(2000).fit(df);
        coef = m.coefficients().toArray();
        intercept = m.intercept();
      }
      default -> {
        LinearSVCModel m = new LinearSVC().setRegParam(reg).setStandardization(std).setTol(1e-11)
            .setMaxIter(2000).fit(df);
        coef = m.coefficients().toArray();
        intercept = m.intercept();
      }
    }
    double[] out = Arrays.copyOf(coef, d + 1);
    out[d] = intercept;
    return out;
  }
}
