package dev.sparksgd.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.config.TrainConfig;
import dev.sparksgd.config.TrainOption;
import dev.sparksgd.testing.Rows;
import dev.sparksgd.testing.SparkTestSession;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.classification.LinearSVC;
import org.apache.spark.ml.classification.LinearSVCModel;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The three estimators against spark.ml's own solvers on the same DataFrame, and their params:
 * names, defaults and checks from TrainConfig.OPTIONS, refusals of what SGD has no use for.
 */
class SgdEstimatorsTest {
  private static final double[] TRUE_W = {1.5, -2.0, 0.5, 3.0, -1.0};
  static SparkSession spark;
  static Dataset<Row> regression;
  static Dataset<Row> outliers;
  static Dataset<Row> binary;

  @BeforeAll
  static void data() {
    spark = SparkTestSession.get();
    regression = Rows.regression(11, 2000, TRUE_W, 2.0, 0.5, 0.0, 0.0).vectorFrame(spark).repartition(2).cache();
    outliers = Rows.regression(17, 2000, TRUE_W, 2.0, 1.5, 0.05, 40.0).vectorFrame(spark).repartition(2).cache();
    binary = Rows.logistic(5, 2000, new double[] {1.0, -0.5, 0.25, 0.8, -1.2}, 0.3, 0.0).vectorFrame(spark)
        .repartition(2).cache();
  }

  static double relDiff(Vector a, Vector b) {
    double num = 0;
    double den = 0;
    for (int j = 0; j < a.size(); j++) {
      num += (a.apply(j) - b.apply(j)) * (a.apply(j) - b.apply(j));
      den += b.apply(j) * b.apply(j);
    }
    return Math.sqrt(num / den);
  }

  @Test
  void squaredMatchesNormalEquations() {
    // With a penalty on standardized features the trainer scales the label by its population std
    // (as spark.ml's normal equations) but the features by their sample std (as spark.ml's
    // l-bfgs; the two spark.ml solvers differ by ~1e-5 there), so the penalized case is compared
    // without standardization, where only the label's scale enters.
    for (double reg : new double[] {0.0, 0.1}) {
      boolean standardization = reg == 0.0;
      LinearRegressionModel ours = new SgdLinearRegression().setLrSchedule("bb").setStepSize(1.0)
          .setMinStepSize(0.0).setGradTol(1e-12).setRegParam(reg).setStandardization(standardization)
          .setMaxIter(2000).setTol(0.0).fit(regression);
      LinearRegressionModel theirs = new LinearRegression().setSolver("normal").setRegParam(reg)
          .setStandardization(standardization).fit(regression);
      double rel = relDiff(ours.coefficients(), theirs.coefficients());
      System.out.printf("squared reg %s: rel coef diff %.3g, intercept %.12f vs %.12f, %s%n", reg, rel,
          ours.intercept(), theirs.intercept(), SgdTrainingSummary.of(ours).orElseThrow().stopReason());
      assertTrue(rel < 1e-6, "coefficients differ by " + rel + ": " + ours.coefficients() + " vs " + theirs.coefficients());
      assertEquals(theirs.intercept(), ours.intercept(), 1e-6 * Math.max(1, Math.abs(theirs.intercept())));
    }
  }

  @Test
  void huberMatchesSparkMl() {
    LinearRegressionModel ours = new SgdLinearRegression().setStepSize(1.0).setMinStepSize(0.0).setGradTol(1e-10)
        .setLoss("huber").setRegParam(0.1).setMaxIter(20000).setTol(0.0).fit(outliers);
    LinearRegressionModel theirs = new LinearRegression().setLoss("huber").setRegParam(0.1).setMaxIter(2000)
        .setTol(1e-12).fit(outliers);
    double rel = relDiff(ours.coefficients(), theirs.coefficients());
    System.out.printf("huber: rel coef diff %.3g, intercept %.8f vs %.8f, scale %.8f vs %.8f, %d iterations%n", rel,
        ours.intercept(), theirs.intercept(), ours.scale(), theirs.scale(),
        SgdTrainingSummary.of(ours).orElseThrow().iterations());
    assertTrue(rel < 1e-4, "coefficients differ by " + rel);
    assertEquals(theirs.intercept(), ours.intercept(), 1e-4 * Math.max(1, Math.abs(theirs.intercept())));
    assertEquals(theirs.scale(), ours.scale(), 1e-4 * theirs.scale());
  }

