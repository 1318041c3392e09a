package dev.sparksgd.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.testing.Rows;
import dev.sparksgd.testing.SparkTestSession;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The estimators as Spark Connect's ML server finds and builds them (MLUtils on the Spark 4 line):
 * a provider of org.apache.spark.ml.Estimator found by ServiceLoader without instantiating it,
 * made by its (String uid) constructor, params set by name with the values a client sends (numbers
 * as Long or Double whatever the param's type), fitted; saved ones read by a static load(String).
 */
class SgdConnectTest {
  @org.junit.jupiter.api.io.TempDir
  static java.nio.file.Path tmp;

  @Test
  void foundBuiltParameterizedAndFittedAsTheConnectServerDoes() throws Exception {
    Map<String, Class<?>> registered = new TreeMap<>();
    ServiceLoader.load(Estimator.class, Thread.currentThread().getContextClassLoader()).stream()
        .forEach(p -> registered.put(p.type().getName(), p.type()));
    Dataset<Row> regression = Rows.regression(3, 300, new double[] {1.0, -1.0}, 0.5, 0.1, 0.0, 0.0)
        .vectorFrame(SparkTestSession.get());
    Dataset<Row> binary = Rows.logistic(3, 300, new double[] {1.0, -1.0}, 0.5, 0.0).vectorFrame(SparkTestSession.get());
    for (Class<?> c : new Class<?>[] {SgdLinearRegression.class, SgdLogisticRegression.class, SgdLinearSVC.class}) {
      assertEquals(c, registered.get(c.getName()), c + " is not registered");
      c.getConstructor().newInstance(); // ServiceLoader's own check needs a no-argument constructor
      Estimator<?> est = (Estimator<?>) c.getConstructor(String.class).newInstance("connect-" + c.getSimpleName());
      assertEquals("connect-" + c.getSimpleName(), est.uid());
      setByName(est, "maxIter", 50L); // clients send Python ints as Long
      setByName(est, "stepSize", 1L);
      setByName(est, "optimizer", "momentum");
      setByName(est, "regParam", 0.01);
      setByName(est, "standardization", true);
      Model<?> model = est.fit(est instanceof SgdLinearRegression ? regression : binary);
      assertEquals(est.uid(), model.uid());
      SgdTrainingSummary summary = SgdTrainingSummary.of(model).orElseThrow();
      assertTrue(summary.iterations() <= 50 && summary.iterations() == summary.history().size(), summary.toString());
      assertTrue(model.transform(binary).columns().length > binary.columns().length);
      // MLUtils.loadOperator: the registered class's static load(String), by reflection
      String path = tmp.resolve(c.getSimpleName()).toString();
      ((org.apache.spark.ml.util.MLWritable) est).write().save(path);
      Object loaded = c.getMethod("load", String.class).invoke(null, path);
      assertEquals(c, loaded.getClass());
      assertEquals(((Params) est).extractParamMap().toString(), ((Params) loaded).extractParamMap().toString());
    }
  }

  /** MLUtils.setInstanceParams: getParam(name), the value coerced to the param's type, set. */
  private static void setByName(Params p, String name, Object value) {
    Param<?> param = p.getParam(name);
    Object v = value;
    if (value instanceof Number n) {
      String kind = param.getClass().getSuperclass().getSimpleName() + " " + param.getClass().getSimpleName();
      v = kind.contains("IntParam") ? (Object) n.intValue() : kind.contains("LongParam") ? (Object) n.longValue()
          : (Object) n.doubleValue();
    }
    @SuppressWarnings("unchecked")
    Param<Object> typed = (Param<Object>) param;
    p.set(typed, v);
    assertEquals(v, p.getOrDefault(param), name);
  }
}
