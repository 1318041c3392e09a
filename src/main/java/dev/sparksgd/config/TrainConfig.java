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
  /** Null = no checkpoints. Not in {@link #toOptionMap()}: checkpoints never change the model. */
  public final String checkpointDir;
  public final int checkpointInterval;
  public final boolean resume;

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
    checkpointDir = b.checkpointDir;
    checkpointInterval = b.checkpointInterval;
    resume = b.resume;
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
    b.checkpointDir = checkpointDir;
    b.checkpointInterval = checkpointInterval;
    b.resume = resume;
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
    private String checkpointDir;
    private int checkpointInterval = 10;
    private boolean resume = false;

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
    public Builder checkpointDir(String v) { checkpointDir = v == null || v.isBlank() ? null : v; return this; }
    public Builder checkpointInterval(int v) { checkpointInterval = v; return this; }
    public Builder resume(boolean v) { resume = v; return this; }

    /** Checks every option; the first problem found is thrown as a {@link ConfigException}. */
    public TrainConfig build() {
      require(dataPath != null && !dataPath.isBlank(), "--data is required");
      require(outputPath != null && !outputPath.isBlank(), "--output is required");
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
      require(checkpointInterval >= 1, "--checkpoint-interval must be >= 1 (got " + checkpointInterval + ")");
      require(!resume || checkpointDir != null, "--resume needs --checkpoint-dir (the directory to resume from)");
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
