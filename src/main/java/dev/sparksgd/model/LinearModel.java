package dev.sparksgd.model;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparksgd.loss.HuberLoss;
import dev.sparksgd.loss.LogisticLoss;
import dev.sparksgd.loss.Loss;
import dev.sparksgd.loss.Losses;
import java.io.IOException;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A linear model in original feature units: margin = weights·x + intercept. A regression predicts
 * the margin; a classifier (logistic, hinge) predicts the positive class when the margin is > 0,
 * in the label encoding it was trained on, and logistic also gives P(positive) = 1/(1 + e^−margin).
 * It also carries what model.json records about how it was made (options, feature statistics,
 * stop reason).
 */
public final class LinearModel implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final String FORMAT = "spark-sgd/linear-model";
  public static final int FORMAT_VERSION = 1;
  /**
   * Jackson's own Schubfach writer and FastDoubleParser reader for the numbers: the same doubles
   * back (both round-trip exactly), without the JDK's {@code Double.toString} slow path, which
   * made writing a model of 2^22 features (its weights, means, deviations and scales) take tens of
   * seconds.
   */
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
      .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .build();

  public final double[] weights;
  public final double intercept;
  public final String loss;
  /** Null when the input had no column names. */
  public final String[] featureNames;
  public final double[] featureMean;
  public final double[] featureStd;
  /**
   * The unit of the optimizer's weight of each feature (weight_j·scale_j is the weight the penalty
   * and the optimizer saw); empty when not recorded.
   */
  public final double[] featureScale;
  public final Map<String, Object> options;
  public final int iterations;
  public final String stopReason;
  /** "0/1" or "-1/+1" for a classifier, null for a regression. */
  public final String labelEncoding;
  /** Huber only (else NaN): spark.ml's epsilon and the fitted scale σ. */
  public final double epsilon;
  public final double scale;
  /** How missing values of the input columns are filled, or null when they are refused. */
  public final MissingFill missing;
  /** How CSV rows are hashed into the features, or null when the features are the columns. */
  public final HashedFeatures hashing;
  /** How categorical columns are one-hot encoded into the features, or null when they are not. */
  public final OneHotFeatures oneHot;

  public LinearModel(double[] weights, double intercept, String loss, String[] featureNames,
      double[] featureMean, double[] featureStd, Map<String, Object> options, int iterations,
      String stopReason) {
    this(weights, intercept, loss, featureNames, featureMean, featureStd, options, iterations, stopReason,
        null, Double.NaN, Double.NaN);
  }

  public LinearModel(double[] weights, double intercept, String loss, String[] featureNames,
      double[] featureMean, double[] featureStd, Map<String, Object> options, int iterations,
      String stopReason, String labelEncoding, double epsilon, double scale) {
    this(weights, intercept, loss, featureNames, featureMean, featureStd, new double[0], options, iterations,
        stopReason, labelEncoding, epsilon, scale, null, null, null);
  }

  private LinearModel(double[] weights, double intercept, String loss, String[] featureNames,
      double[] featureMean, double[] featureStd, double[] featureScale, Map<String, Object> options,
      int iterations, String stopReason, String labelEncoding, double epsilon, double scale, MissingFill missing,
      HashedFeatures hashing, OneHotFeatures oneHot) {
    if (hashing != null && hashing.numFeatures != weights.length) {
      throw new IllegalArgumentException("featureHashing.numFeatures is " + hashing.numFeatures + ", but the model has "
          + weights.length + " weights");
    }
    if (hashing != null && oneHot != null) {
      throw new IllegalArgumentException("a model has featureHashing or oneHotEncoding, not both");
    }
    if (oneHot != null && oneHot.numFeatures(missing != null ? missing.numFeatures() : oneHot.numericColumns.length)
        != weights.length) {
      throw new IllegalArgumentException("oneHotEncoding makes " + oneHot.numFeatures(missing != null
          ? missing.numFeatures() : oneHot.numericColumns.length) + " features, but the model has "
          + weights.length + " weights");
    }
    this.hashing = hashing;
    this.oneHot = oneHot;
    if (missing != null && hashing == null && oneHot == null && missing.numFeatures() != weights.length) {
      throw new IllegalArgumentException("missingValues makes " + missing.numFeatures() + " features of its "
          + missing.columns.length + " columns, but the model has " + weights.length);
    }
    this.missing = missing;
    if (!Losses.NAMES.contains(loss)) {
      throw new IllegalArgumentException("unknown loss '" + loss + "' (one of " + Losses.NAMES + ")");
    }
    if (loss.equals("huber") && !(epsilon > 1.0 && scale > 0 && Double.isFinite(scale))) {
      throw new IllegalArgumentException("a huber model needs epsilon > 1 and scale > 0 (got "
          + epsilon + ", " + scale + ")");
    }
    boolean classifier = Losses.isClassification(loss);
    this.labelEncoding = classifier ? (labelEncoding == null ? "0/1" : labelEncoding) : null;
    if (classifier && !this.labelEncoding.equals("0/1") && !this.labelEncoding.equals("-1/+1")) {
      throw new IllegalArgumentException("labelEncoding must be 0/1 or -1/+1 (got " + labelEncoding + ")");
    }
    this.epsilon = loss.equals("huber") ? epsilon : Double.NaN;
    this.scale = loss.equals("huber") ? scale : Double.NaN;
    this.weights = weights;
    this.intercept = intercept;
    this.loss = loss;
    this.featureNames = featureNames;
    this.featureMean = featureMean;
    this.featureStd = featureStd;
    this.featureScale = featureScale;
    this.options = options == null ? Map.of() : new LinkedHashMap<>(options);
    this.iterations = iterations;
    this.stopReason = stopReason;
  }

  /** This model with the scale of each feature recorded (see {@link #featureScale}). */
  public LinearModel withFeatureScale(double[] featureScale) {
    if (featureScale.length != weights.length) {
      throw new IllegalArgumentException(featureScale.length + " feature scales for " + weights.length + " features");
    }
    return new LinearModel(weights, intercept, loss, featureNames, featureMean, featureStd, featureScale, options,
        iterations, stopReason, labelEncoding, epsilon, scale, missing, hashing, oneHot);
  }

  /**
   * This model, reading raw rows as the arguments say: filling missing values as {@code fill}
   * says (null: refusing them), its categorical columns hashed as {@code h} says or one-hot
   * encoded as {@code o} says (both null: none).
   */
  public LinearModel withInputs(MissingFill fill, HashedFeatures h, OneHotFeatures o) {
    return new LinearModel(weights, intercept, loss, featureNames, featureMean, featureStd, featureScale, options,
        iterations, stopReason, labelEncoding, epsilon, scale, fill, h, o);
  }

  /**
   * The numeric input columns the features come from (their names), or null when unnamed; with
   * hashing, the numeric columns hashed at their names.
   */
  public String[] inputColumns() {
    return hashing != null ? hashing.numericColumns.clone() : oneHot != null ? oneHot.numericColumns.clone()
        : missing != null ? missing.columns.clone() : featureNames;
  }

  /** The categorical input columns (hashed or one-hot encoded), or none. */
  public String[] categoricalColumns() {
    return hashing != null ? hashing.categoricalColumns.clone() : oneHot != null ? oneHot.categoricalColumns.clone()
        : new String[0];
  }

  public int numFeatures() {
    return weights.length;
  }

  public boolean isClassifier() {
    return labelEncoding != null;
  }

  /** linear-regression (squared, huber), logistic-regression or linear-svm (hinge). */
  public String modelType() {
    switch (loss) {
      case "logistic": return "logistic-regression";
      case "hinge": return "linear-svm";
      default: return "linear-regression";
    }
  }

  /** The loss this model was trained with, its parameters (huber's scale) bound. */
  public Loss lossFunction() {
    return loss.equals("huber") ? HuberLoss.withScale(epsilon, scale)
        : Losses.byName(loss, HuberLoss.DEFAULT_EPSILON);
  }

  public double margin(double[] x) {
    double s = intercept;
    for (int j = 0; j < weights.length; j++) {
      s += weights[j] * x[j];
    }
    return s;
  }

  /** weights·x + intercept for a sparse x (0-based indices below {@link #numFeatures()}). */
  public double margin(int nnz, int[] indices, double[] values) {
    double s = intercept;
    for (int k = 0; k < nnz; k++) {
      s += weights[indices[k]] * values[k];
    }
    return s;
  }

  /** The prediction from a margin: the margin itself, or the class label in the model's encoding. */
  public double predictFromMargin(double margin) {
    if (!isClassifier()) {
      return margin;
    }
    return margin > 0 ? 1.0 : labelEncoding.equals("-1/+1") ? -1.0 : 0.0;
  }

  /** P(positive class) for logistic regression; NaN for the other models. */
  public double probabilityFromMargin(double margin) {
    return loss.equals("logistic") ? LogisticLoss.sigmoid(margin) : Double.NaN;
  }

  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("formatVersion", FORMAT_VERSION);
    root.put("modelType", modelType());
    root.put("loss", loss);
    if (isClassifier()) {
      root.put("labelEncoding", labelEncoding);
    }
    if (loss.equals("huber")) {
      root.put("epsilon", epsilon);
      root.put("scale", scale);
    }
    root.put("numFeatures", weights.length);
    root.set("weights", doubles(weights));
    root.put("intercept", intercept);
    if (featureNames != null) {
      ArrayNode names = root.putArray("featureNames");
      for (String n : featureNames) {
        names.add(n);
      }
    }
    if (missing != null) {
      root.set("missingValues", missing.toJson(JSON));
    }
    if (hashing != null) {
      root.set("featureHashing", hashing.toJson(JSON));
    }
    if (oneHot != null) {
      root.set("oneHotEncoding", oneHot.toJson(JSON));
    }
    root.put("iterations", iterations);
    root.put("stopReason", stopReason);
    root.set("options", JSON.valueToTree(options));
    ObjectNode st = root.putObject("featureStatistics");
    st.set("mean", doubles(featureMean));
    st.set("std", doubles(featureStd));
    if (featureScale.length > 0) {
      st.set("scale", doubles(featureScale));
    }
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads model.json text, checking it is one of ours and internally consistent. */
  public static LinearModel fromJson(String text) {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getMessage());
    }
    if (root == null || !FORMAT.equals(root.path("format").asText())) {
      throw new IllegalArgumentException("not a spark-sgd model (no \"format\": \"" + FORMAT + "\")");
    }
    int version = root.path("formatVersion").asInt(-1);
    if (version != FORMAT_VERSION) {
      throw new IllegalArgumentException("unsupported model formatVersion " + version);
    }
    double[] w = readDoubles(root.path("weights"), "weights");
    int n = root.path("numFeatures").asInt(-1);
    if (n != w.length) {
      throw new IllegalArgumentException("numFeatures " + n + " but " + w.length + " weights");
    }
    JsonNode b = root.path("intercept");
    if (!b.isNumber()) {
      throw new IllegalArgumentException("intercept is missing or not a number");
    }
    String[] names = null;
    if (root.has("featureNames")) {
      JsonNode arr = root.get("featureNames");
      names = new String[arr.size()];
      for (int i = 0; i < names.length; i++) {
        names[i] = arr.get(i).asText();
      }
    }
    JsonNode st = root.path("featureStatistics");
    double[] mean = st.has("mean") ? readDoubles(st.get("mean"), "featureStatistics.mean") : new double[0];
    double[] std = st.has("std") ? readDoubles(st.get("std"), "featureStatistics.std") : new double[0];
    double[] featureScale = st.has("scale") ? readDoubles(st.get("scale"), "featureStatistics.scale")
        : new double[0];
    if (featureScale.length != 0 && featureScale.length != n) {
      throw new IllegalArgumentException("numFeatures " + n + " but " + featureScale.length
          + " entries in featureStatistics.scale");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> options = root.has("options")
        ? JSON.convertValue(root.get("options"), LinkedHashMap.class) : Map.of();
    String loss = root.path("loss").asText("squared");
    if (!Losses.NAMES.contains(loss)) {
      throw new IllegalArgumentException("unknown loss '" + loss + "'");
    }
    MissingFill missing = root.has("missingValues") ? MissingFill.fromJson(root.get("missingValues")) : null;
    HashedFeatures hashing = root.has("featureHashing") ? HashedFeatures.fromJson(root.get("featureHashing")) : null;
    OneHotFeatures oneHot = root.has("oneHotEncoding") ? OneHotFeatures.fromJson(root.get("oneHotEncoding")) : null;
    return new LinearModel(w, b.asDouble(), loss, names, mean, std, featureScale,
        options, root.path("iterations").asInt(0), root.path("stopReason").asText(null),
        root.path("labelEncoding").asText(null), root.path("epsilon").asDouble(Double.NaN),
        root.path("scale").asDouble(Double.NaN), missing, hashing, oneHot);
  }

  /** The prediction for raw features x: {@link #predictFromMargin} of weights·x + intercept. */
  public double predict(double[] x) {
    return predictFromMargin(margin(x));
  }

  private static ArrayNode doubles(double[] v) {
    ArrayNode a = JSON.createArrayNode();
    for (double x : v) {
      a.add(x);
    }
    return a;
  }

  private static double[] readDoubles(JsonNode node, String what) {
    if (node == null || !node.isArray()) {
      throw new IllegalArgumentException(what + " is missing or not an array");
    }
    double[] v = new double[node.size()];
    for (int i = 0; i < v.length; i++) {
      JsonNode x = node.get(i);
      if (!x.isNumber()) {
        throw new IllegalArgumentException(what + "[" + i + "] is not a number");
      }
      v[i] = x.asDouble();
    }
    return v;
  }
}
