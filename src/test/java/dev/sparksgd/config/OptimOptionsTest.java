package dev.sparksgd.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The options of the optimization toolbox: defaults, parsing and every range check. */
class OptimOptionsTest {
  private static TrainConfig.Builder valid() {
    return TrainConfig.builder().dataPath("in.libsvm").outputPath("out");
  }

  private static void assertInvalid(String start, UnaryOperator<TrainConfig.Builder> change) {
    ConfigException e = assertThrows(ConfigException.class, () -> change.apply(valid()).build());
    assertTrue(e.getMessage().startsWith(start), () -> "expected '" + start + "…': " + e.getMessage());
  }

  @Test
  void defaults() {
    TrainConfig c = valid().build();
    assertSame(OptimizerKind.SGD, c.optimizer);
    assertEquals(0.9, c.momentum);
    assertEquals(0.9, c.beta1);
    assertEquals(0.999, c.beta2);
    assertEquals(0.99, c.rho);
    assertEquals(1e-8, c.epsilon);
    assertFalse(c.averaging);
    assertEquals(1, c.averagingStart);
    assertEquals(0.99, c.decay);
    assertEquals(100, c.decaySteps);
    assertEquals(0.0, c.elasticNetParam);
    assertSame(UpdateMode.GRADIENT, c.updateMode);
    assertEquals(0, c.localSteps);
    assertEquals(0.0, c.lossTol);
    assertEquals(5, c.patience);
    assertEquals(0.0, c.gradTol);
    assertEquals(10, c.validationInterval);
    assertEquals(0L, c.maxTimeMillis);
    assertFalse(c.stepSizeAuto);
  }

  @Test
  void stepSizeIsANumberOrAuto() {
    TrainConfig auto = valid().stepSize(" Auto ").build();
    assertTrue(auto.stepSizeAuto);
    assertTrue(Double.isNaN(auto.stepSize));
    assertEquals("auto", auto.toOptionMap().get("step-size"));
    assertEquals(0.25, valid().stepSize("0.25").build().stepSize);
    assertEquals(0.25, valid().stepSize("0.25").build().toOptionMap().get("step-size"));
    assertInvalid("--step-size must be a number, auto or default (got 'fast')", b -> b.stepSize("fast"));
    assertInvalid("--step-size must be > 0", b -> b.stepSize("-1"));
    assertInvalid("--step-size must be a finite number", b -> b.stepSize("NaN"));
    assertFalse(auto.toBuilder().build().toOptionMap().isEmpty());
    assertTrue(auto.toBuilder().build().stepSizeAuto, "toBuilder keeps auto");
    assertFalse(auto.toBuilder().stepSize(0.5).build().stepSizeAuto, "a number replaces auto");
    TrainConfig unset = valid().build();
    assertTrue(unset.stepSizeDefault, "no step size given");
    assertEquals(TrainConfig.DEFAULT_STEP_SIZE, unset.stepSize);
    assertEquals("default", unset.toOptionMap().get("step-size"));
    assertTrue(valid().stepSize(" Default ").build().stepSizeDefault);
    assertTrue(unset.toBuilder().build().stepSizeDefault, "toBuilder keeps default");
    assertFalse(unset.toBuilder().stepSize(0.1).build().stepSizeDefault, "a number replaces default");
    assertFalse(valid().stepSize("0.1").build().stepSizeDefault, "a number, even the default's rate, is given");
    assertFalse(auto.stepSizeDefault);
  }

