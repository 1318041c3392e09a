package dev.sparksgd.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparksgd.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.classification.LinearSVC;
import org.apache.spark.ml.classification.LinearSVCModel;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.ml.util.MLWritable;

/**
 * Spark ML interoperability: our model as a native spark.ml model directory
 * ({@code LinearRegressionModel}, {@code LogisticRegressionModel}, {@code LinearSVCModel}), and a
 * spark.ml model directory read back as one of ours (for a warm start).
 *
 * <p>The spark.ml model constructors are {@code private[ml]} in Scala, which compiles to public
 * bytecode, so the models are built exactly as spark.ml's own estimators build them: the
 * estimator's params are copied onto a model made from the coefficients, and the model's own
 * writer saves it. The directory is therefore what {@code Model.load} expects, whatever the Spark
 * 3.5 release.
 */
public final class SparkMlModels {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SparkMlModels() {
  }

  /**
   * Writes {@code model} as a spark.ml model directory at {@code path} (which must not exist): the
   * linear model alone when its features are a vector (LIBSVM, a Vector column, plain numeric
   * columns), else a {@code PipelineModel} that computes the features from the raw columns first
   * ({@link SparkMlPipeline}). Needs a running Spark session.
   */
  public static void write(LinearModel model, String path) throws IOException {
    Model<?> linear = linearModel(model);
    if (!SparkMlPipeline.needed(model)) {
      ((MLWritable) linear).write().save(path);
      return;
    }
    List<String> outputs = new ArrayList<>();
    for (String p : new String[] {"rawPredictionCol", "probabilityCol", "predictionCol"}) {
      if (linear.hasParam(p)) {
        outputs.add((String) linear.getOrDefault(linear.getParam(p)));
      }
    }
    String features = (String) linear.getOrDefault(linear.getParam("featuresCol"));
    SparkMlPipeline.of(model, linear, features, outputs).write().save(path);
  }

  /** {@code model} as the spark.ml model of its loss, with the params its estimator would give it. */
  static Model<?> linearModel(LinearModel model) {
    Vector coef = Vectors.dense(model.weights.clone());
    Map<String, Object> o = model.options;
    Model<?> out;
    switch (model.loss) {
      case "logistic": {
        LogisticRegression est = new LogisticRegression().setFamily("binomial").setThreshold(0.5)
            .setRegParam(num(o, "reg-param", 0.0)).setElasticNetParam(num(o, "elastic-net-param", 0.0))
            .setFitIntercept(bool(o, "fit-intercept", true)).setStandardization(bool(o, "standardization", true))
            .setMaxIter((int) num(o, "max-iter", 100)).setTol(num(o, "tol", 1e-6));
        columns(est, o);
        LogisticRegressionModel m = new LogisticRegressionModel(est.uid(), coef, model.intercept);
        out = est.copyValues(m, ParamMap.empty());
        break;
      }
      case "hinge": {
        LinearSVC est = new LinearSVC().setThreshold(0.0)
            .setRegParam(num(o, "reg-param", 0.0))
            .setFitIntercept(bool(o, "fit-intercept", true)).setStandardization(bool(o, "standardization", true))
            .setMaxIter((int) num(o, "max-iter", 100)).setTol(num(o, "tol", 1e-6));
        columns(est, o);
        LinearSVCModel m = new LinearSVCModel(est.uid(), coef, model.intercept);
        out = est.copyValues(m, ParamMap.empty());
        break;
      }
      default: {
        boolean huber = model.loss.equals("huber");
        LinearRegression est = new LinearRegression().setLoss(huber ? "huber" : "squaredError")
            .setRegParam(num(o, "reg-param", 0.0))
            .setFitIntercept(bool(o, "fit-intercept", true)).setStandardization(bool(o, "standardization", true))
            .setMaxIter((int) num(o, "max-iter", 100)).setTol(num(o, "tol", 1e-6));
        if (huber) {
          est.setEpsilon(model.epsilon);
        } else {
          est.setElasticNetParam(num(o, "elastic-net-param", 0.0));
        }
        columns(est, o);
        LinearRegressionModel m = new LinearRegressionModel(est.uid(), coef, model.intercept,
            huber ? model.scale : 1.0);
        out = est.copyValues(m, ParamMap.empty());
        break;
      }
    }
    return out;
  }

  private static void columns(org.apache.spark.ml.Predictor<?, ?, ?> est, Map<String, Object> o) {
    est.set(est.labelCol(), str(o, "label-col", "label"));
    est.set(est.featuresCol(), str(o, "features-col", "features"));
    Object w = o.get("weight-col");
    if (w != null && !w.toString().isBlank()) {
      est.set(est.getParam("weightCol"), w.toString());
    }
  }

