package dev.sparksgd.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.util.Arrays;

/**
 * What model.json records about missing values: how the fill values were chosen (mean, median,
 * zero), the input columns they belong to (the model's first features, in order), each column's
 * fill value, and which columns have an indicator feature (the features after the columns).
 */
public final class MissingFill implements Serializable {
  private static final long serialVersionUID = 1L;

  public final String strategy;
  public final String[] columns;
  public final double[] fill;
  public final boolean[] indicator;

  public MissingFill(String strategy, String[] columns, double[] fill, boolean[] indicator) {
    if (columns.length != fill.length || columns.length != indicator.length) {
      throw new IllegalArgumentException("missingValues: " + columns.length + " columns, " + fill.length
          + " fill values, " + indicator.length + " indicator flags");
    }
    for (int j = 0; j < fill.length; j++) {
      if (!Double.isFinite(fill[j])) {
        throw new IllegalArgumentException("missingValues: the fill value of column '" + columns[j]
            + "' is " + fill[j]);
      }
    }
    this.strategy = strategy;
    this.columns = columns.clone();
    this.fill = fill.clone();
    this.indicator = indicator.clone();
  }

  /** The features the columns make: the columns and their indicators. */
  public int numFeatures() {
    int n = columns.length;
    for (boolean b : indicator) {
      n += b ? 1 : 0;
    }
    return n;
  }

  ObjectNode toJson(ObjectMapper json) {
    ObjectNode o = json.createObjectNode();
    o.put("strategy", strategy);
    ArrayNode cols = o.putArray("columns");
    ArrayNode values = o.putArray("fill");
    ArrayNode indicators = o.putArray("indicators");
    for (int j = 0; j < columns.length; j++) {
      cols.add(columns[j]);
      values.add(fill[j]);
      if (indicator[j]) {
        indicators.add(columns[j]);
      }
    }
    return o;
  }

  static MissingFill fromJson(JsonNode o) {
    JsonNode cols = o.path("columns");
    JsonNode values = o.path("fill");
    if (!cols.isArray() || !values.isArray()) {
      throw new IllegalArgumentException("missingValues needs the arrays columns and fill");
    }
    String[] columns = new String[cols.size()];
    double[] fill = new double[values.size()];
    for (int j = 0; j < columns.length; j++) {
      columns[j] = cols.get(j).asText();
    }
    for (int j = 0; j < fill.length; j++) {
      if (!values.get(j).isNumber()) {
        throw new IllegalArgumentException("missingValues.fill[" + j + "] is not a number");
      }
      fill[j] = values.get(j).asDouble();
    }
    boolean[] indicator = new boolean[columns.length];
    for (JsonNode name : o.path("indicators")) {
      int j = Arrays.asList(columns).indexOf(name.asText());
      if (j < 0) {
        throw new IllegalArgumentException("missingValues.indicators names '" + name.asText()
            + "', which is not one of its columns");
      }
      indicator[j] = true;
    }
    return new MissingFill(o.path("strategy").asText(""), columns, fill, indicator);
  }
}