  @Test
  void logisticMatchesSparkMl() {
    LogisticRegressionModel ours = new SgdLogisticRegression().setLrSchedule("bb").setStepSize(2.0)
        .setMinStepSize(0.0).setGradTol(1e-12).setRegParam(0.01).setMaxIter(3000).setTol(0.0).fit(binary);
    LogisticRegressionModel theirs = new LogisticRegression().setRegParam(0.01).setMaxIter(1000).setTol(1e-12)
        .fit(binary);
    double rel = relDiff(ours.coefficients(), theirs.coefficients());
    System.out.printf("logistic: rel coef diff %.3g, intercept %.8f vs %.8f%n", rel, ours.intercept(), theirs.intercept());
    assertTrue(rel < 1e-4, "coefficients differ by " + rel);
    assertEquals(theirs.intercept(), ours.intercept(), 1e-4 * Math.max(1, Math.abs(theirs.intercept())));
    List<String> cols = Arrays.asList(ours.transform(binary).columns());
    assertTrue(cols.containsAll(List.of("prediction", "rawPrediction", "probability")), cols.toString());
  }

  @Test
  void svmAgreesWithSparkMl() {
    LinearSVCModel ours = new SgdLinearSVC().setStepSize(0.5).setLrSchedule("inverse-sqrt").setMinStepSize(0.0)
        .setRegParam(0.01).setMaxIter(500).setTol(0.0).fit(binary);
    LinearSVCModel theirs = new LinearSVC().setRegParam(0.01).setMaxIter(500).setTol(1e-9).fit(binary);
    Dataset<Row> both = ours.transform(binary).withColumnRenamed("prediction", "ours")
        .drop("rawPrediction");
    both = theirs.transform(both);
    long agree = both.where(functions.col("ours").equalTo(functions.col("prediction"))).count();
    double share = agree / (double) both.count();
    System.out.printf("svm: %.4f of the predictions agree, rel coef diff %.3g%n", share,
        relDiff(ours.coefficients(), theirs.coefficients()));
    assertTrue(share >= 0.99, "only " + share + " agree");
    assertTrue(Arrays.asList(ours.transform(binary).columns()).contains("rawPrediction"));
  }

  @Test
  void everyTrainingOptionIsAParamWithAccessorsAndOurDefault() throws Exception {
    for (Params est : List.of(new SgdLinearRegression(), new SgdLogisticRegression(), new SgdLinearSVC())) {
      for (TrainOption o : TrainConfig.OPTIONS) {
        if (o.paramName() == null || (o.name().equals("huber-delta") && !(est instanceof SgdLinearRegression))) {
          continue;
        }
        String n = o.paramName();
        assertTrue(est.hasParam(n), est.getClass().getSimpleName() + " lacks " + n);
        Param<?> p = est.getParam(n);
        assertTrue(Arrays.asList(est.params()).contains(p), n + " not in params()");
        assertNotNull(p.doc(), n);
        // stepSize holds a number: its default is the rate of --step-size default where no batch
        // curvature sets it.
        Object dflt = o.name().equals("step-size") ? (Object) TrainConfig.DEFAULT_STEP_SIZE : o.defaultValue();
        if (dflt != null) {
          assertEquals(dflt, est.getOrDefault(p), est.getClass().getSimpleName() + "." + n + " default");
        }
        String cap = Character.toUpperCase(n.charAt(0)) + n.substring(1);
        Method accessor = est.getClass().getMethod(n);
        assertEquals(p, accessor.invoke(est), n + "()");
        Method getter = est.getClass().getMethod("get" + cap);
        if (dflt != null) {
          assertEquals(dflt, getter.invoke(est), "get" + cap);
        }
        boolean hasSetter = Arrays.stream(est.getClass().getMethods()).anyMatch(m -> m.getName().equals("set" + cap)
            && m.getParameterCount() == 1);
        assertTrue(hasSetter, est.getClass().getSimpleName() + ".set" + cap);
      }
    }
  }

  @Test
  void javaChainsSparkAndSgdSettersInAnyOrder() {
    SgdLinearRegression r = new SgdLinearRegression().setMaxIter(5).setStepSize(0.2).setRegParam(0.1)
        .setOptimizer("adam").setLoss("huber").setEpsilon(1.5).setLrSchedule("inverse-sqrt");
    assertEquals(List.of(5, 0.2, 0.1, "adam", "huber", 1.5, "inverse-sqrt"), List.of(r.getMaxIter(),
        r.getStepSize(), r.getRegParam(), r.getOptimizer(), r.getLoss(), r.getEpsilon(), r.getLrSchedule()));
    SgdLogisticRegression l = new SgdLogisticRegression().setThreshold(0.3).setMomentum(0.5).setTol(1e-3);
    assertEquals(List.of(0.3, 0.5, 1e-3), List.of(l.getThreshold(), l.getMomentum(), l.getTol()));
    SgdLinearSVC s = new SgdLinearSVC().setFitIntercept(false).setElasticNetParam(0.5).setWeightCol("w");
    assertEquals(List.of(false, 0.5, "w"), List.of(s.getFitIntercept(), s.getElasticNetParam(), s.getWeightCol()));
  }

