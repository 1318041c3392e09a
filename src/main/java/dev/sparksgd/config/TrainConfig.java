package dev.sparksgd.config;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every option of one training run, validated once. Immutable; build it with {@link #builder()}.
 * The names follow spark.ml params; {@link #toOptionMap()} gives them back in the CLI's kebab-case,
 * which is what model.json records.
 */
public final class TrainConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  public final String dataPath;
  public final String outputPath;
  /** Null = decide from the file names ({@link DataFormat#resolve}). */
  public final DataFormat format;
  public final String labelCol;
  /** 0 = infer from the data (LIBSVM). */
  public final int numFeatures;
  public final int maxIter;
  public final double stepSize;
  public final LrSchedule lrSchedule;
  public final double miniBatchFraction;
  public final double regParam;
  public final boolean fitIntercept;
  public final boolean standardization;
  public final double tol;
  public final double minStepSize;
  public final long seed;
  /** 0 = Spark's default parallelism. */
  public final int numPartitions;
  public final double validationFraction;
  public final boolean overwrite;
  public final LossType loss;
  /** spark.ml's huber epsilon (> 1). */
  public final double huberDelta;
  /** CSV/Parquet column of instance weights, or null (every row weighs 1). */
  public final String weightCol;
  /** Parquet: the Vector column of features, if the data has it; else the numeric columns. */
  public final String featuresCol;
  /** Model directory (ours or Spark ML) to start from, or null. */
  public final String initModel;

  private TrainConfig(Builder b) {
    dataPath = b.dataPath;
    outputPath = b.outputPath;
    format = b.format;
    labelCol = b.labelCol;
    numFeatures = b.numFeatures;
    maxIter = b.maxIter;
    stepSize = b.stepSize;
    lrSchedule = b.lrSchedule;
    miniBatchFraction = b.miniBatchFraction;
    regParam = b.regParam;
    fitIntercept = b.fitIntercept;
    standardization = b.standardization;
    tol = b.tol;
    minStepSize = b.minStepSize;
    seed = b.seed;
    numPartitions = b.numPartitions;
    validationFraction = b.validationFraction;
    overwrite = b.overwrite;
    loss = b.loss;
    huberDelta = b.huberDelta;
    weightCol = b.weightCol;
    featuresCol = b.featuresCol;
    initModel = b.initModel;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.dataPath = dataPath;
    b.outputPath = outputPath;
    b.format = format;
    b.labelCol = labelCol;
    b.numFeatures = numFeatures;
    b.maxIter = maxIter;
    b.stepSize = stepSize;
    b.lrSchedule = lrSchedule;
    b.miniBatchFraction = miniBatchFraction;
    b.regParam = regParam;
    b.fitIntercept = fitIntercept;
    b.standardization = standardization;
    b.tol = tol;
    b.minStepSize = minStepSize;
    b.seed = seed;
    b.numPartitions = numPartitions;
    b.validationFraction = validationFraction;
    b.overwrite = overwrite;
    b.loss = loss;
    b.huberDelta = huberDelta;
    b.weightCol = weightCol;
    b.featuresCol = featuresCol;
    b.initModel = initModel;
    return b;
  }

  /** The training options as the CLI names them (no paths): recorded in model.json. */
  public Map<String, Object> toOptionMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", format == null ? "auto" : format.cliName());
    m.put("label-col", labelCol);
    m.put("num-features", numFeatures);
    m.put("max-iter", maxIter);
    m.put("step-size", stepSize);
    m.put("lr-schedule", lrSchedule.cliName());
    m.put("mini-batch-fraction", miniBatchFraction);
    m.put("reg-param", regParam);
    m.put("fit-intercept", fitIntercept);
    m.put("standardization", standardization);
    m.put("tol", tol);
    m.put("min-step-size", minStepSize);
    m.put("seed", seed);
    m.put("num-partitions", numPartitions);
    m.put("validation-fraction", validationFraction);
    m.put("loss", loss.cliName());
    m.put("huber-delta", huberDelta);
    m.put("weight-col", weightCol);
    m.put("features-col", featuresCol);
    return m;
  }

  /** Defaults here are the documented ones (conf/sgd.properties and --help say the same). */
  public static final class Builder {
    private String dataPath;
    private String outputPath;
    private DataFormat format;
    private String labelCol = "label";
    private int numFeatures = 0;
    private int maxIter = 1000;
    private double stepSize = 0.1;
    private LrSchedule lrSchedule = LrSchedule.CONSTANT;
    private double miniBatchFraction = 1.0;
    private double regParam = 0.0;
    private boolean fitIntercept = true;
    private boolean standardization = true;
    private double tol = 1e-6;
    private double minStepSize = 0.001;
    private long seed = 42L;
    private int numPartitions = 0;
    private double validationFraction = 0.0;
    private boolean overwrite = false;
    private LossType loss = LossType.SQUARED;
    private double huberDelta = 1.35;
    private String weightCol;
    private String featuresCol = "features";
    private String initModel;

    public Builder dataPath(String v) { dataPath = v; return this; }
    public Builder outputPath(String v) { outputPath = v; return this; }
    public Builder format(DataFormat v) { format = v; return this; }
    public Builder labelCol(String v) { labelCol = v; return this; }
    public Builder numFeatures(int v) { numFeatures = v; return this; }
    public Builder maxIter(int v) { maxIter = v; return this; }
    public Builder stepSize(double v) { stepSize = v; return this; }
    public Builder lrSchedule(LrSchedule v) { lrSchedule = v; return this; }
    public Builder miniBatchFraction(double v) { miniBatchFraction = v; return this; }
    public Builder regParam(double v) { regParam = v; return this; }
    public Builder fitIntercept(boolean v) { fitIntercept = v; return this; }
    public Builder standardization(boolean v) { standardization = v; return this; }
    public Builder tol(double v) { tol = v; return this; }
    public Builder minStepSize(double v) { minStepSize = v; return this; }
    public Builder seed(long v) { seed = v; return this; }
    public Builder numPartitions(int v) { numPartitions = v; return this; }
    public Builder validationFraction(double v) { validationFraction = v; return this; }
    public Builder overwrite(boolean v) { overwrite = v; return this; }
    public Builder loss(LossType v) { loss = v; return this; }
    public Builder huberDelta(double v) { huberDelta = v; return this; }
    /** Null or blank = no weight column. */
    public Builder weightCol(String v) { weightCol = v == null || v.isBlank() ? null : v; return this; }
    public Builder featuresCol(String v) { featuresCol = v; return this; }
    /** Null or blank = start from zero. */
    public Builder initModel(String v) { initModel = v == null || v.isBlank() ? null : v; return this; }

    /** Checks every option; the first problem found is thrown as a {@link ConfigException}. */
    public TrainConfig build() {
      require(outputPath != null && !outputPath.isBlank(), "--output is required");
      return buildForInput();
    }

    /**
     * As {@link #build()} without requiring an output path: the input side of a run, for the
     * commands that read data with the training options but write no model (predict, evaluate).
     */
    public TrainConfig buildForInput() {
      require(dataPath != null && !dataPath.isBlank(), "--data is required");
      require(labelCol != null && !labelCol.isBlank(), "--label-col must not be empty");
      require(numFeatures >= 0, "--num-features must be >= 1, or 0 to infer it (got " + numFeatures + ")");
      require(maxIter >= 1, "--max-iter must be >= 1 (got " + maxIter + ")");
      requireFinite(stepSize, "--step-size");
      require(stepSize > 0, "--step-size must be > 0 (got " + stepSize + ")");
      requireFinite(miniBatchFraction, "--mini-batch-fraction");
      require(miniBatchFraction > 0 && miniBatchFraction <= 1,
          "--mini-batch-fraction must be in (0, 1] (got " + miniBatchFraction + ")");
      requireFinite(regParam, "--reg-param");
      require(regParam >= 0, "--reg-param must be >= 0 (got " + regParam + ")");
      requireFinite(tol, "--tol");
      require(tol >= 0, "--tol must be >= 0 (got " + tol + ")");
      requireFinite(minStepSize, "--min-step-size");
      require(minStepSize >= 0, "--min-step-size must be >= 0 (got " + minStepSize + ")");
      require(numPartitions >= 0, "--num-partitions must be >= 1, or 0 for Spark's default (got "
          + numPartitions + ")");
      requireFinite(validationFraction, "--validation-fraction");
      require(validationFraction >= 0 && validationFraction < 1,
          "--validation-fraction must be in [0, 1) (got " + validationFraction + ")");
      require(loss != null, "--loss is required");
      requireFinite(huberDelta, "--huber-delta");
      require(huberDelta > 1.0, "--huber-delta must be > 1, as spark.ml's epsilon (got " + huberDelta + ")");
      require(featuresCol != null && !featuresCol.isBlank(), "--features-col must not be empty");
      require(weightCol == null || !weightCol.equals(labelCol),
          "--weight-col and --label-col name the same column '" + labelCol + "'");
      require(weightCol == null || format != DataFormat.LIBSVM,
          "--weight-col needs CSV or Parquet input (LIBSVM has no named columns)");
      return new TrainConfig(this);
    }

    private static void require(boolean ok, String message) {
      if (!ok) {
        throw new ConfigException(message);
      }
    }

    private static void requireFinite(double v, String name) {
      require(Double.isFinite(v), name + " must be a finite number (got " + v + ")");
    }
  }
}
