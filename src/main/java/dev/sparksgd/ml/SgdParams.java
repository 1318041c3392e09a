package dev.sparksgd.ml;

import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The typed accessors (param, getter, setter) of the params the three estimators add to their
 * spark.ml superclasses. The param objects, their defaults, docs and checks come from
 * {@link SgdParamSet} (that is, from {@code TrainConfig.OPTIONS}); {@code SgdEstimatorsTest} checks
 * that every one of them has its accessors here or in the estimator. Spark's reflection over public
 * param-returning methods finds these too.
 *
 * @param <E> the estimator, returned by the setters for chaining
 */
public interface SgdParams<E extends SgdParams<E>> extends Params {
  /** The params made from the training options (for the accessors; not a param itself). */
  SgdParamSet sgdParamSet();

  /** Sets {@code param} (checked as it is set) and returns this estimator. */
  @SuppressWarnings("unchecked")
  default E sgdSet(Param<?> param, Object value) {
    set((Param<Object>) param, value);
    return (E) this;
  }

  @SuppressWarnings("unchecked")
  default DoubleParam stepSize() {
    return (DoubleParam) sgdParamSet().param("stepSize");
  }

  default double getStepSize() {
    return (Double) getOrDefault(stepSize());
  }

  default E setStepSize(double value) {
    return sgdSet(stepSize(), value);
  }

  @SuppressWarnings("unchecked")
  default BooleanParam stepSizeAuto() {
    return (BooleanParam) sgdParamSet().param("stepSizeAuto");
  }

  default boolean getStepSizeAuto() {
    return (Boolean) getOrDefault(stepSizeAuto());
  }

  default E setStepSizeAuto(boolean value) {
    return sgdSet(stepSizeAuto(), value);
  }

  @SuppressWarnings("unchecked")
  default Param<String> lrSchedule() {
    return (Param<String>) sgdParamSet().param("lrSchedule");
  }

  default String getLrSchedule() {
    return (String) getOrDefault(lrSchedule());
  }

  default E setLrSchedule(String value) {
    return sgdSet(lrSchedule(), value);
  }

  @SuppressWarnings("unchecked")
  default DoubleParam miniBatchFraction() {
    return (DoubleParam) sgdParamSet().param("miniBatchFraction");
  }

  default double getMiniBatchFraction() {
    return (Double) getOrDefault(miniBatchFraction());
  }

  default E setMiniBatchFraction(double value) {
    return sgdSet(miniBatchFraction(), value);
  }

  @SuppressWarnings("unchecked")
  default DoubleParam minStepSize() {
    return (DoubleParam) sgdParamSet().param("minStepSize");
  }

  default double getMinStepSize() {
    return (Double) getOrDefault(minStepSize());
  }

  default E setMinStepSize(double value) {
    return sgdSet(minStepSize(), value);
  }

  @SuppressWarnings("unchecked")
  default LongParam seed() {
    return (LongParam) sgdParamSet().param("seed");
  }

  default long getSeed() {
    return (Long) getOrDefault(seed());
  }

  default E setSeed(long value) {
    return sgdSet(seed(), value);
  }

  @SuppressWarnings("unchecked")
  default IntParam numPartitions() {
    return (IntParam) sgdParamSet().param("numPartitions");
  }

  default int getNumPartitions() {
    return (Integer) getOrDefault(numPartitions());
  }

  default E setNumPartitions(int value) {
    return sgdSet(numPartitions(), value);
  }

  @SuppressWarnings("unchecked")
  default DoubleParam validationFraction() {
    return (DoubleParam) sgdParamSet().param("validationFraction");
  }

  default double getValidationFraction() {
    return (Double) getOrDefault(validationFraction());
  }

  default E setValidationFraction(double value) {
    return sgdSet(validationFraction(), value);
  }

  @SuppressWarnings("unchecked")
  default Param<String> validationIndicatorCol() {
    return (Param<String>) sgdParamSet().param("validationIndicatorCol");
  }

  default String getValidationIndicatorCol() {
    return (String) getOrDefault(validationIndicatorCol());
  }

  default E setValidationIndicatorCol(String value) {
    return sgdSet(validationIndicatorCol(), value);
  }

  @SuppressWarnings("unchecked")
  default Param<String> optimizer() {
    return (Param<String>) sgdParamSet().param("optimizer");
  }

  default String getOptimizer() {
    return (String) getOrDefault(optimizer());
  }

  default E setOptimizer(String value) {
    return sgdSet(optimizer(), value);
  }

  @SuppressWarnings("unchecked")
  default Param<String> featurePrecision() {
    return (Param<String>) sgdParamSet().param("featurePrecision");
  }

  default String getFeaturePrecision() {
    return (String) getOrDefault(featurePrecision());
  }

  default E setFeaturePrecision(String value) {
    return sgdSet(featurePrecision(), value);
  }

  @SuppressWarnings("unchecked")
  default DoubleParam momentum() {
    return (DoubleParam) sgdParamSet().param("momentum");
  }

  default double getMomentum() {
    return (Double) getOrDefault(momentum());
  }

  default E setMomentum(double value) {
    return sgdSet(momentum(), value);
  }

  @SuppressWarnings("unchecked")
  default DoubleParam beta1() {
    return (DoubleParam) sgdParamSet().param("beta1");
  }

