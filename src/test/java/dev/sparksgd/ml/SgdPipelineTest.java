package dev.sparksgd.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.testing.Rows;
import dev.sparksgd.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.ml.tuning.TrainValidationSplit;
import org.apache.spark.ml.tuning.TrainValidationSplitModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The estimators where spark.ml puts estimators: Pipelines, CrossValidator, TrainValidationSplit, save/load. */
class SgdPipelineTest {
  private static final double[] TRUE_W = {1.5, -2.0, 0.5, 3.0, -1.0};
  @TempDir
  static Path tmp;
  static SparkSession spark;
  static Dataset<Row> columns;

  @BeforeAll
  static void data() {
    spark = SparkTestSession.get();
    columns = Rows.regression(23, 1000, TRUE_W, 2.0, 0.5, 0.0, 0.0).columnFrame(spark).repartition(2).cache();
  }

  static double[] predictions(Dataset<Row> scored) {
    return scored.orderBy("x1", "x2").select("prediction").collectAsList().stream()
        .mapToDouble(r -> r.getDouble(0)).toArray();
  }

  @Test
  void pipelineFitsTransformsSavesAndLoads() throws Exception {
    VectorAssembler assembler = new VectorAssembler().setInputCols(new String[] {"x1", "x2", "x3", "x4", "x5"})
        .setOutputCol("raw");
    StandardScaler scaler = new StandardScaler().setInputCol("raw").setOutputCol("features");
    SgdLinearRegression sgd = new SgdLinearRegression().setOptimizer("adam").setStepSize(0.05).setSeed(7L);
    sgd.setMaxIter(400);
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {assembler, scaler, sgd});
    PipelineModel fitted = pipeline.fit(columns);
    double[] before = predictions(fitted.transform(columns));
    LinearRegressionModel lr = (LinearRegressionModel) fitted.stages()[2];
    assertTrue(new RegressionEvaluator().evaluate(fitted.transform(columns)) < 0.6, "rmse");

    fitted.write().overwrite().save(tmp.resolve("pipeline-model").toString());
    PipelineModel loaded = PipelineModel.load(tmp.resolve("pipeline-model").toString());
    assertArrayEquals(before, predictions(loaded.transform(columns)), 0.0);
    assertEquals(lr.coefficients(), ((LinearRegressionModel) loaded.stages()[2]).coefficients());

    // the unfitted pipeline and the estimator keep their class and every param
    pipeline.write().overwrite().save(tmp.resolve("pipeline").toString());
    Pipeline again = Pipeline.load(tmp.resolve("pipeline").toString());
    SgdLinearRegression est = assertInstanceOf(SgdLinearRegression.class, again.getStages()[2]);
    assertEquals("adam", est.getOptimizer());
    assertEquals(0.05, est.getStepSize());
    assertEquals(7L, est.getSeed());
    assertEquals(400, est.getMaxIter());
    assertEquals(sgd.uid(), est.uid());
    sgd.write().overwrite().save(tmp.resolve("estimator").toString());
    SgdLinearRegression single = SgdLinearRegression.load(tmp.resolve("estimator").toString());
    assertEquals(sgd.extractParamMap().toString(), single.extractParamMap().toString());
    // a pipeline refit from the loaded stages gives the same bits
    assertArrayEquals(before, predictions(again.fit(columns).transform(columns)), 0.0);
  }

  @Test
  void crossValidatorTunesInParallelAndSavesItsModel() throws Exception {
    Dataset<Row> data = new VectorAssembler().setInputCols(new String[] {"x1", "x2", "x3", "x4", "x5"})
        .setOutputCol("features").transform(columns);
    SgdLinearRegression sgd = new SgdLinearRegression().setLrSchedule("inverse-sqrt");
    sgd.setMaxIter(150);
    ParamMap[] grid = new ParamGridBuilder()
        .addGrid(sgd.regParam(), new double[] {0.0, 1.0})
        .addGrid(sgd.stepSize(), new double[] {0.002, 0.5})
        .build();
    CrossValidator cv = new CrossValidator().setEstimator(sgd).setEstimatorParamMaps(grid)
        .setEvaluator(new RegressionEvaluator()).setNumFolds(2).setParallelism(2).setSeed(3);
    CrossValidatorModel model = cv.fit(data);
    double[] metrics = model.avgMetrics();
    System.out.println("cross-validated RMSE: " + Arrays.toString(metrics));
    assertEquals(4, metrics.length);
    int best = 0;
    for (int i = 1; i < metrics.length; i++) {
      best = metrics[i] < metrics[best] ? i : best;
    }
    // no penalty and the large step win; the tiny step is far from converged after 150 iterations
    assertEquals(0.0, (Double) grid[best].apply(sgd.regParam()));
    assertEquals(0.5, (Double) grid[best].apply(sgd.stepSize()));
    LinearRegressionModel bestModel = assertInstanceOf(LinearRegressionModel.class, model.bestModel());
    double[] before = predictions(model.transform(data));
    model.write().overwrite().save(tmp.resolve("cv").toString());
    CrossValidatorModel loaded = CrossValidatorModel.load(tmp.resolve("cv").toString());
    assertArrayEquals(before, predictions(loaded.transform(data)), 0.0);
    assertArrayEquals(metrics, loaded.avgMetrics(), 0.0);
    assertEquals(bestModel.coefficients(), ((LinearRegressionModel) loaded.bestModel()).coefficients());
    // the estimator inside the saved CrossValidator is ours, with its params
    assertInstanceOf(SgdLinearRegression.class, loaded.getEstimator());
  }

  @Test
  void trainValidationSplitTunesTheClassifier() {
    Dataset<Row> data = Rows.logistic(9, 1000, new double[] {1.0, -0.5, 0.25}, 0.3, 0.0).vectorFrame(spark);
    SgdLogisticRegression sgd = new SgdLogisticRegression().setStepSize(1.0);
    sgd.setMaxIter(100);
    ParamMap[] grid = new ParamGridBuilder().addGrid(sgd.regParam(), new double[] {0.0, 0.5}).build();
    TrainValidationSplitModel model = new TrainValidationSplit().setEstimator(sgd).setEstimatorParamMaps(grid)
        .setEvaluator(new BinaryClassificationEvaluator()).setTrainRatio(0.7).setParallelism(2).setSeed(5)
        .fit(data);
    System.out.println("train-validation AUC: " + Arrays.toString(model.validationMetrics()));
    assertEquals(2, model.validationMetrics().length);
    LogisticRegressionModel best = assertInstanceOf(LogisticRegressionModel.class, model.bestModel());
    assertTrue(Arrays.asList(best.transform(data).columns()).contains("probability"));
  }
}
