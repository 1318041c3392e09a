package dev.sparksgd.train;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * Everything a resumed run needs to continue exactly where a run stopped after iteration
 * {@code iteration}: the optimizer-space parameters, the optimizer's and the schedule's state, the
 * driver loop's own state (what the stopping rules remember), the history so far, and the
 * fingerprint of the run that wrote it. The mini-batches need no state of
 * their own: the sample of iteration t on partition p is a pure function of (seed, t, p).
 *
 * <p>Stored as JSON (Jackson, as Spark ships it). Doubles are written in Java's round-trip form,
 * so every bit of the parameters comes back.
 */
@JsonIgnoreProperties({"format", "formatVersion"})
public record Checkpoint(int iteration, double[] params, String optimizer,
    Map<String, double[]> optimizerState, Map<String, double[]> scheduleState,
    Map<String, double[]> loopState, List<IterationRecord> history, RunFingerprint fingerprint) {
  public static final String FORMAT = "spark-sgd/checkpoint";
  public static final int FORMAT_VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("formatVersion", FORMAT_VERSION);
    root.setAll((ObjectNode) JSON.valueToTree(this));
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses a checkpoint; a file that is not one throws IllegalArgumentException saying why. */
  public static Checkpoint fromJson(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
    }
    if (root == null || !FORMAT.equals(root.path("format").asText())) {
      throw new IllegalArgumentException("not a " + FORMAT + " file");
    }
    if (root.path("formatVersion").asInt() != FORMAT_VERSION) {
      throw new IllegalArgumentException("format version " + root.path("formatVersion").asText()
          + ", this build reads " + FORMAT_VERSION);
    }
    try {
      Checkpoint c = JSON.treeToValue(root, Checkpoint.class);
      if (c.params == null || c.history == null || c.fingerprint == null || c.optimizerState == null
          || c.scheduleState == null || c.loopState == null || c.iteration < 0
          || c.history.size() != c.iteration) {
        throw new IllegalArgumentException("incomplete (iteration " + c.iteration + ")");
      }
      return c;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e.getOriginalMessage());
    }
  }
}
