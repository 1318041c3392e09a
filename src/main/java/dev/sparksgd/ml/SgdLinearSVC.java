package dev.sparksgd.ml;

import dev.sparksgd.config.LossType;
import org.apache.spark.ml.classification.LinearSVC;
import org.apache.spark.ml.classification.LinearSVCModel;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable$;

/**
 * Linear SVM (hinge loss, labels 0 and 1) trained by spark-sgd's distributed SGD; returns Spark's
 * own {@link LinearSVCModel} (prediction, rawPrediction; threshold as spark.ml). A subclass of
 * {@link LinearSVC} for the reason {@link SgdLinearRegression} gives. Unlike spark.ml's LinearSVC it
 * takes an elastic-net penalty ({@code elasticNetParam}).
 *
 * <p>Refused when set: {@code aggregationDepth}, {@code maxBlockSizeInMB}.
 */
public class SgdLinearSVC extends LinearSVC implements SgdParams<SgdLinearSVC> {
  private static final long serialVersionUID = 1L;
  private final SgdParamSet sgd = new SgdParamSet(this, LinearSVC.class, LinearSVC::new, false);
  private LinearSVCModel initialModel;

  public SgdLinearSVC() {
    this(Identifiable$.MODULE$.randomUID("sgdLinearSVC"));
  }

  public SgdLinearSVC(String uid) {
    super(uid);
    sgd.setDefaults(this);
  }

  /** Reads an estimator saved with {@code write().save(path)}. */
  public static SgdLinearSVC load(String path) {
    return (SgdLinearSVC) LinearSVC.load(path);
  }

  @Override
  public SgdParamSet sgdParamSet() {
    return sgd;
  }

  @Override
  public Param<?>[] params() {
    return sgd == null ? super.params() : sgd.withOwn(super.params());
  }

  public DoubleParam elasticNetParam() {
    return (DoubleParam) sgd.param("elasticNetParam");
  }

  public double getElasticNetParam() {
    return (Double) getOrDefault(elasticNetParam());
  }

  public SgdLinearSVC setElasticNetParam(double value) {
    return sgdSet(elasticNetParam(), value);
  }

  /** Start from this model's coefficients (same features). Not saved with the estimator. */
  public SgdLinearSVC setInitialModel(LinearSVCModel model) {
    initialModel = model;
    return this;
  }

  public LinearSVCModel getInitialModel() {
    return initialModel;
  }

  @Override
  public SgdLinearSVC setAggregationDepth(int value) {
    throw new IllegalArgumentException(SgdParamSet.refusal("aggregationDepth", value, SgdLinearRegression.AGGREGATION));
  }

  @Override
  public SgdLinearSVC setMaxBlockSizeInMB(double value) {
    throw new IllegalArgumentException(SgdParamSet.refusal("maxBlockSizeInMB", value, SgdLinearRegression.BLOCKS));
  }

  @Override
  public LinearSVCModel train(org.apache.spark.sql.Dataset<?> dataset) {
    SgdParamSet.refuse(this, "aggregationDepth", null, SgdLinearRegression.AGGREGATION);
    SgdParamSet.refuse(this, "maxBlockSizeInMB", null, SgdLinearRegression.BLOCKS);
    FrameTrainer.Fitted f = FrameTrainer.fit(this, sgd, dataset, LossType.HINGE, true, initialModel);
    LinearSVCModel model = new LinearSVCModel(uid(), f.coefficients(), f.intercept());
    SgdTrainingSummary.attach(model, f.summary());
    return model;
  }

  // spark.ml's setters return the spark.ml class to Java; these return this class, so that Java
  // can chain them with the spark-sgd setters in any order.

  @Override
  public SgdLinearSVC setRegParam(double value) {
    return (SgdLinearSVC) super.setRegParam(value);
  }

  @Override
  public SgdLinearSVC setMaxIter(int value) {
    return (SgdLinearSVC) super.setMaxIter(value);
  }

  @Override
  public SgdLinearSVC setTol(double value) {
    return (SgdLinearSVC) super.setTol(value);
  }

  @Override
  public SgdLinearSVC setFitIntercept(boolean value) {
    return (SgdLinearSVC) super.setFitIntercept(value);
  }

  @Override
  public SgdLinearSVC setStandardization(boolean value) {
    return (SgdLinearSVC) super.setStandardization(value);
  }

  @Override
  public SgdLinearSVC setWeightCol(String value) {
    return (SgdLinearSVC) super.setWeightCol(value);
  }

  @Override
  public SgdLinearSVC setLabelCol(String value) {
    return (SgdLinearSVC) super.setLabelCol(value);
  }

  @Override
  public SgdLinearSVC setFeaturesCol(String value) {
    return (SgdLinearSVC) super.setFeaturesCol(value);
  }

  @Override
  public SgdLinearSVC setPredictionCol(String value) {
    return (SgdLinearSVC) super.setPredictionCol(value);
  }

  @Override
  public SgdLinearSVC setThreshold(double value) {
    return (SgdLinearSVC) super.setThreshold(value);
  }

  @Override
  public SgdLinearSVC setRawPredictionCol(String value) {
    return (SgdLinearSVC) super.setRawPredictionCol(value);
  }

  @Override
  public SgdLinearSVC copy(ParamMap extra) {
    SgdLinearSVC c = (SgdLinearSVC) super.copy(extra);
    c.initialModel = initialModel;
    return c;
  }
}
