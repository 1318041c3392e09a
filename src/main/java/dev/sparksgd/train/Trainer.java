package dev.sparksgd.train;

import dev.sparksgd.config.ConfigException;
import dev.sparksgd.config.TrainConfig;
import dev.sparksgd.config.UpdateMode;
import dev.sparksgd.data.Dataset;
import dev.sparksgd.data.SharedArray;
import dev.sparksgd.loss.HingeLoss;
import dev.sparksgd.loss.Loss;
import dev.sparksgd.loss.SmoothedHingeLoss;
import dev.sparksgd.optim.GradientFeedback;
import dev.sparksgd.optim.LazyUpdate;
import dev.sparksgd.optim.Lbfgs;
import dev.sparksgd.optim.LearningRate;
import dev.sparksgd.optim.LossFeedback;
import dev.sparksgd.optim.ObjectiveFeedback;
import dev.sparksgd.optim.Optimizer;
import dev.sparksgd.optim.Regularizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver loop, in the seeds' steps: (1) the gradient of the loss at the current parameters,
 * summed over the sampled mini-batches in partition order; (2) the step size; (3) the new
 * parameters (optimizer step, then the penalty's proximal step); (4) the stopping rules. With
 * --update-mode model-averaging, step 1 runs per-example SGD in the tasks and step 3 moves to their
 * weighted average instead.
 */
public final class Trainer {
  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
  /** Spark conf key of a test hook: the first attempt of partition 0's task fails at this iteration. */
  public static final String FAIL_TASK_AT_ITERATION = "spark.sgd.test.failTaskAtIteration";
  /**
   * Spark conf key of a test hook: partition 0's gradient task of this iteration stalls until Spark
   * kills it, after writing the file named by {@link #STALL_MARKER}.
   */
  public static final String STALL_TASK_AT_ITERATION = "spark.sgd.test.stallTaskAtIteration";
  public static final String STALL_MARKER = "spark.sgd.test.stallMarker";
  /** Spark conf key of a test hook: partition 0's gang task drops its connection at this iteration. */
  public static final String DROP_GANG_AT_ITERATION = "spark.sgd.test.dropGangAtIteration";
  /**
   * Spark conf key of a test hook: partition 0's gang task stalls on this iteration's request until
   * Spark kills it, after writing the file named by {@link #STALL_MARKER} (a job per iteration does not).
   */
  public static final String STALL_GANG_AT_ITERATION = "spark.sgd.test.stallGangAtIteration";
  /** A loss above this multiple of the first iteration's loss counts as divergence. */
  static final double DIVERGENCE_FACTOR = StoppingRules.DIVERGENCE_FACTOR;
  /** Checkpoint loop-state keys. */
  private static final String RULES = "rules.";
  private static final String BASE = "adaptive.accepted.";
  private static final String BASE_OPTIMIZER = BASE + "optimizer.";
  private static final String BASE_BATCH = BASE + "batch.";
  private static final String CHOSEN_STEP_SIZE = "chosenStepSize";
  private static final String ELAPSED_MILLIS = "elapsedMillis";
  private static final String HINGE_SMOOTHING = "hingeSmoothing";
  /** The hinge's first smoothing width under lbfgs (the margin's own scale). */
  static final double FIRST_SMOOTHING = 1.0;
  /** Each stage's width over the previous one's. */
  static final double SMOOTHING_FACTOR = 0.01;
  /** A stage (but the last) ends when its objective moves less than this multiple of μ in --patience iterations. */
  static final double STAGE_TOL = 1e-3;
  /** The last stage's width: its hinge objective is within half of it of the minimum. */
  static final double LAST_SMOOTHING = 1e-8;

  private final TrainConfig cfg;
  private final Loss loss;
  /** The loss the tasks differentiate: {@link #loss}, or the hinge's smoothed stand-in. */
  private Loss taskLoss;
  /** Warm start in original units [β, c, extra…], or null to start from zero. */
  private double[] start;

  public Trainer(TrainConfig cfg, Loss loss) {
    this.cfg = cfg;
    this.loss = loss;
  }

  /**
   * What step 1 found at the current parameters: the mean loss gradient, or with model averaging
   * the tasks' averaged weights and the pseudo-gradient (w − w̄)/η they amount to.
   */
  private record Batch(double meanLoss, double weightSum, long rows, double[] gradient, double[] averaged) {
  }

  /** The last accepted point, kept while an adaptive schedule may reject the next step. */
  private record Accepted(double[] params, Map<String, double[]> optimizerState, double objective,
      Batch batch) {
  }

  /**
   * Starts from a model instead of zero: coefficients and intercept in original feature units,
   * and the loss's extra parameters in optimizer space (null = the loss's defaults).
   */
  public Trainer startFrom(double[] coefficients, double intercept, double[] extraParams) {
    int d = coefficients.length;
    double[] extra = extraParams != null ? extraParams : loss.initialExtraParams();
    start = new double[d + 1 + extra.length];
    System.arraycopy(coefficients, 0, start, 0, d);
    start[d] = cfg.fitIntercept ? intercept : 0.0;
    System.arraycopy(extra, 0, start, d + 1, extra.length);
    return this;
  }

  /** The first iterate: zero weights and the loss's starting extras, or the warm start. */
  /**
   * The scale of each feature in the optimizer's space under {@code cfg} (w_j = β_j·scale_j; see
   * {@link Scaling}): what model.json records.
   */
  public static double[] featureScale(Dataset data, TrainConfig cfg) {
    return Scaling.of(data.stats, data.numFeatures, cfg.precondition, cfg.fitIntercept).scale();
  }

  private double[] initialParams(Scaling scaling, int d) {
    if (start != null) {
      if (start.length != d + 1 + loss.numExtraParams()) {
        throw new IllegalArgumentException("warm start has " + (start.length - 1 - loss.numExtraParams())
            + " features, the data " + d);
      }
      return scaling.fromRaw(start);
    }
    double[] params = new double[d + 1 + loss.numExtraParams()];
    double[] extra = loss.initialExtraParams();
    System.arraycopy(extra, 0, params, d + 1, extra.length);
    return params;
  }

  /**
   * The validation loss at {@code params}, with the loss's own parameters (Huber's σ) bound. A stop
   * lets it finish: the step before it is taken, and the stopping rules keep its result.
   */
  private double holdoutLoss(JavaSparkContext sc, Partitions parts, Scaling scaling, double[] params, int d,
      int t) {
    double[] raw = scaling.toRaw(params);
    return Cancellation.shielded(sc, () -> HoldoutLoss.of(parts, d, raw, loss.bind(raw, d + 1), t));
  }

  public TrainResult train(JavaSparkContext sc, Dataset data, TrainingListener listener) {
    long start = System.nanoTime();
    if (loss.isClassification() && !data.hasBothClasses()) {
      throw new ConfigException("--data " + cfg.dataPath + ": the training rows hold only one class; "
          + "--loss " + loss.name() + " needs both (labels 0/1 or -1/+1)");
    }
    // The iterations' per-partition work: a Spark job each, or the driver's threads (same bits).
    try (Partitions parts = Partitions.of(sc, data, cfg, listener::stopRequested)) {
      return train(sc, data, listener, parts, start);
    }
  }

  private TrainResult train(JavaSparkContext sc, Dataset data, TrainingListener listener, Partitions parts,
      long start) {
    int d = data.numFeatures;
    Scaling scaling = Scaling.of(data.stats, d, cfg.precondition, cfg.fitIntercept);
    Checkpoints checkpoints = Checkpoints.open(sc.hadoopConfiguration(), cfg, data);
    Checkpoint from = checkpoints.resumed();
    double labelScale = LabelScale.of(sc, data, cfg, loss);
    OptimSetup.Penalty penalty = OptimSetup.penalty(cfg, labelScale, scaling.penaltyFactors(cfg.standardization),
        LabelScale.standardizedScale(data.stats, loss));
    Regularizer reg = penalty.regularizer();
    double chosen = Double.NaN;
    if (cfg.stepSizeAuto && from != null) {
      // The search is deterministic, but the rate it picked is part of the state: no probes again.
      chosen = chosenStepSize(from);
      listener.onMessage(String.format(Locale.ROOT, "spark-sgd: chose --step-size %.6g (as the "
          + "checkpointed run did)", chosen));
    } else if (cfg.stepSizeAuto) {
      chosen = StepSizeSearch.choose(sc, data, cfg, loss, scaling, reg, listener::onMessage).chosen();
    } else if (BatchCurvature.applies(cfg, loss)) {
      // Deterministic (a seeded sample and power iteration): a resumed run finds the same rate.
      chosen = BatchCurvature.choose(sc, data, cfg, loss, scaling, listener::onMessage).rate();
    }
    LearningRate rate = OptimSetup.schedule(cfg, Double.isNaN(chosen) ? cfg.stepSize : chosen);
    // A quasi-Newton step takes the whole smooth part (L2 included) into its curvature estimate.
    Lbfgs quasiNewton = rate instanceof Lbfgs q ? q : null;
    if (quasiNewton != null) {
      reg = reg.withSmoothL2();
    }
    // The hinge under lbfgs: its kinks stall a quasi-Newton step, so it minimizes the smoothed
    // hinge for widths FIRST_SMOOTHING … LAST_SMOOTHING, each stage from the last one's answer.
    double smoothing = quasiNewton != null && loss instanceof HingeLoss ? FIRST_SMOOTHING : Double.NaN;
    if (!Double.isNaN(smoothing) && from != null) {
      smoothing = LoopState.single(from, HINGE_SMOOTHING);
    }
    taskLoss = Double.isNaN(smoothing) ? loss : new SmoothedHingeLoss(smoothing);
    if (!Double.isNaN(smoothing)) {
      quasiNewton.growSteps();
    }
    LossFeedback feedback = rate instanceof LossFeedback f ? f : null;
    ObjectiveFeedback objectiveWatch = rate instanceof ObjectiveFeedback w ? w : null;
    Optimizer optimizer = OptimSetup.optimizer(cfg);
    StoppingRules rules = new StoppingRules(cfg, data.holdoutRows > 0);
    int failAt = sc.getConf().getInt(FAIL_TASK_AT_ITERATION, -1);
    boolean averagingMode = cfg.updateMode == UpdateMode.MODEL_AVERAGING;
    // Rows on the driver already, or a gang's tasks draw them where they are: nothing to draw ahead.
    BatchPrefetch prefetch = averagingMode || parts.onDriver() || parts.asGang() ? null : BatchPrefetch.of(sc, data, cfg, failAt);

    double[] params = initialParams(scaling, d);
    List<IterationRecord> history = new ArrayList<>();
    StopReason reason = StopReason.MAX_ITER;
    Accepted base = null;
    int t = 0;
    // --max-time counts the training time of the runs before the checkpoint too (see README).
    long carriedMillis = 0;
    if (from != null) {
      LOG.info("resuming after iteration {} from {}", from.iteration(), cfg.checkpointDir);
      try {
        LoopState.check(from, params.length, optimizer.name());
        optimizer.restoreState(from.optimizerState());
        rate.restoreState(from.scheduleState());
        rules.restoreState(LoopState.prefixed(from.loopState(), RULES));
        base = restoreAccepted(from.loopState());
        carriedMillis = (long) LoopState.single(from, ELAPSED_MILLIS);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("--resume: the checkpoint after iteration " + from.iteration() + " in "
            + cfg.checkpointDir + " does not fit this run: " + e.getMessage()
            + "; use another --checkpoint-dir", e);
      }
      t = from.iteration();
      params = from.params().clone();
      history.addAll(from.history());
      if (rules.outOfTime(carriedMillis)) {
        reason = StopReason.MAX_TIME;
      }
    }
    // Built after a resume restored the optimizer's state, which it then keeps in its own form.
    LazyIteration lazy = averagingMode ? null : LazyIteration.of(sc, cfg, data, scaling, loss, optimizer, reg, rate);
    SparseSums sparse = null;
    while (reason == StopReason.MAX_ITER && t < cfg.maxIter) {
      if (checkpoints.due(t)) {
        if (lazy != null) {
          lazy.flush(params);
        }
        checkpoints.afterIteration(t, params, optimizer, rate.state(),
            loopState(rules, base, chosen, smoothing, carriedMillis + millisSince(start)), history);
      }
      if (listener.stopRequested()) {
        reason = StopReason.INTERRUPTED;
        break;
      }
      t++;
      long iterStart = System.nanoTime();
      double taskEta = rate.rate(t);
      // 1. the gradient at params (distributed, or from mini-batches drawn ahead: the same sums)
      Batch batch;
      try {
        if (lazy != null) {
          sparse = lazy.sums(parts, cfg, taskLoss, params, t, failAt, prefetch);
          double w = sparse.weightSum();
          batch = new Batch(w > 0 ? sparse.lossSum() / w : Double.NaN, w, sparse.rows(), null, null);
        } else {
          batch = averagingMode
              ? modelAverage(parts, scaling, params, t, taskEta, penalty)
              : gradient(parts, d, scaling, params, t, failAt, prefetch);
        }
      } catch (Exception e) { // a cancelled job throws SparkException, checked and undeclared
        if (!listener.stopRequested()) {
          throw e;
        }
        // The stop cancelled this iteration's job; nothing of the loop's state has changed yet.
        LOG.debug("iteration {} cancelled by the stop request", t);
        t--;
        reason = StopReason.INTERRUPTED;
        break;
      }
      if (batch.weightSum <= 0) {
        LOG.warn("iteration {}: the mini-batch is empty (fraction {} too small?); weights unchanged",
            t, cfg.miniBatchFraction);
        record(history, listener, new IterationRecord(t, Double.NaN, Double.NaN, taskEta, 0.0,
            Double.NaN, millisSince(iterStart), 0));
        if (rules.outOfTime(carriedMillis + millisSince(start))) {
          reason = StopReason.MAX_TIME;
          break;
        }
        continue;
      }
      if (lazy != null) {
        reason = lazyStep(lazy, sparse, sc, parts, data, scaling, rules, optimizer, params, t, rate.rate(t), batch,
            objectiveWatch, history, listener, iterStart, carriedMillis + millisSince(start));
        if (reason != StopReason.MAX_ITER) {
          break;
        }
        continue;
      }
      double objective = batch.meanLoss + reg.value(params, d);
      // An adaptive schedule judges the previous step by the objective it reached (full batches).
      if (feedback != null && base != null && !feedback.feedback(base.objective, objective)) {
        LOG.info("iteration {}: objective rose from {} to {}; step rejected, step size now {}", t,
            base.objective, objective, rate.rate(t));
        params = base.params.clone();
        optimizer.restoreState(base.optimizerState);
        if (averagingMode) {
          // The tasks' steps depend on η: the next iteration runs them again from the restored point.
          record(history, listener, new IterationRecord(t, batch.meanLoss, objective, rate.rate(t), 0.0,
              norm(batch.gradient), millisSince(iterStart), batch.rows));
          if (rules.outOfTime(carriedMillis + millisSince(start))) {
            reason = StopReason.MAX_TIME;
            break;
          }
          continue;
        }
        // The gradient at the restored point is known: step again from there with the smaller η.
        batch = new Batch(base.batch.meanLoss, base.batch.weightSum, base.batch.rows,
            base.batch.gradient.clone(), null);
        objective = batch.meanLoss + reg.value(params, d);
      }
      // 2. the step size
      if (rate instanceof GradientFeedback watcher) {
        double[] smooth = batch.gradient.clone();
        reg.addGradient(params, d, smooth);
        watcher.observe(params, smooth);
      }
      double eta = averagingMode ? taskEta : rate.rate(t);
      if (feedback != null) {
        base = new Accepted(params.clone(), optimizer.state(), objective, averagingMode ? null
            : new Batch(batch.meanLoss, batch.weightSum, batch.rows, batch.gradient.clone(), null));
      }
      // 3. the new parameters
      double[] before = params.clone();
      double gradNorm;
      if (averagingMode) {
        gradNorm = norm(batch.gradient);
        params = batch.averaged;
        optimizer.afterStep(params);
      } else {
        gradNorm = stationarityNorm(reg, params, d, batch.gradient);
        if (quasiNewton != null) {
          double[] smooth = batch.gradient.clone();
          reg.addGradient(params, d, smooth);
          quasiNewton.step(params, smooth, reg, d, eta);
          optimizer.afterStep(params);
        } else {
          UpdateStep.apply(optimizer, reg, d, params, batch.gradient, eta);
        }
      }
      double stepNorm = distance(before, params);
      record(history, listener, new IterationRecord(t, batch.meanLoss, objective, eta, stepNorm, gradNorm,
          millisSince(iterStart), batch.rows));
      if (objectiveWatch != null) {
        objectiveWatch.observe(objective);
      }
      // 4. the stopping rules
      StopReason r = rules.afterStep(objective, params, stepNorm, norm(params), gradNorm);
      if (r == null && rules.validationDue(t)) {
        double[] model = optimizer.modelParams(params);
        r = rules.onValidation(t, holdoutLoss(sc, parts, scaling, model, d, t), model);
      }
      if (r == null && rules.outOfTime(carriedMillis + millisSince(start))) {
        r = StopReason.MAX_TIME;
      }
      if (smoothing > LAST_SMOOTHING && (r == null ? quasiNewton.fullStep() && rules.settled(STAGE_TOL * smoothing) : r.converged())) {
        // The stage converged (to a fraction of its own smoothing error μ/2: more is wasted): the
        // next, narrower one starts from here with fresh curvature pairs and acceptance window
        // (the objective itself changed).
        smoothing = Math.max(LAST_SMOOTHING, smoothing * SMOOTHING_FACTOR);
        taskLoss = new SmoothedHingeLoss(smoothing);
        quasiNewton.restart();
        // This iteration's step, which no objective has judged, is dropped: the new stage starts
        // from the point whose objective settled.
        params = base.params.clone();
        optimizer.restoreState(base.optimizerState);
        base = null;
        rules.restartConvergence();
        LOG.info("iteration {}: the hinge's smoothing stage converged ({}); width now {}", t,
            r == null ? "objective settled" : r.label(), smoothing);
        r = null;
      }
      if (r != null) {
        reason = r;
        break;
      }
    }
    if (lazy != null) {
      lazy.flush(params);
      lazy.release();
    }
    if (reason == StopReason.MAX_ITER || reason == StopReason.MAX_TIME || reason == StopReason.INTERRUPTED) {
      checkpoints.atEnd(t, params, optimizer, rate.state(),
          loopState(rules, base, chosen, smoothing, carriedMillis + millisSince(start)), history);
    }
    double[] model = optimizer.modelParams(params);
    if (reason != StopReason.DIVERGED && reason != StopReason.INTERRUPTED && rules.validationOn()) {
      if (!rules.evaluatedAt(t)) {
        rules.onValidation(t, holdoutLoss(sc, parts, scaling, model, d, t), model);
      }
      if (rules.bestParams() != null) { // null only if every holdout loss was NaN
        model = rules.bestParams();
      }
      LOG.info("validation: best holdout loss {} after iteration {}", rules.bestValidationLoss(),
          rules.bestIteration());
    }
    double[] coefficients = new double[d];
    double intercept = scaling.toRaw(model, coefficients);
    return new TrainResult(coefficients, intercept, model, t, reason, history,
        millisSince(start), chosen, smoothing, parts.mode());
  }

  /**
   * Steps 3 and 4 of a lazy iteration: the update from the sparse sums, the record and the stopping
   * rules on the norms the lazy update keeps (the parameters are flushed only for the holdout).
   *
   * @return why to stop, or MAX_ITER to go on
   */
  private StopReason lazyStep(LazyIteration lazy, SparseSums sparse, JavaSparkContext sc, Partitions parts,
      Dataset data,
      Scaling scaling, StoppingRules rules, Optimizer optimizer, double[] params, int t, double eta, Batch batch,
      ObjectiveFeedback objectiveWatch, List<IterationRecord> history, TrainingListener listener, long iterStart,
      long elapsedMillis) {
    LazyUpdate.Norms n = lazy.step(params, sparse, eta);
    double objective = batch.meanLoss + n.penaltyBefore();
    record(history, listener, new IterationRecord(t, batch.meanLoss, objective, eta, n.step(), n.gradient(),
        millisSince(iterStart), batch.rows));
    if (objectiveWatch != null) {
      objectiveWatch.observe(objective);
    }
    StopReason r = rules.afterStep(objective, Double.isFinite(n.params()), n.step(), n.params(), n.gradient());
    if (r == null && rules.validationDue(t)) {
      lazy.flush(params);
      double[] model = optimizer.modelParams(params);
      r = rules.onValidation(t, holdoutLoss(sc, parts, scaling, model, data.numFeatures, t), model);
    }
    if (r == null && rules.outOfTime(elapsedMillis)) {
      r = StopReason.MAX_TIME;
    }
    return r == null ? StopReason.MAX_ITER : r;
  }

  /**
   * What the loop remembers besides the parameters, the optimizer and the schedule: the stopping
   * rules' state, the adaptive schedule's last accepted point, the rate --step-size auto chose and
   * the training time so far.
   */
  private static Map<String, double[]> loopState(StoppingRules rules, Accepted base, double chosen,
      double smoothing, long elapsedMillis) {
    Map<String, double[]> m = new LinkedHashMap<>();
    LoopState.putPrefixed(m, RULES, rules.state());
    if (base != null) {
      m.put(BASE + "params", base.params.clone());
      m.put(BASE + "objective", new double[] {base.objective});
      LoopState.putPrefixed(m, BASE_OPTIMIZER, base.optimizerState);
      if (base.batch != null) {
        m.put(BASE_BATCH + "meanLoss", new double[] {base.batch.meanLoss});
        m.put(BASE_BATCH + "weightSum", new double[] {base.batch.weightSum});
        m.put(BASE_BATCH + "rows", new double[] {base.batch.rows});
        m.put(BASE_BATCH + "gradient", base.batch.gradient.clone());
      }
    }
    if (!Double.isNaN(chosen)) {
      m.put(CHOSEN_STEP_SIZE, new double[] {chosen});
    }
    if (!Double.isNaN(smoothing)) {
      m.put(HINGE_SMOOTHING, new double[] {smoothing});
    }
    m.put(ELAPSED_MILLIS, new double[] {elapsedMillis});
    return m;
  }

  private double chosenStepSize(Checkpoint from) {
    double[] v = from.loopState().get(CHOSEN_STEP_SIZE);
    if (v == null || v.length != 1 || !(v[0] > 0) || !Double.isFinite(v[0])) {
      throw new ConfigException("--resume: the checkpoint after iteration " + from.iteration() + " in "
          + cfg.checkpointDir + " holds no rate chosen by --step-size auto; use another --checkpoint-dir");
    }
    return v[0];
  }

  private static Accepted restoreAccepted(Map<String, double[]> loop) {
    double[] p = loop.get(BASE + "params");
    if (p == null) {
      return null;
    }
    Batch batch = null;
    if (loop.containsKey(BASE_BATCH + "gradient")) {
      batch = new Batch(LoopState.single(loop, BASE_BATCH + "meanLoss"),
          LoopState.single(loop, BASE_BATCH + "weightSum"), (long) LoopState.single(loop, BASE_BATCH + "rows"),
          loop.get(BASE_BATCH + "gradient").clone(), null);
    }
    return new Accepted(p.clone(), LoopState.prefixed(loop, BASE_OPTIMIZER),
        LoopState.single(loop, BASE + "objective"), batch);
  }

  private Batch gradient(Partitions parts, int d, Scaling scaling, double[] params, int t, int failAt,
      BatchPrefetch prefetch) {
    double[] acc;
    if (prefetch != null) {
      acc = prefetch.sums(t, cfg.maxIter, scaling.toRaw(params), d, taskLoss);
    } else {
      SharedArray coef = parts.share(scaling.toRaw(params));
      try {
        acc = parts.reduce("iteration " + t + ": gradient",
            new GradientTask(coef, d, taskLoss, cfg.miniBatchFraction, cfg.seed, t, failAt), Trainer::addInPlace, true);
      } finally {
        coef.destroy();
      }
    }
    double weightSum = acc[d + 2];
    if (weightSum <= 0) {
      return new Batch(Double.NaN, 0, 0, null, null);
    }
    double[] g = withExtraGradient(scaling.gradient(Arrays.copyOf(acc, d), acc[d], weightSum,
        cfg.fitIntercept), acc, d, weightSum);
    return new Batch(acc[d + 1] / weightSum, weightSum, (long) acc[d + 3], g, null);
  }

  /**
   * Model averaging: the tasks' weights averaged by instance weight, in partition order. They are
   * the new parameters as they are (the penalty, L1 zeros included, was applied in the tasks).
   */
  private Batch modelAverage(Partitions parts, Scaling scaling, double[] params, int t, double eta,
      OptimSetup.Penalty penalty) {
    int p = params.length;
    SharedArray shared = parts.share(params.clone());
    double[] acc;
    try {
      acc = parts.reduce("iteration " + t + ": model averaging", new ModelAveragingTask(shared, scaling,
          taskLoss, cfg.miniBatchFraction, cfg.seed, t, cfg.localSteps, eta, penalty.regularizer(),
          cfg.fitIntercept), Trainer::addInPlace, true);
    } finally {
      shared.destroy();
    }
    double weightSum = acc[p + 1];
    if (weightSum <= 0) {
      return new Batch(Double.NaN, 0, 0, null, null);
    }
    double[] averaged = new double[p];
    double[] g = new double[p];
    for (int j = 0; j < p; j++) {
      averaged[j] = acc[j] / weightSum;
      g[j] = (params[j] - averaged[j]) / eta;
    }
    return new Batch(acc[p] / weightSum, weightSum, (long) acc[p + 2], g, averaged);
  }

  private static double stationarityNorm(Regularizer reg, double[] params, int d, double[] lossGradient) {
    double[] smooth = lossGradient.clone();
    reg.addGradient(params, d, smooth);
    double[] s = new double[smooth.length];
    reg.stationarity(params, d, smooth, s);
    return norm(s);
  }

  private void record(List<IterationRecord> history, TrainingListener listener, IterationRecord r) {
    history.add(r);
    listener.onIteration(r, cfg.maxIter);
  }

  /** Appends the mean gradient of the loss's extra parameters (summed after the row count). */
  static double[] withExtraGradient(double[] g, double[] acc, int d, double weightSum) {
    int k = acc.length - GradientTask.width(d);
    if (k == 0) {
      return g;
    }
    double[] out = Arrays.copyOf(g, d + 1 + k);
    for (int i = 0; i < k; i++) {
      out[d + 1 + i] = acc[GradientTask.width(d) + i] / weightSum;
    }
    return out;
  }

  static double[] addInPlace(double[] into, double[] other) {
    for (int i = 0; i < into.length; i++) {
      into[i] += other[i];
    }
    return into;
  }

  static double norm(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }

  static double distance(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double x = a[i] - b[i];
      s += x * x;
    }
    return Math.sqrt(s);
  }

  private static long millisSince(long nanoStart) {
    return (System.nanoTime() - nanoStart) / 1_000_000L;
  }
}
