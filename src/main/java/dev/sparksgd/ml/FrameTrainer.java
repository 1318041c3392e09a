package dev.sparksgd.ml;

import dev.sparksgd.config.ConfigException;
import dev.sparksgd.config.LossType;
import dev.sparksgd.config.TrainConfig;
import dev.sparksgd.data.Dataset;
import dev.sparksgd.data.FrameInput;
import dev.sparksgd.loss.Loss;
import dev.sparksgd.loss.Losses;
import dev.sparksgd.model.LinearModel;
import dev.sparksgd.model.SparkMlModels;
import dev.sparksgd.train.IterationRecord;
import dev.sparksgd.train.StopReason;
import dev.sparksgd.train.TrainResult;
import dev.sparksgd.train.Trainer;
import dev.sparksgd.train.TrainingListener;
import dev.sparksgd.train.WarmStart;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Params;

/** One fit: params → config, DataFrame → cached blocks, the same Trainer as the CLI, result. */
final class FrameTrainer {
  private FrameTrainer() {
  }

  /** What a fit gives the estimator to build its model from. */
  record Fitted(Vector coefficients, double intercept, double huberScale, SgdTrainingSummary summary) {
  }

  /**
   * @param zeroOneLabels a spark.ml binary classifier: labels must be 0 or 1
   * @param initial a model to start from, or null
   */
  static Fitted fit(Params owner, SgdParamSet params, org.apache.spark.sql.Dataset<?> frame, LossType lossType,
      boolean zeroOneLabels, Model<?> initial) {
    long start = System.currentTimeMillis();
    TrainConfig cfg = params.toConfig(owner, lossType);
    String indicator = params.validationIndicatorCol(owner);
    if (indicator != null && cfg.validationFraction > 0) {
      throw new IllegalArgumentException("give validationIndicatorCol or validationFraction, not both");
    }
    try {
      LinearModel init = initial == null ? null : SparkMlModels.fromSparkModel(initial, "initialModel");
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(frame.sparkSession().sparkContext());
      Dataset data = FrameInput.load(sc, frame, cfg, indicator, zeroOneLabels);
      try {
        Loss loss = Losses.byName(cfg.loss.cliName(), cfg.huberDelta);
        Trainer trainer = new Trainer(cfg, loss);
        if (init != null) {
          data = WarmStart.apply(trainer, init, data, loss, "(" + initial.uid() + ")");
        }
        TrainResult r = trainer.train(sc, data, TrainingListener.NONE);
        if (r.stopReason() == StopReason.DIVERGED) {
          IterationRecord last = r.history().get(r.history().size() - 1);
          throw new IllegalArgumentException(String.format(Locale.ROOT, "training diverged at iteration %d "
              + "(loss %s); try a smaller stepSize (now %s) or lrSchedule adaptive", last.iteration(),
              last.objective(), Double.isNaN(r.chosenStepSize()) ? String.valueOf(cfg.stepSize)
              : (cfg.stepSizeAuto ? "auto: " : "from the batch's curvature: ") + r.chosenStepSize()));
        }
        SgdTrainingSummary summary = new SgdTrainingSummary(r.iterations(), r.stopReason().label(), r.history(),
            System.currentTimeMillis() - start, r.millis(), r.chosenStepSize(), data.trainRows, data.holdoutRows);
        return new Fitted(Vectors.dense(r.coefficients()), r.intercept(),
            WarmStart.huberScale(loss, r.params(), data.numFeatures), summary);
      } finally {
        data.release();
      }
    } catch (ConfigException e) {
      throw new IllegalArgumentException(SgdParamSet.translate(e.getMessage()), e);
    }
  }
}
