package dev.sparksgd.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparksgd.testing.Rows;
import dev.sparksgd.testing.SparkTestSession;
import dev.sparksgd.testing.TestData;
import java.nio.file.Path;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Huber loss on data with 5% gross outliers: it recovers the true weights where squared loss is
 * dragged off, and it fits the same model as spark.ml's LinearRegression(loss = "huber"), scale
 * included.
 */
class HuberTest {
  private static final double[] TRUE_W = {1.5, -2.0, 0.5, 3.0, -1.0};
  private static final double TRUE_B = 2.0;

  @TempDir
  static Path tmp;
  static Rows rows;
  static Path data;

  @BeforeAll
  static void data() throws Exception {
    rows = Rows.regression(17, 2000, TRUE_W, TRUE_B, 1.5, 0.05, 40.0);
    data = rows.write(tmp.resolve("outliers.libsvm"));
  }

  static Path train(String name, String... extra) {
    Path out = tmp.resolve(name);
    String[] base = {"train", "--data", data.toString(), "--output", out.toString(), "--overwrite",
        "--max-iter", "3000", "--tol", "1e-8", "--min-step-size", "0", "--num-partitions", "2"};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    TestData.Run run = TestData.cli(args);
    assertEquals(0, run.exitCode(), run.err());
    return out;
  }

  private static Path plainHuber;

  /** Huber with the defaults (no penalty), trained once for both tests that use it. */
  static synchronized Path plainHuber() {
    if (plainHuber == null) {
      plainHuber = train("huber", "--loss", "huber", "--step-size", "1.0");
    }
    return plainHuber;
  }

  static double distance(double[] a, double[] b) {
    double s = 0;
    for (int j = 0; j < a.length; j++) {
      s += (a[j] - b[j]) * (a[j] - b[j]);
    }
    return Math.sqrt(s);
  }

  static double norm(double[] a) {
    return distance(a, new double[a.length]);
  }

  @Test
  void huberRecoversTheTrueWeightsFarBetterThanSquaredLoss() throws Exception {
    double[] huber = TestData.weights(plainHuber());
    double[] squared = TestData.weights(train("squared", "--loss", "squared", "--step-size", "1.0"));
    double eh = distance(huber, TRUE_W);
    double es = distance(squared, TRUE_W);
    System.out.printf("weight error: huber %.4g, squared %.4g%n", eh, es);
    assertTrue(eh < 0.1, "huber weight error " + eh);
    assertTrue(eh * 5 < es, "huber error " + eh + " should be under a fifth of squared's " + es);
  }

  @Test
  void matchesSparkMlHuberWithoutPenalty() throws Exception {
    compareWithSparkMl(plainHuber(), 0.0, true, true);
  }

  @ParameterizedTest(name = "reg-param {0}, standardization {1}, intercept {2}")
  @CsvSource({"0.1,true,true", "0.1,false,true", "0.05,true,false"})
  void matchesSparkMlHuber(double reg, boolean standardization, boolean intercept) throws Exception {
    compareWithSparkMl(train("huber-" + reg + standardization + intercept, "--loss", "huber", "--step-size", "1.0",
        "--reg-param", String.valueOf(reg), "--standardization", String.valueOf(standardization),
        "--fit-intercept", String.valueOf(intercept)), reg, standardization, intercept);
  }

  /** --step-size auto probes with huber's own scale among the parameters, then trains to spark.ml's model. */
  @Test
  void stepSizeAutoMatchesSparkMl() throws Exception {
    Path out = train("huber-auto", "--loss", "huber", "--step-size", "auto", "--lr-schedule", "constant");
    assertTrue(TestData.json(out.resolve("model.json")).get("options").get("chosen-step-size").asDouble() > 0);
    compareWithSparkMl(out, 0.0, true, true);
  }

  /**
   * Model averaging moves huber's scale with the weights in every per-example step: with a
   * decaying rate it ends near spark.ml's model (averaging is not exact: 1e-2 relative).
   */
  @Test
  void modelAveragingApproachesSparkMl() throws Exception {
    Path out = train("huber-ma", "--loss", "huber", "--update-mode", "model-averaging", "--step-size", "0.05",
        "--lr-schedule", "inverse-time", "--decay", "1", "--max-iter", "60");
    JsonNode model = TestData.json(out.resolve("model.json"));
    double[] w = TestData.weights(out);
    LinearRegressionModel spark = new LinearRegression().setLoss("huber").setEpsilon(1.35).setMaxIter(2000)
        .setTol(1e-12).fit(rows.vectorFrame(SparkTestSession.get()));
    double[] sw = spark.coefficients().toArray();
    double rel = distance(w, sw) / norm(sw);
    double scale = model.get("scale").asDouble();
    System.out.printf("model averaging: rel coef diff %.3g, scale %.6f vs %.6f%n", rel, scale, spark.scale());
    assertTrue(rel < 1e-2, "coefficients differ by " + rel + " relative");
    assertEquals(spark.scale(), scale, 1e-2 * spark.scale(), "scale");
  }

  /** Same objective as spark.ml (σ + H(r/σ)σ, 1/Σω, ½λ‖w‖² on standardized weights): same model. */
  static void compareWithSparkMl(Path out, double reg, boolean standardization, boolean intercept)
      throws Exception {
    JsonNode model = TestData.json(out.resolve("model.json"));
    double[] w = TestData.weights(out);
    double b = model.get("intercept").asDouble();
    double scale = model.get("scale").asDouble();

    LinearRegressionModel spark = new LinearRegression().setLoss("huber").setEpsilon(1.35)
        .setRegParam(reg).setElasticNetParam(0.0).setStandardization(standardization)
        .setFitIntercept(intercept).setMaxIter(2000).setTol(1e-12)
        .fit(rows.vectorFrame(SparkTestSession.get()));
    double[] sw = spark.coefficients().toArray();
    double rel = distance(w, sw) / norm(sw);
    System.out.printf("reg %s std %s: rel coef diff %.3g, intercept %.6f vs %.6f, scale %.6f vs %.6f%n",
        reg, standardization, rel, b, spark.intercept(), scale, spark.scale());
    assertTrue(rel < 1e-3, "coefficients differ by " + rel + " relative: " + java.util.Arrays.toString(w)
        + " vs " + spark.coefficients());
    assertEquals(spark.intercept(), b, 1e-3 * Math.max(1, Math.abs(spark.intercept())), "intercept");
    assertEquals(spark.scale(), scale, 1e-3 * spark.scale(), "scale");
  }
}
