package dev.sparksgd.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A linear model in original feature units: prediction = weights·x + intercept. It also carries
 * what model.json records about how it was made (options, feature statistics, stop reason).
 */
public final class LinearModel implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final String FORMAT = "spark-sgd/linear-model";
  public static final int FORMAT_VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  public final double[] weights;
  public final double intercept;
  public final String loss;
  /** Null when the input had no column names. */
  public final String[] featureNames;
  public final double[] featureMean;
  public final double[] featureStd;
  public final Map<String, Object> options;
  public final int iterations;
  public final String stopReason;

  public LinearModel(double[] weights, double intercept, String loss, String[] featureNames,
      double[] featureMean, double[] featureStd, Map<String, Object> options, int iterations,
      String stopReason) {
    this.weights = weights;
    this.intercept = intercept;
    this.loss = loss;
    this.featureNames = featureNames;
    this.featureMean = featureMean;
    this.featureStd = featureStd;
    this.options = options == null ? Map.of() : new LinkedHashMap<>(options);
    this.iterations = iterations;
    this.stopReason = stopReason;
  }

  public int numFeatures() {
    return weights.length;
  }

  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("formatVersion", FORMAT_VERSION);
    root.put("modelType", "linear-regression");
    root.put("loss", loss);
    root.put("numFeatures", weights.length);
    root.set("weights", doubles(weights));
    root.put("intercept", intercept);
    if (featureNames != null) {
      ArrayNode names = root.putArray("featureNames");
      for (String n : featureNames) {
        names.add(n);
      }
    }
    root.put("iterations", iterations);
    root.put("stopReason", stopReason);
    root.set("options", JSON.valueToTree(options));
    ObjectNode st = root.putObject("featureStatistics");
    st.set("mean", doubles(featureMean));
    st.set("std", doubles(featureStd));
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
    @SuppressWarnings("unchecked")
    Map<String, Object> options = root.has("options")
        ? JSON.convertValue(root.get("options"), LinkedHashMap.class) : Map.of();
    return new LinearModel(w, b.asDouble(), root.path("loss").asText("squared"), names, mean, std,
        options, root.path("iterations").asInt(0), root.path("stopReason").asText(null));
  }

  public double predict(double[] x) {
    double s = intercept;
    for (int j = 0; j < weights.length; j++) {
      s += weights[j] * x[j];
    }
    return s;
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
