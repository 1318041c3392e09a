package dev.sparksgd.train;

import dev.sparksgd.config.TrainConfig;
import dev.sparksgd.optim.Adagrad;
import dev.sparksgd.optim.Adam;
import dev.sparksgd.optim.Averaged;
import dev.sparksgd.optim.BarzilaiBorwein;
import dev.sparksgd.optim.BoldDriver;
import dev.sparksgd.optim.Lbfgs;
import dev.sparksgd.optim.LearningRate;
import dev.sparksgd.optim.Momentum;
import dev.sparksgd.optim.Nesterov;
import dev.sparksgd.optim.Optimizer;
import dev.sparksgd.optim.PlateauRate;
import dev.sparksgd.optim.Regularizer;
import dev.sparksgd.optim.RmsProp;
import dev.sparksgd.optim.Sgd;

/** Builds the optim pieces a configuration names; each is independent of the others. */
final class OptimSetup {
  private OptimSetup() {
  }

  /** A fresh optimizer (no state), wrapped for averaging when asked. */
  static Optimizer optimizer(TrainConfig cfg) {
    Optimizer o = switch (cfg.optimizer) {
      case SGD -> new Sgd();
      case MOMENTUM -> new Momentum(cfg.momentum);
      case NESTEROV -> new Nesterov(cfg.momentum);
      case ADAGRAD -> new Adagrad(cfg.epsilon);
      case RMSPROP -> new RmsProp(cfg.rho, cfg.epsilon);
      case ADAM -> new Adam(cfg.beta1, cfg.beta2, cfg.epsilon);
    };
    return cfg.averaging ? new Averaged(o, cfg.averagingStart) : o;
  }

  /** A fresh schedule starting at eta0. */
  static LearningRate schedule(TrainConfig cfg, double eta0) {
    return switch (cfg.lrSchedule) {
      case CONSTANT -> LearningRate.constant(eta0);
      case INVERSE_SQRT -> LearningRate.inverseSqrt(eta0);
      case INVERSE_TIME -> LearningRate.inverseTime(eta0, cfg.decay);
      case EXPONENTIAL -> LearningRate.exponential(eta0, cfg.decay);
      case STEP -> LearningRate.step(eta0, cfg.decay, cfg.decaySteps);
      case ADAPTIVE -> new BoldDriver(eta0);
      case BB -> new BarzilaiBorwein(eta0);
      case LBFGS -> new Lbfgs(eta0);
      case PLATEAU -> new PlateauRate(eta0, PlateauRate.epochLength(cfg.miniBatchFraction));
      case AUTO -> throw new IllegalStateException("--lr-schedule auto is resolved when the config is built");
    };
  }

  /**
   * spark.ml's elastic net in the optimizer's space: λ·(α·Σ f_j|w_j| + (1 − α)/(2δ)·Σ (f_j·w_j)²),
   * where δ is {@code labelScale} (the label's standard deviation for squared loss, see
   * {@link LabelScale}) and f_j the factors of {@link Scaling#penaltyFactors} (null: all 1).
   */
  record Penalty(double l1, double l2, double[] factors) {
    Regularizer regularizer() {
      return Regularizer.elasticNet(l1, l2, factors);
    }
  }

  /**
   * @param standardizedScale with --standardization, what the penalty's standardized weights are
   *     in units of the optimizer's: 1, or for squared loss σ_pop/σ (spark.ml's normal-equation
   *     solver standardizes by the population deviation, as it scales the label)
   */
  static Penalty penalty(TrainConfig cfg, double labelScale, double[] factors, double standardizedScale) {
    double r = cfg.standardization ? standardizedScale : 1.0;
    return new Penalty(cfg.elasticNetParam * cfg.regParam * r,
        (1.0 - cfg.elasticNetParam) * cfg.regParam / labelScale * r * r, factors);
  }
}