  default double getBeta1() {
    return (Double) getOrDefault(beta1());
  }

  default E setBeta1(double value) {
    return sgdSet(beta1(), value);
  }

  @SuppressWarnings("unchecked")
  default DoubleParam beta2() {
    return (DoubleParam) sgdParamSet().param("beta2");
  }

  default double getBeta2() {
    return (Double) getOrDefault(beta2());
  }

  default E setBeta2(double value) {
    return sgdSet(beta2(), value);
  }

  @SuppressWarnings("unchecked")
  default DoubleParam rho() {
    return (DoubleParam) sgdParamSet().param("rho");
  }

  default double getRho() {
    return (Double) getOrDefault(rho());
  }

  default E setRho(double value) {
    return sgdSet(rho(), value);
  }

  @SuppressWarnings("unchecked")
  default DoubleParam optimizerEpsilon() {
    return (DoubleParam) sgdParamSet().param("optimizerEpsilon");
  }

  default double getOptimizerEpsilon() {
    return (Double) getOrDefault(optimizerEpsilon());
  }

  default E setOptimizerEpsilon(double value) {
    return sgdSet(optimizerEpsilon(), value);
  }

  @SuppressWarnings("unchecked")
  default BooleanParam precondition() {
    return (BooleanParam) sgdParamSet().param("precondition");
  }

  default boolean getPrecondition() {
    return (Boolean) getOrDefault(precondition());
  }

  default E setPrecondition(boolean value) {
    return sgdSet(precondition(), value);
  }

  @SuppressWarnings("unchecked")
  default BooleanParam averaging() {
    return (BooleanParam) sgdParamSet().param("averaging");
  }

  default boolean getAveraging() {
    return (Boolean) getOrDefault(averaging());
  }

  default E setAveraging(boolean value) {
    return sgdSet(averaging(), value);
  }

  @SuppressWarnings("unchecked")
  default IntParam averagingStart() {
    return (IntParam) sgdParamSet().param("averagingStart");
  }

  default int getAveragingStart() {
    return (Integer) getOrDefault(averagingStart());
  }

  default E setAveragingStart(int value) {
    return sgdSet(averagingStart(), value);
  }

  @SuppressWarnings("unchecked")
  default DoubleParam decay() {
    return (DoubleParam) sgdParamSet().param("decay");
  }

  default double getDecay() {
    return (Double) getOrDefault(decay());
  }

  default E setDecay(double value) {
    return sgdSet(decay(), value);
  }

  @SuppressWarnings("unchecked")
  default IntParam decaySteps() {
    return (IntParam) sgdParamSet().param("decaySteps");
  }

  default int getDecaySteps() {
    return (Integer) getOrDefault(decaySteps());
  }

  default E setDecaySteps(int value) {
    return sgdSet(decaySteps(), value);
  }

  @SuppressWarnings("unchecked")
  default Param<String> updateMode() {
    return (Param<String>) sgdParamSet().param("updateMode");
  }

  default String getUpdateMode() {
    return (String) getOrDefault(updateMode());
  }

  default E setUpdateMode(String value) {
    return sgdSet(updateMode(), value);
  }

  @SuppressWarnings("unchecked")
  default IntParam localSteps() {
    return (IntParam) sgdParamSet().param("localSteps");
  }

  default int getLocalSteps() {
    return (Integer) getOrDefault(localSteps());
  }

  default E setLocalSteps(int value) {
    return sgdSet(localSteps(), value);
  }

  @SuppressWarnings("unchecked")
  default IntParam prefetchMb() {
    return (IntParam) sgdParamSet().param("prefetchMb");
  }

  default int getPrefetchMb() {
    return (Integer) getOrDefault(prefetchMb());
  }

  default E setPrefetchMb(int value) {
    return sgdSet(prefetchMb(), value);
  }

  @SuppressWarnings("unchecked")
  default DoubleParam lossTol() {
    return (DoubleParam) sgdParamSet().param("lossTol");
  }

  default double getLossTol() {
    return (Double) getOrDefault(lossTol());
  }

  default E setLossTol(double value) {
    return sgdSet(lossTol(), value);
  }

  @SuppressWarnings("unchecked")
  default IntParam patience() {
    return (IntParam) sgdParamSet().param("patience");
  }

  default int getPatience() {
    return (Integer) getOrDefault(patience());
  }

  default E setPatience(int value) {
    return sgdSet(patience(), value);
  }

  @SuppressWarnings("unchecked")
  default DoubleParam gradTol() {
    return (DoubleParam) sgdParamSet().param("gradTol");
  }

  default double getGradTol() {
    return (Double) getOrDefault(gradTol());
  }

  default E setGradTol(double value) {
    return sgdSet(gradTol(), value);
  }

  @SuppressWarnings("unchecked")
  default IntParam validationInterval() {
    return (IntParam) sgdParamSet().param("validationInterval");
  }

  default int getValidationInterval() {
    return (Integer) getOrDefault(validationInterval());
  }

  default E setValidationInterval(int value) {
    return sgdSet(validationInterval(), value);
  }

  @SuppressWarnings("unchecked")
  default Param<String> maxTime() {
    return (Param<String>) sgdParamSet().param("maxTime");
  }

  default String getMaxTime() {
    return (String) getOrDefault(maxTime());
  }

  default E setMaxTime(String value) {
    return sgdSet(maxTime(), value);
  }
}