  /** True when {@code dir} looks like a spark.ml model directory (it has metadata/). */
  public static boolean isSparkMlDirectory(Configuration conf, String dir) throws IOException {
    Path meta = new Path(dir, "metadata");
    return meta.getFileSystem(conf).exists(meta);
  }

  /**
   * Reads a spark.ml LinearRegressionModel, binomial LogisticRegressionModel or LinearSVCModel as
   * one of ours (weights, intercept, loss; huber's epsilon and scale). Needs a running Spark session.
   */
  public static LinearModel read(Configuration conf, String dir) throws IOException {
    String cls = metadataClass(conf, dir);
    switch (cls) {
      case "org.apache.spark.ml.regression.LinearRegressionModel":
        return fromSparkModel(LinearRegressionModel.load(dir), dir);
      case "org.apache.spark.ml.classification.LogisticRegressionModel":
        return fromSparkModel(LogisticRegressionModel.load(dir), dir);
      case "org.apache.spark.ml.classification.LinearSVCModel":
        return fromSparkModel(LinearSVCModel.load(dir), dir);
      case "org.apache.spark.ml.PipelineModel":
        throw new ConfigException(dir + ": a Spark ML PipelineModel (a spark-sgd model trained on raw columns "
            + "exports itself so); give the spark-sgd model directory that holds it (model.json)");
      default:
        throw new ConfigException(dir + ": a Spark ML " + cls + "; only LinearRegressionModel, "
            + "LogisticRegressionModel and LinearSVCModel can be read");
    }
  }

  /**
   * A fitted LinearRegressionModel, binomial LogisticRegressionModel or LinearSVCModel as one of
   * ours (weights, intercept, loss; huber's epsilon and scale).
   *
   * @param where how errors name the model
   */
  public static LinearModel fromSparkModel(org.apache.spark.ml.Model<?> model, String where) {
    if (model instanceof LinearRegressionModel m) {
      boolean huber = m.getLoss().equals("huber");
      return new LinearModel(m.coefficients().toArray(), m.intercept(), huber ? "huber" : "squared",
          null, new double[0], new double[0], Map.of(), 0, null, null,
          huber ? m.getEpsilon() : Double.NaN, huber ? m.scale() : Double.NaN);
    }
    if (model instanceof LogisticRegressionModel m) {
      if (m.numClasses() != 2 || m.getFamily().equals("multinomial")) {
        throw new ConfigException(where + ": a multinomial LogisticRegressionModel ("
            + m.numClasses() + " classes); only binary logistic regression is supported");
      }
      return new LinearModel(m.coefficients().toArray(), m.intercept(), "logistic", null,
          new double[0], new double[0], Map.of(), 0, null, "0/1", Double.NaN, Double.NaN);
    }
    if (model instanceof LinearSVCModel m) {
      return new LinearModel(m.coefficients().toArray(), m.intercept(), "hinge", null,
          new double[0], new double[0], Map.of(), 0, null, "0/1", Double.NaN, Double.NaN);
    }
    throw new ConfigException(where + ": a " + model.getClass().getName() + "; only LinearRegressionModel, "
        + "LogisticRegressionModel and LinearSVCModel can start a run");
  }

  private static String metadataClass(Configuration conf, String dir) throws IOException {
    Path meta = new Path(dir, "metadata");
    FileSystem fs = meta.getFileSystem(conf);
    for (FileStatus f : fs.listStatus(meta)) {
      String name = f.getPath().getName();
      if (f.isFile() && name.startsWith("part-")) {
        try (InputStream in = fs.open(f.getPath())) {
          String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          JsonNode root = JSON.readTree(text.lines().findFirst().orElse("{}"));
          String cls = root.path("class").asText("");
          if (!cls.isEmpty()) {
            return cls;
          }
        }
      }
    }
    throw new ConfigException(dir + ": metadata/ holds no Spark ML model metadata");
  }

  private static double num(Map<String, Object> o, String key, double dflt) {
    Object v = o.get(key);
    return v instanceof Number n ? n.doubleValue() : dflt;
  }

  private static boolean bool(Map<String, Object> o, String key, boolean dflt) {
    Object v = o.get(key);
    return v instanceof Boolean b ? b : dflt;
  }

  private static String str(Map<String, Object> o, String key, String dflt) {
    Object v = o.get(key);
    return v == null || v.toString().isBlank() ? dflt : v.toString();
  }
}
