package dev.sparksgd.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;

/**
 * What model.json records about one-hot encoded categorical columns: the numeric input columns
 * (their features first, after any missing values are filled and indicated), the categorical
 * columns and each one's vocabulary, the kept levels in feature order. Column k's block follows
 * the numeric features and the blocks before it: one feature per level, then one for any other.
 * This is spark.ml's StringIndexer (frequencyDesc, handleInvalid keep, labels = the vocabulary)
 * followed by OneHotEncoder (dropLast false).
 */
public final class OneHotFeatures implements Serializable {
  private static final long serialVersionUID = 1L;
  static final String FUNCTION = "spark.ml StringIndexer(frequencyDesc, keep) + OneHotEncoder(dropLast false)";

  public final String[] numericColumns;
  public final String[] categoricalColumns;
  /** Per categorical column, its kept levels in feature order. */
  public final String[][] levels;

  public OneHotFeatures(String[] numericColumns, String[] categoricalColumns, String[][] levels) {
    if (categoricalColumns.length == 0 || categoricalColumns.length != levels.length) {
      throw new IllegalArgumentException("oneHotEncoding needs categorical columns and a vocabulary for each (got "
          + categoricalColumns.length + " columns, " + levels.length + " vocabularies)");
    }
    this.numericColumns = numericColumns.clone();
    this.categoricalColumns = categoricalColumns.clone();
    this.levels = new String[levels.length][];
    for (int k = 0; k < levels.length; k++) {
      this.levels[k] = levels[k].clone();
    }
  }

  /** The features after {@code numericFeatures} numeric ones: a block per categorical column. */
  public long numFeatures(int numericFeatures) {
    long n = numericFeatures;
    for (String[] l : levels) {
      n += l.length + 1L;
    }
    return n;
  }

  ObjectNode toJson(ObjectMapper json) {
    ObjectNode o = json.createObjectNode();
    o.put("function", FUNCTION);
    ArrayNode numeric = o.putArray("numericColumns");
    for (String c : numericColumns) {
      numeric.add(c);
    }
    ArrayNode categorical = o.putArray("categoricalColumns");
    ArrayNode vocab = o.putArray("levels");
    for (int k = 0; k < categoricalColumns.length; k++) {
      categorical.add(categoricalColumns[k]);
      ArrayNode l = vocab.addArray();
      for (String v : levels[k]) {
        l.add(v);
      }
    }
    return o;
  }

  static OneHotFeatures fromJson(JsonNode o) {
    if (!FUNCTION.equals(o.path("function").asText())) {
      throw new IllegalArgumentException("oneHotEncoding.function is not \"" + FUNCTION + "\"");
    }
    JsonNode vocab = o.path("levels");
    String[][] levels = new String[vocab.size()][];
    for (int k = 0; k < levels.length; k++) {
      levels[k] = texts(vocab.get(k));
    }
    return new OneHotFeatures(texts(o.path("numericColumns")), texts(o.path("categoricalColumns")), levels);
  }

  static String[] texts(JsonNode arr) {
    String[] t = new String[arr.size()];
    for (int i = 0; i < t.length; i++) {
      t[i] = arr.get(i).asText();
    }
    return t;
  }
}