  @Test
  void rangeChecks() {
    assertInvalid("--momentum must be in [0, 1)", b -> b.momentum(1.0));
    assertInvalid("--beta1 must be in [0, 1)", b -> b.beta1(-0.1));
    assertInvalid("--beta2 must be in [0, 1)", b -> b.beta2(1.0));
    assertInvalid("--rho must be in [0, 1)", b -> b.rho(2));
    assertInvalid("--epsilon must be > 0", b -> b.epsilon(0));
    assertInvalid("--averaging-start must be >= 1", b -> b.averagingStart(0));
    assertInvalid("--decay must be >= 0", b -> b.decay(-1));
    assertInvalid("--decay must be in (0, 1] for --lr-schedule exponential",
        b -> b.lrSchedule(LrSchedule.EXPONENTIAL).decay(1.5));
    assertInvalid("--decay must be in (0, 1] for --lr-schedule step", b -> b.lrSchedule(LrSchedule.STEP).decay(0));
    assertEquals(3.0, valid().lrSchedule(LrSchedule.INVERSE_TIME).decay(3).build().decay);
    assertInvalid("--decay-steps must be >= 1", b -> b.decaySteps(0));
    assertInvalid("--elastic-net-param must be in [0, 1]", b -> b.elasticNetParam(1.01));
    assertInvalid("--local-steps must be >= 1, or 0", b -> b.localSteps(-1));
    assertInvalid("--loss-tol must be >= 0", b -> b.lossTol(-1e-3));
    assertInvalid("--patience must be >= 1", b -> b.patience(0));
    assertInvalid("--grad-tol must be >= 0", b -> b.gradTol(-1));
    assertInvalid("--validation-interval must be >= 1, or 0", b -> b.validationInterval(-1));
    assertInvalid("--update-mode model-averaging runs plain per-example SGD",
        b -> b.updateMode(UpdateMode.MODEL_AVERAGING).optimizer(OptimizerKind.ADAM));
    assertInvalid("--step-size auto probes full-batch steps",
        b -> b.updateMode(UpdateMode.MODEL_AVERAGING).stepSize("auto"));
    assertEquals(UpdateMode.MODEL_AVERAGING,
        valid().updateMode(UpdateMode.MODEL_AVERAGING).averaging(true).build().updateMode);
    assertInvalid("--lr-schedule bb takes its step from the change of the full-batch gradient and needs "
        + "--mini-batch-fraction 1 (got 0.5)", b -> b.lrSchedule(LrSchedule.BB).miniBatchFraction(0.5));
    assertInvalid("--lr-schedule bb sets the step of plain gradient descent; --optimizer must be sgd (got adam)",
        b -> b.lrSchedule(LrSchedule.BB).optimizer(OptimizerKind.ADAM));
    assertInvalid("--lr-schedule bb needs --update-mode gradient",
        b -> b.lrSchedule(LrSchedule.BB).updateMode(UpdateMode.MODEL_AVERAGING));
    assertInvalid("--lr-schedule adaptive compares the objectives of successive iterations and needs "
        + "--mini-batch-fraction 1 (got 0.3): mini-batch objectives are over different rows",
        b -> b.lrSchedule(LrSchedule.ADAPTIVE).miniBatchFraction(0.3));
    // Safeguarded by its rejections, bb serves every loss.
    assertSame(LrSchedule.BB, valid().lrSchedule(LrSchedule.BB).loss(LossType.HUBER).build().lrSchedule);
    assertSame(LrSchedule.BB, valid().lrSchedule(LrSchedule.BB).loss(LossType.HINGE).build().lrSchedule);
    assertSame(LrSchedule.BB, valid().lrSchedule(LrSchedule.BB).loss(LossType.LOGISTIC).build().lrSchedule);
    assertSame(LrSchedule.BB, valid().lrSchedule(LrSchedule.BB).stepSize("auto").build().lrSchedule);
    assertInvalid("--lr-schedule lbfgs takes its step from the change of the full-batch gradient and needs "
        + "--mini-batch-fraction 1 (got 0.5)", b -> b.lrSchedule(LrSchedule.LBFGS).miniBatchFraction(0.5));
    assertInvalid("--lr-schedule lbfgs sets the step of plain gradient descent; --optimizer must be sgd (got "
        + "momentum)", b -> b.lrSchedule(LrSchedule.LBFGS).optimizer(OptimizerKind.MOMENTUM));
    assertInvalid("--lr-schedule lbfgs needs --update-mode gradient",
        b -> b.lrSchedule(LrSchedule.LBFGS).updateMode(UpdateMode.MODEL_AVERAGING));
    assertSame(LrSchedule.LBFGS, valid().lrSchedule(LrSchedule.LBFGS).loss(LossType.HINGE).build().lrSchedule);
  }

