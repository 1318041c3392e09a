package dev.sparksgd.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.config.ConfigException;
import dev.sparksgd.model.LinearModel;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QualityGateTest {
  private static QualityGate gate(double baseline, double candidate, double max) {
    return new QualityGate("RMSE", "holdout", baseline, candidate, max);
  }

  private static RegressionMetrics m(double rmse, double loss) {
    return new RegressionMetrics(10, 10, loss, rmse * rmse, rmse, 0, 0);
  }

  @Test
  void relativeChangeAndTheBoundary() {
    assertEquals(0.25, gate(0.4, 0.5, 0).relativeChange(), 1e-15);
    assertEquals(-0.5, gate(0.4, 0.2, 0).relativeChange(), 1e-15);
    assertTrue(gate(0.4, 0.5, 0.25).passed(), "exactly the allowed worsening still publishes");
    assertFalse(gate(0.4, 0.5, 0.2).passed());
    assertTrue(gate(0.4, 0.2, 0).passed(), "better always passes");
    assertTrue(gate(0.4, 0.4, 0).passed(), "equal passes with 0 allowed");
  }

  @Test
  void zeroAndNaNBaselines() {
    assertTrue(gate(0, 0, 0).passed());
    assertFalse(gate(0, 1e-9, 10).passed(), "any worsening of a perfect baseline is infinite");
    assertFalse(gate(0.1, Double.NaN, 10).passed());
    assertTrue(gate(Double.NaN, 0.1, 0).passed());
  }

  @Test
  void metricFollowsTheLoss() {
    assertEquals("RMSE", QualityGate.metricFor("squared"));
    assertEquals("mean huber loss", QualityGate.metricFor("huber"));
    Evaluation cand = new Evaluation(m(1.0, 10), m(2.0, 20));
    Evaluation base = new Evaluation(m(3.0, 30), m(4.0, 40));
    QualityGate g = QualityGate.compare("squared", cand, base, 0.1);
    assertEquals("holdout", g.rows());
    assertEquals(2.0, g.candidate());
    assertEquals(4.0, g.baseline());
    QualityGate onTrain = QualityGate.compare("huber", new Evaluation(m(1.0, 10), null),
        new Evaluation(m(3.0, 30), null), 0.1);
    assertEquals("training rows", onTrain.rows());
    assertEquals(10.0, onTrain.candidate());
    assertEquals(30.0, onTrain.baseline());
  }

  @Test
  void describeGivesBothFigures() {
    assertEquals("holdout RMSE 0.115000 for the new model vs 0.100000 for the baseline (+15.00%, allowed +5.00%)",
        gate(0.1, 0.115, 0.05).describe());
    Map<String, Object> m = gate(0.1, 0.115, 0.05).toMap("/models/prev");
    assertEquals(false, m.get("passed"));
    assertEquals(0.15, (Double) m.get("relativeChange"), 1e-12);
  }

  @Test
  void incompatibleBaselinesAreUserErrors() {
    LinearModel three = new LinearModel(new double[3], 0, "squared", new String[] {"a", "b", "c"},
        new double[3], new double[3], Map.of(), 1, "max-iter");
    ConfigException e = assertThrows(ConfigException.class,
        () -> QualityGate.checkCompatible(three, 4, null, "prev"));
    assertTrue(e.getMessage().contains("has 3 features but the data has 4"), e.getMessage());
    e = assertThrows(ConfigException.class,
        () -> QualityGate.checkCompatible(three, 3, new String[] {"a", "c", "b"}, "prev"));
    assertTrue(e.getMessage().contains("a,b,c") && e.getMessage().contains("a,c,b"), e.getMessage());
    QualityGate.checkCompatible(three, 3, null, "prev");
    QualityGate.checkCompatible(three, 3, new String[] {"a", "b", "c"}, "prev");
  }
}
