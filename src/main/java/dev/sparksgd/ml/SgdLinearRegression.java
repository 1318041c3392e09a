package dev.sparksgd.ml;

import dev.sparksgd.config.LossType;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.ml.util.Identifiable$;

/**
 * Linear regression (squared or huber loss, spark.ml's {@code loss} param) trained by spark-sgd's
 * distributed SGD. It returns Spark's own {@link LinearRegressionModel}, so Pipelines,
 * CrossValidator, model save/load and every tool that reads spark.ml models take it as they take
 * spark.ml's.
 *
 * <p>Why a subclass of {@link LinearRegression} and not of {@code Predictor}: spark.ml's estimators
 * take their uid in the constructor, so it is set before this class makes its params (a param
 * belongs to its owner's uid). A Java subclass of {@code Predictor} must instead implement
 * {@code uid()}, which Scala's trait initializers call while building the inherited params, before
 * any Java field can hold the uid; those params then belong to {@code null}. Subclassing also keeps
 * spark.ml's names, defaults (ours where they differ: maxIter) and schema checks for the params
 * both share.
 *
 * <p>Params that mean nothing for SGD are refused, when set, with a message: {@code solver}
 * (other than auto), {@code aggregationDepth} and {@code maxBlockSizeInMB}.
 */
public class SgdLinearRegression extends LinearRegression implements SgdParams<SgdLinearRegression> {
  private static final long serialVersionUID = 1L;
  private final SgdParamSet sgd = new SgdParamSet(this, LinearRegression.class, LinearRegression::new, true);
  private LinearRegressionModel initialModel;

  public SgdLinearRegression() {
    this(Identifiable$.MODULE$.randomUID("sgdLinReg"));
  }

  public SgdLinearRegression(String uid) {
    super(uid);
    sgd.setDefaults(this);
  }

  /** Reads an estimator saved with {@code write().save(path)}. */
  public static SgdLinearRegression load(String path) {
    return (SgdLinearRegression) LinearRegression.load(path);
  }

  @Override
  public SgdParamSet sgdParamSet() {
    return sgd;
  }

  @Override
  public Param<?>[] params() {
    return sgd == null ? super.params() : sgd.withOwn(super.params());
  }

  /** Start from this model's coefficients (same features; squared or huber). Not saved with the estimator. */
  public SgdLinearRegression setInitialModel(LinearRegressionModel model) {
    initialModel = model;
    return this;
  }

  public LinearRegressionModel getInitialModel() {
    return initialModel;
  }

  @Override
  public SgdLinearRegression setSolver(String value) {
    if (!"auto".equals(value)) {
      throw new IllegalArgumentException(SgdParamSet.refusal("solver", value, SOLVER));
    }
    return (SgdLinearRegression) super.setSolver(value);
  }

  @Override
  public SgdLinearRegression setAggregationDepth(int value) {
    throw new IllegalArgumentException(SgdParamSet.refusal("aggregationDepth", value, AGGREGATION));
  }

  @Override
  public SgdLinearRegression setMaxBlockSizeInMB(double value) {
    throw new IllegalArgumentException(SgdParamSet.refusal("maxBlockSizeInMB", value, BLOCKS));
  }

  @Override
  public LinearRegressionModel train(org.apache.spark.sql.Dataset<?> dataset) {
    SgdParamSet.refuse(this, "solver", "auto", SOLVER);
    SgdParamSet.refuse(this, "aggregationDepth", null, AGGREGATION);
    SgdParamSet.refuse(this, "maxBlockSizeInMB", null, BLOCKS);
    LossType loss = getLoss().equals("huber") ? LossType.HUBER : LossType.SQUARED;
    FrameTrainer.Fitted f = FrameTrainer.fit(this, sgd, dataset, loss, false, initialModel);
    LinearRegressionModel model = new LinearRegressionModel(uid(), f.coefficients(), f.intercept(),
        loss == LossType.HUBER ? f.huberScale() : 1.0);
    SgdTrainingSummary.attach(model, f.summary());
    return model;
  }

  // spark.ml's setters return the spark.ml class to Java; these return this class, so that Java
  // can chain them with the spark-sgd setters in any order.

  @Override
  public SgdLinearRegression setRegParam(double value) {
    return (SgdLinearRegression) super.setRegParam(value);
  }

  @Override
  public SgdLinearRegression setMaxIter(int value) {
    return (SgdLinearRegression) super.setMaxIter(value);
  }

  @Override
  public SgdLinearRegression setTol(double value) {
    return (SgdLinearRegression) super.setTol(value);
  }

  @Override
  public SgdLinearRegression setFitIntercept(boolean value) {
    return (SgdLinearRegression) super.setFitIntercept(value);
  }

  @Override
  public SgdLinearRegression setStandardization(boolean value) {
    return (SgdLinearRegression) super.setStandardization(value);
  }

  @Override
  public SgdLinearRegression setWeightCol(String value) {
    return (SgdLinearRegression) super.setWeightCol(value);
  }

  @Override
  public SgdLinearRegression setLabelCol(String value) {
    return (SgdLinearRegression) super.setLabelCol(value);
  }

  @Override
  public SgdLinearRegression setFeaturesCol(String value) {
    return (SgdLinearRegression) super.setFeaturesCol(value);
  }

  @Override
  public SgdLinearRegression setPredictionCol(String value) {
    return (SgdLinearRegression) super.setPredictionCol(value);
  }

  @Override
  public SgdLinearRegression setElasticNetParam(double value) {
    return (SgdLinearRegression) super.setElasticNetParam(value);
  }

  @Override
  public SgdLinearRegression setLoss(String value) {
    return (SgdLinearRegression) super.setLoss(value);
  }

  @Override
  public SgdLinearRegression setEpsilon(double value) {
    return (SgdLinearRegression) super.setEpsilon(value);
  }

  @Override
  public SgdLinearRegression copy(ParamMap extra) {
    SgdLinearRegression c = (SgdLinearRegression) super.copy(extra);
    c.initialModel = initialModel;
    return c;
  }

  static final String SOLVER = "spark-sgd trains by SGD (set optimizer, lrSchedule and stepSize instead)";
  static final String AGGREGATION = "spark-sgd sums gradients in a fixed order of its own (the same bits "
      + "whatever the depth)";
  static final String BLOCKS = "spark-sgd packs rows into blocks of its own";
}