  /**
   * auto: lbfgs for full-batch gradient descent, plateau for mini-batch gradients (any optimizer),
   * else a constant rate; the config holds what runs.
   */
  @Test
  void autoSchedule() {
    assertSame(LrSchedule.LBFGS, valid().build().lrSchedule);
    assertSame(LrSchedule.LBFGS, valid().lrSchedule(LrSchedule.AUTO).loss(LossType.HINGE).build().lrSchedule);
    assertSame(LrSchedule.PLATEAU, valid().miniBatchFraction(0.5).build().lrSchedule);
    assertSame(LrSchedule.PLATEAU, valid().miniBatchFraction(0.5).optimizer(OptimizerKind.ADAGRAD).build().lrSchedule);
    assertSame(LrSchedule.CONSTANT, valid().miniBatchFraction(0.5).updateMode(UpdateMode.MODEL_AVERAGING).build()
        .lrSchedule);
    assertEquals("plateau", valid().miniBatchFraction(0.5).build().toOptionMap().get("lr-schedule"));
    assertSame(LrSchedule.CONSTANT, valid().optimizer(OptimizerKind.ADAM).build().lrSchedule);
    assertSame(LrSchedule.CONSTANT, valid().updateMode(UpdateMode.MODEL_AVERAGING).build().lrSchedule);
    assertEquals("lbfgs", valid().build().toOptionMap().get("lr-schedule"));
    assertSame(LrSchedule.LBFGS, valid().build().toBuilder().build().lrSchedule);
  }

  @Test
  void maxTime() {
    assertEquals(90_000L, valid().maxTime("90s").build().maxTimeMillis);
    assertEquals(1_800_000L, valid().maxTime("30m").build().maxTimeMillis);
    assertEquals(7_200_000L, valid().maxTime("2h").build().maxTimeMillis);
    assertEquals(1_500L, valid().maxTime("1.5").build().maxTimeMillis, "a bare number is seconds");
    assertEquals(250L, valid().maxTime("250ms").build().maxTimeMillis);
    assertEquals(86_400_000L, valid().maxTime("1d").build().maxTimeMillis);
    assertEquals(0L, valid().maxTime("0").build().maxTimeMillis);
    assertEquals("30m", valid().maxTime(" 30m ").build().toOptionMap().get("max-time"));
    for (String bad : new String[] {"", "-5m", "5 minutes", "m", "1e3s", "2w"}) {
      assertInvalid("--max-time must be a duration", b -> b.maxTime(bad));
    }
  }

  @Test
  void namesParse() {
    for (OptimizerKind k : OptimizerKind.values()) {
      assertSame(k, OptimizerKind.parse(" " + k.cliName().toUpperCase() + " "));
    }
    for (LrSchedule s : LrSchedule.values()) {
      assertSame(s, LrSchedule.parse(s.cliName()));
    }
    assertSame(UpdateMode.MODEL_AVERAGING, UpdateMode.parse("model-averaging"));
    ConfigException e = assertThrows(ConfigException.class, () -> OptimizerKind.parse("lbfgs"));
    assertEquals("--optimizer must be one of sgd, momentum, nesterov, adagrad, rmsprop, adam (got 'lbfgs')",
        e.getMessage());
    e = assertThrows(ConfigException.class, () -> LrSchedule.parse("cosine"));
    assertTrue(e.getMessage().contains("adaptive") && e.getMessage().contains("'cosine'"), e.getMessage());
  }

  @Test
  void optionMapNamesEveryNewOption() {
    Map<String, Object> m = valid().build().toOptionMap();
    for (String k : new String[] {"optimizer", "momentum", "beta1", "beta2", "rho", "epsilon", "averaging",
        "averaging-start", "decay", "decay-steps", "elastic-net-param", "update-mode", "local-steps",
        "loss-tol", "patience", "grad-tol", "validation-interval", "max-time"}) {
      assertTrue(m.containsKey(k), k);
    }
    assertEquals("sgd", m.get("optimizer"));
    assertEquals("gradient", m.get("update-mode"));
  }
}
