package dev.sparksgd.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;

/**
 * What model.json records about hashed features (spark.ml FeatureHasher's function): the size of
 * the hashed space, the numeric input columns (hashed at their names, after any missing values
 * are filled) and the categorical ones (hashed as "column=value").
 */
public final class HashedFeatures implements Serializable {
  private static final long serialVersionUID = 1L;
  static final String FUNCTION = "spark.ml FeatureHasher: murmur3_x86_32, seed 42";

  public final int numFeatures;
  public final String[] numericColumns;
  public final String[] categoricalColumns;

  public HashedFeatures(int numFeatures, String[] numericColumns, String[] categoricalColumns) {
    if (Integer.bitCount(numFeatures) != 1 || categoricalColumns.length == 0) {
      throw new IllegalArgumentException("featureHashing needs a power-of-two numFeatures and categorical "
          + "columns (got " + numFeatures + ", " + categoricalColumns.length + ")");
    }
    this.numFeatures = numFeatures;
    this.numericColumns = numericColumns.clone();
    this.categoricalColumns = categoricalColumns.clone();
  }

  /** --hash-bits. */
  public int bits() {
    return Integer.numberOfTrailingZeros(numFeatures);
  }

  ObjectNode toJson(ObjectMapper json) {
    ObjectNode o = json.createObjectNode();
    o.put("function", FUNCTION);
    o.put("numFeatures", numFeatures);
    ArrayNode numeric = o.putArray("numericColumns");
    for (String c : numericColumns) {
      numeric.add(c);
    }
    ArrayNode categorical = o.putArray("categoricalColumns");
    for (String c : categoricalColumns) {
      categorical.add(c);
    }
    return o;
  }

  static HashedFeatures fromJson(JsonNode o) {
    if (!FUNCTION.equals(o.path("function").asText())) {
      throw new IllegalArgumentException("featureHashing.function is not \"" + FUNCTION + "\"");
    }
    return new HashedFeatures(o.path("numFeatures").asInt(-1), OneHotFeatures.texts(o.path("numericColumns")),
        OneHotFeatures.texts(o.path("categoricalColumns")));
  }
}