  @Test
  void paramsAreCheckedWithTheCliRulesAndParamNames() {
    SgdLinearRegression est = new SgdLinearRegression();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> est.setMomentum(1.5));
    assertEquals("momentum must be in [0, 1) (got 1.5)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> est.setOptimizer("lbfgs"));
    assertTrue(e.getMessage().startsWith("optimizer must be one of sgd, "), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> est.setMaxTime("soon"));
    assertTrue(e.getMessage().startsWith("maxTime"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> est.set("miniBatchFraction", 0.0));
    assertEquals("miniBatchFraction must be in (0, 1] (got 0.0)", e.getMessage());
    // combinations are checked when fitting, by the same builder
    SgdLinearRegression bb = new SgdLinearRegression().setLrSchedule("bb").setMiniBatchFraction(0.5);
    e = assertThrows(IllegalArgumentException.class, () -> bb.fit(regression));
    assertTrue(e.getMessage().startsWith("lrSchedule bb takes its step from the change of the full-batch "
        + "gradient and needs miniBatchFraction 1"), e.getMessage());
    SgdLinearRegression zero = new SgdLinearRegression();
    zero.setMaxIter(0);
    e = assertThrows(IllegalArgumentException.class, () -> zero.fit(regression));
    assertEquals("maxIter must be >= 1 (got 0)", e.getMessage());
  }

  @Test
  void paramsThatMeanNothingForSgdAreRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new SgdLinearRegression().setSolver("normal"));
    assertTrue(e.getMessage().startsWith("solver = normal is not supported: spark-sgd trains by SGD"), e.getMessage());
    SgdLinearRegression bySet = new SgdLinearRegression();
    bySet.set(bySet.solver(), "l-bfgs"); // as a ParamMap or a loaded estimator would
    e = assertThrows(IllegalArgumentException.class, () -> bySet.fit(regression));
    assertTrue(e.getMessage().startsWith("solver = l-bfgs is not supported"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new SgdLogisticRegression().setFamily("multinomial"));
    assertTrue(e.getMessage().startsWith("family = multinomial is not supported"), e.getMessage());
    SgdLogisticRegression multi = new SgdLogisticRegression();
    multi.set(multi.family(), "multinomial");
    assertThrows(IllegalArgumentException.class, () -> multi.fit(binary));
    assertThrows(IllegalArgumentException.class, () -> new SgdLinearSVC().setAggregationDepth(3));
    SgdLinearSVC depth = new SgdLinearSVC();
    depth.set(depth.aggregationDepth(), 3);
    e = assertThrows(IllegalArgumentException.class, () -> depth.fit(binary));
    assertTrue(e.getMessage().startsWith("aggregationDepth = 3 is not supported"), e.getMessage());
    // the default values are fine
    assertEquals("auto", new SgdLinearRegression().setSolver("auto").getSolver());
  }

  @Test
  void summaryValidationColumnAndWarmStart() {
    Dataset<Row> marked = regression.withColumn("isVal", functions.rand(3).lt(0.2));
    SgdLinearRegression est = new SgdLinearRegression().setStepSize(0.5)
        .setValidationIndicatorCol("isVal").setValidationInterval(5);
    est.setMaxIter(60);
    LinearRegressionModel m = est.fit(marked);
    SgdTrainingSummary s = SgdTrainingSummary.of(m).orElseThrow();
    long holdout = marked.where("isVal").count();
    assertEquals(holdout, s.holdoutRows());
    assertEquals(marked.count() - holdout, s.trainRows());
    assertEquals(s.iterations(), s.lossHistory().length);
    assertEquals(s.iterations(), s.objectiveHistory().length);
    assertTrue(s.totalMillis() >= s.trainMillis());
    assertNotNull(s.stopReason());

    // a warm start from a converged model stops at once; from scratch it needs many iterations
    LinearRegressionModel converged = new SgdLinearRegression().setStepSize(0.2).setGradTol(1e-7).setMinStepSize(0)
        .setMaxIter(5000).setTol(0.0).fit(regression);
    int cold = SgdTrainingSummary.of(converged).orElseThrow().iterations();
    LinearRegressionModel warm = new SgdLinearRegression().setStepSize(0.2).setGradTol(1e-7).setMinStepSize(0)
        .setInitialModel(converged).setMaxIter(5000).setTol(0.0).fit(regression);
    int warmIterations = SgdTrainingSummary.of(warm).orElseThrow().iterations();
    System.out.printf("warm start: %d iterations from the fitted model, %d from zero%n", warmIterations, cold);
    assertTrue(warmIterations * 5 < cold, warmIterations + " vs " + cold);
    assertTrue(relDiff(warm.coefficients(), converged.coefficients()) < 1e-6);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SgdLinearRegression()
        .setValidationIndicatorCol("isVal").setValidationFraction(0.1).fit(marked));
    assertEquals("give validationIndicatorCol or validationFraction, not both", e.getMessage());
  }
}
