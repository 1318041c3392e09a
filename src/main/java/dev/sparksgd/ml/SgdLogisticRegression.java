package dev.sparksgd.ml;

import dev.sparksgd.config.LossType;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable$;

/**
 * Binary logistic regression (labels 0 and 1) trained by spark-sgd's distributed SGD; returns
 * Spark's own {@link LogisticRegressionModel} (prediction, rawPrediction, probability; threshold
 * as spark.ml). A subclass of {@link LogisticRegression} for the reason {@link SgdLinearRegression}
 * gives.
 *
 * <p>Refused when set: {@code family} multinomial, the bounds on coefficients and intercepts,
 * {@code aggregationDepth}, {@code maxBlockSizeInMB}.
 */
public class SgdLogisticRegression extends LogisticRegression implements SgdParams<SgdLogisticRegression> {
  private static final long serialVersionUID = 1L;
  private static final String FAMILY = "spark-sgd trains binary logistic regression only (family auto or binomial)";
  private static final String BOUNDS = "spark-sgd has no bound constraints (its penalties are regParam and "
      + "elasticNetParam)";
  private final SgdParamSet sgd = new SgdParamSet(this, LogisticRegression.class, LogisticRegression::new, false);
  private LogisticRegressionModel initialModel;

  public SgdLogisticRegression() {
    this(Identifiable$.MODULE$.randomUID("sgdLogReg"));
  }

  public SgdLogisticRegression(String uid) {
    super(uid);
    sgd.setDefaults(this);
  }

  /** Reads an estimator saved with {@code write().save(path)}. */
  public static SgdLogisticRegression load(String path) {
    return (SgdLogisticRegression) LogisticRegression.load(path);
  }

  @Override
  public SgdParamSet sgdParamSet() {
    return sgd;
  }

  @Override
  public Param<?>[] params() {
    return sgd == null ? super.params() : sgd.withOwn(super.params());
  }

  /** Start from this binary model's coefficients (same features). Not saved with the estimator. */
  public SgdLogisticRegression setInitialModel(LogisticRegressionModel model) {
    initialModel = model;
    return this;
  }

  public LogisticRegressionModel getInitialModel() {
    return initialModel;
  }

  @Override
  public SgdLogisticRegression setFamily(String value) {
    if (value.equalsIgnoreCase("multinomial")) {
      throw new IllegalArgumentException(SgdParamSet.refusal("family", value, FAMILY));
    }
    return (SgdLogisticRegression) super.setFamily(value);
  }

  @Override
  public SgdLogisticRegression setLowerBoundsOnCoefficients(Matrix value) {
    throw new IllegalArgumentException(SgdParamSet.refusal("lowerBoundsOnCoefficients", value, BOUNDS));
  }

  @Override
  public SgdLogisticRegression setUpperBoundsOnCoefficients(Matrix value) {
    throw new IllegalArgumentException(SgdParamSet.refusal("upperBoundsOnCoefficients", value, BOUNDS));
  }

  @Override
  public SgdLogisticRegression setLowerBoundsOnIntercepts(Vector value) {
    throw new IllegalArgumentException(SgdParamSet.refusal("lowerBoundsOnIntercepts", value, BOUNDS));
  }

  @Override
  public SgdLogisticRegression setUpperBoundsOnIntercepts(Vector value) {
    throw new IllegalArgumentException(SgdParamSet.refusal("upperBoundsOnIntercepts", value, BOUNDS));
  }

  @Override
  public SgdLogisticRegression setAggregationDepth(int value) {
    throw new IllegalArgumentException(SgdParamSet.refusal("aggregationDepth", value, SgdLinearRegression.AGGREGATION));
  }

  @Override
  public SgdLogisticRegression setMaxBlockSizeInMB(double value) {
    throw new IllegalArgumentException(SgdParamSet.refusal("maxBlockSizeInMB", value, SgdLinearRegression.BLOCKS));
  }

  @Override
  public LogisticRegressionModel train(org.apache.spark.sql.Dataset<?> dataset) {
    if (getFamily().equalsIgnoreCase("multinomial")) {
      throw new IllegalArgumentException(SgdParamSet.refusal("family", getFamily(), FAMILY));
    }
    for (String bound : new String[] {"lowerBoundsOnCoefficients", "upperBoundsOnCoefficients",
        "lowerBoundsOnIntercepts", "upperBoundsOnIntercepts"}) {
      SgdParamSet.refuse(this, bound, null, BOUNDS);
    }
    SgdParamSet.refuse(this, "aggregationDepth", null, SgdLinearRegression.AGGREGATION);
    SgdParamSet.refuse(this, "maxBlockSizeInMB", null, SgdLinearRegression.BLOCKS);
    FrameTrainer.Fitted f = FrameTrainer.fit(this, sgd, dataset, LossType.LOGISTIC, true, initialModel);
    LogisticRegressionModel model = new LogisticRegressionModel(uid(), f.coefficients(), f.intercept());
    SgdTrainingSummary.attach(model, f.summary());
    return model;
  }

  // spark.ml's setters return the spark.ml class to Java; these return this class, so that Java
  // can chain them with the spark-sgd setters in any order.

  @Override
  public SgdLogisticRegression setRegParam(double value) {
    return (SgdLogisticRegression) super.setRegParam(value);
  }

  @Override
  public SgdLogisticRegression setMaxIter(int value) {
    return (SgdLogisticRegression) super.setMaxIter(value);
  }

  @Override
  public SgdLogisticRegression setTol(double value) {
    return (SgdLogisticRegression) super.setTol(value);
  }

  @Override
  public SgdLogisticRegression setFitIntercept(boolean value) {
    return (SgdLogisticRegression) super.setFitIntercept(value);
  }

  @Override
  public SgdLogisticRegression setStandardization(boolean value) {
    return (SgdLogisticRegression) super.setStandardization(value);
  }

  @Override
  public SgdLogisticRegression setWeightCol(String value) {
    return (SgdLogisticRegression) super.setWeightCol(value);
  }

  @Override
  public SgdLogisticRegression setLabelCol(String value) {
    return (SgdLogisticRegression) super.setLabelCol(value);
  }

  @Override
  public SgdLogisticRegression setFeaturesCol(String value) {
    return (SgdLogisticRegression) super.setFeaturesCol(value);
  }

  @Override
  public SgdLogisticRegression setPredictionCol(String value) {
    return (SgdLogisticRegression) super.setPredictionCol(value);
  }

  @Override
  public SgdLogisticRegression setElasticNetParam(double value) {
    return (SgdLogisticRegression) super.setElasticNetParam(value);
  }

  @Override
  public SgdLogisticRegression setThreshold(double value) {
    return (SgdLogisticRegression) super.setThreshold(value);
  }

  @Override
  public SgdLogisticRegression setProbabilityCol(String value) {
    return (SgdLogisticRegression) super.setProbabilityCol(value);
  }

  @Override
  public SgdLogisticRegression setRawPredictionCol(String value) {
    return (SgdLogisticRegression) super.setRawPredictionCol(value);
  }

  @Override
  public SgdLogisticRegression copy(ParamMap extra) {
    SgdLogisticRegression c = (SgdLogisticRegression) super.copy(extra);
    c.initialModel = initialModel;
    return c;
  }
}
