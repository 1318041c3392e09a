package dev.sparksgd.data;

import dev.sparksgd.config.ConfigException;
import dev.sparksgd.config.FeaturePrecision;
import dev.sparksgd.config.TrainConfig;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parquet input through spark.sql: a numeric label column, an optional numeric weight column, and
 * the features as one Spark ML Vector column (--features-col) or else as the remaining numeric
 * columns and any categorical (string) columns. Rows are validated like text records, with the file and row index
 * ({@code _metadata.row_index}, 0-based) in every error.
 */
public final class ParquetInput implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ParquetInput.class);
  static final String DEFAULT_FEATURES_COL = "features";

  /** Positions in {@link #rows()}: label (-1 if none), weight (-1), features, then location. */
  private final int labelPos;
  private final int weightPos;
  private final int vectorPos;
  private final int firstFeature;
  private final int numFeatureCols;
  private final int firstCategory;
  private final String[] categoricalNames;
  private final int filePos;
  private final int fileNamePos;
  private final int rowIndexPos;
  private final String[] columnNames;
  private final int numFeatures;
  private final String[] featureNames;
  private final boolean classification;
  private transient org.apache.spark.sql.Dataset<Row> rows;

  private ParquetInput(org.apache.spark.sql.Dataset<Row> rows, String[] columnNames, int labelPos,
      int weightPos, int vectorPos, int firstFeature, int numFeatureCols, int numFeatures,
      String[] featureNames, boolean classification, int firstCategory, String[] categoricalNames) {
    this.firstCategory = firstCategory;
    this.categoricalNames = categoricalNames;
    this.rows = rows;
    this.columnNames = columnNames;
    this.labelPos = labelPos;
    this.weightPos = weightPos;
    this.vectorPos = vectorPos;
    this.firstFeature = firstFeature;
    this.numFeatureCols = numFeatureCols;
    int n = columnNames.length;
    this.filePos = n;
    this.fileNamePos = n + 1;
    this.rowIndexPos = n + 2;
    this.numFeatures = numFeatures;
    this.featureNames = featureNames;
    this.classification = classification;
  }

  /** {@code cfg.dataPath} read as Parquet (its schema; nothing is scanned yet). */
  static org.apache.spark.sql.Dataset<Row> frame(TrainConfig cfg) {
    try {
      return SparkSession.active().read().parquet(cfg.dataPath);
    } catch (Exception e) { // AnalysisException is checked in Java's eyes but thrown undeclared
      if (e instanceof org.apache.spark.sql.AnalysisException || e instanceof org.apache.spark.SparkException) {
        throw new ConfigException("--data " + cfg.dataPath + ": cannot read it as Parquet: "
            + firstLine(e.getMessage()), e);
      }
      throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
    }
  }

  /**
   * @param requireLabel false when scoring: the label column is then used only if present
   * @param wantedFeatures the feature columns by name (a model's), or null to take them from the data
   */
  public static ParquetInput open(TrainConfig cfg, boolean requireLabel, String[] wantedFeatures) {
    return open(cfg, requireLabel, wantedFeatures, null);
  }

  /**
   * @param requireLabel false when scoring: the label column is then used only if present
   * @param wantedFeatures the numeric feature columns by name (a model's), or null to take them
   *     from the data
   * @param wantedCategorical the categorical (string) columns by name (a model's), or null to
   *     take them from {@code cfg}: --categorical-cols, or with auto every string column
   */
  public static ParquetInput open(TrainConfig cfg, boolean requireLabel, String[] wantedFeatures,
      String[] wantedCategorical) {
    org.apache.spark.sql.Dataset<Row> df = frame(cfg);
    StructType schema = df.schema();
    List<String> all = Arrays.asList(schema.fieldNames());
    List<String> select = new ArrayList<>();
    int labelPos = -1;
    if (all.contains(cfg.labelCol)) {
      requireNumeric(schema.apply(cfg.labelCol), "label", cfg.dataPath);
      labelPos = select.size();
      select.add(cfg.labelCol);
    } else if (requireLabel) {
      throw new ConfigException("--data " + cfg.dataPath + ": no label column '" + cfg.labelCol
          + "' (columns: " + String.join(", ", all) + "); give --label-col");
    }
    int weightPos = -1;
    if (cfg.weightCol != null) {
      if (!all.contains(cfg.weightCol)) {
        throw new ConfigException("--data " + cfg.dataPath + ": no weight column '" + cfg.weightCol
            + "' (columns: " + String.join(", ", all) + ")");
      }
      requireNumeric(schema.apply(cfg.weightCol), "weight", cfg.dataPath);
      weightPos = select.size();
      select.add(cfg.weightCol);
    }
    boolean vector = all.contains(cfg.featuresCol) && isVector(schema.apply(cfg.featuresCol).dataType());
    // auto finds no categorical columns next to a Vector of features
    List<String> categorical = vector && cfg.categoricalAuto && wantedCategorical == null ? List.of()
        : categoricalColumns(cfg, schema, wantedCategorical);
    int firstFeature = select.size();
    int vectorPos = -1;
    int numFeatures;
    String[] names;
    if (vector) {
      if (!categorical.isEmpty()) {
        throw new ConfigException("--data " + cfg.dataPath + ": the features are the Vector column '"
            + cfg.featuresCol + "'; categorical columns (" + String.join(", ", categorical)
            + ") need the features as columns");
      }
      vectorPos = select.size();
      select.add(cfg.featuresCol);
      AttributeGroup group = AttributeGroup.fromStructField(schema.apply(cfg.featuresCol));
      numFeatures = group.size() >= 0 ? group.size() : firstVectorSize(df, cfg.featuresCol);
      if (cfg.numFeatures > 0 && cfg.numFeatures != numFeatures) {
        throw new ConfigException("--num-features " + cfg.numFeatures + " but the vectors in column '"
            + cfg.featuresCol + "' have size " + numFeatures);
      }
      names = attributeNames(group, numFeatures);
    } else {
      if (all.contains(cfg.featuresCol)) {
        throw new ConfigException("--data " + cfg.dataPath + ": column '" + cfg.featuresCol
            + "' is " + schema.apply(cfg.featuresCol).dataType().simpleString()
            + ", not a Spark ML Vector (--features-col)");
      }
      if (!cfg.featuresCol.equals(DEFAULT_FEATURES_COL)) {
        throw new ConfigException("--data " + cfg.dataPath + ": no column '" + cfg.featuresCol
            + "' (--features-col; columns: " + String.join(", ", all) + ")");
      }
      List<String> feats = new ArrayList<>();
      if (wantedFeatures != null) {
        for (String f : wantedFeatures) {
          if (!all.contains(f)) {
            throw new ConfigException("--data " + cfg.dataPath + ": no feature column '" + f
                + "', which the model was trained with (columns: " + String.join(", ", all) + ")");
          }
          requireNumeric(schema.apply(f), "feature", cfg.dataPath);
          feats.add(f);
        }
      } else {
        List<String> skipped = new ArrayList<>();
        for (StructField f : schema.fields()) {
          if (f.name().equals(cfg.labelCol) || f.name().equals(cfg.weightCol)) {
            continue;
          }
          if (isNumeric(f.dataType())) {
            feats.add(f.name());
          } else if (!categorical.contains(f.name())) {
            skipped.add(f.name() + " (" + f.dataType().simpleString() + ")");
          }
        }
        if (!skipped.isEmpty()) {
          LOG.warn("{}: non-numeric columns are not features: {}", cfg.dataPath, skipped);
        }
      }
      if (feats.isEmpty() && categorical.isEmpty()) {
        throw new ConfigException("--data " + cfg.dataPath + ": no numeric feature columns and no "
            + "Vector column '" + cfg.featuresCol + "' (columns: " + String.join(", ", all) + ")");
      }
      if (cfg.numFeatures > 0 && cfg.numFeatures != feats.size()) {
        throw new ConfigException("--num-features " + cfg.numFeatures + " but the data has "
            + feats.size() + " numeric feature columns");
      }
      select.addAll(feats);
      numFeatures = feats.size();
      names = feats.toArray(new String[0]);
    }
    int numFeatureCols = select.size() - firstFeature;
    int firstCategory = select.size();
    select.addAll(categorical);
    String[] columnNames = select.toArray(new String[0]);
    List<org.apache.spark.sql.Column> cols = new ArrayList<>();
    for (String c : columnNames) {
      cols.add(df.col("`" + c.replace("`", "``") + "`"));
    }
    cols.add(df.col("_metadata.file_path"));
    cols.add(df.col("_metadata.file_name"));
    cols.add(df.col("_metadata.row_index"));
    org.apache.spark.sql.Dataset<Row> rows = df.select(cols.toArray(new org.apache.spark.sql.Column[0]));
    return new ParquetInput(rows, columnNames, labelPos, weightPos, vectorPos, firstFeature,
        numFeatureCols, numFeatures, names, cfg.loss.isClassification(), firstCategory,
        categorical.toArray(new String[0]));
  }

  /**
   * The categorical columns: {@code wanted} (a model's), or --categorical-cols, or with auto every
   * string column but the label and weight; each must be a string column.
   */
  private static List<String> categoricalColumns(TrainConfig cfg, StructType schema, String[] wanted) {
    List<String> all = Arrays.asList(schema.fieldNames());
    List<String> cols = new ArrayList<>();
    if (wanted != null) {
      cols.addAll(Arrays.asList(wanted));
    } else if (cfg.categoricalAuto) {
      for (StructField f : schema.fields()) {
        if (f.dataType() instanceof StringType && !f.name().equals(cfg.labelCol) && !f.name().equals(cfg.weightCol)) {
          cols.add(f.name());
        }
      }
      LOG.info("{}: categorical columns (the string columns): {}", cfg.dataPath, cols);
    } else {
      cols.addAll(cfg.categoricalCols);
    }
    for (String c : cols) {
      if (!all.contains(c)) {
        throw new ConfigException("--data " + cfg.dataPath + ": no column '" + c + "'"
            + (wanted != null ? ", which the model was trained with" : " (--categorical-cols)")
            + " (columns: " + String.join(", ", all) + ")");
      }
      DataType t = schema.apply(c).dataType();
      if (!(t instanceof StringType)) {
        throw new ConfigException("--data " + cfg.dataPath + ": the categorical column '" + c + "' is "
            + t.simpleString() + "; categorical Parquet columns must be strings");
      }
    }
    return cols;
  }

  public int numFeatures() {
    return numFeatures;
  }

  /** Column names (numeric columns) or the Vector's attribute names when it has them; else null. */
  public String[] featureNames() {
    return featureNames == null ? null : featureNames.clone();
  }

  public boolean hasLabel() {
    return labelPos >= 0;
  }

  /** The categorical columns, in the order their values are read. */
  public String[] categoricalNames() {
    return categoricalNames.clone();
  }

  /** Whether the features are one Vector column (else numeric columns). */
  boolean hasVectorColumn() {
    return vectorPos >= 0;
  }

  /** The selected columns plus {@code file_path}, {@code file_name}, {@code row_index}. */
  public org.apache.spark.sql.Dataset<Row> rows() {
    return rows;
  }

  public String file(Row row) {
    return row.getString(filePos);
  }

  public long rowIndex(Row row) {
    return row.getLong(rowIndexPos);
  }

  /** "file: row index N", the location of a row in errors. */
  public String location(Row row) {
    return file(row) + ": row index " + rowIndex(row);
  }

  /** Fills {@code out} from a row of {@link #rows()} (features 0-based, sparse or dense). */
  public void read(Row row, ParsedRecord out) {
    read(row, out, false);
  }

  /**
   * As {@link #read(Row, ParsedRecord)}; with {@code allowNulls} a null feature column value is
   * read as NaN (for {@link MissingValues} to fill) instead of refused.
   */
  void read(Row row, ParsedRecord out, boolean allowNulls) {
    read(row, out, allowNulls, null);
  }

  /**
   * As {@link #read(Row, ParsedRecord, boolean)}, the categorical columns' values (null when
   * missing and allowed) into {@code categories}; null to skip them.
   */
  void read(Row row, ParsedRecord out, boolean allowNulls, String[] categories) {
    out.clear();
    if (labelPos >= 0) {
      out.label = number(row, labelPos);
      if (classification) {
        Labels.checkBinary(out.label);
      }
    }
    if (weightPos >= 0) {
      double w = number(row, weightPos);
      if (w < 0) {
        throw new RecordException("weight (column '" + columnNames[weightPos] + "') is " + w
            + "; weights must be >= 0");
      }
      out.weight = w;
    }
    if (vectorPos >= 0) {
      if (row.isNullAt(vectorPos)) {
        throw new RecordException("column '" + columnNames[vectorPos] + "' is null");
      }
      readVector(row.get(vectorPos), numFeatures, out);
    } else {
      for (int j = 0; j < numFeatureCols; j++) {
        boolean missing = allowNulls && row.isNullAt(firstFeature + j);
        out.add(j, missing ? Double.NaN : number(row, firstFeature + j));
      }
    }
    for (int k = 0; categories != null && k < categoricalNames.length; k++) {
      int pos = firstCategory + k;
      if (row.isNullAt(pos) && !allowNulls) {
        throw new RecordException("column '" + categoricalNames[k] + "' is null");
      }
      categories[k] = row.isNullAt(pos) ? null : row.getString(pos);
    }
  }

  /** A Spark ML (or old MLlib) vector of {@code numFeatures} features into {@code out}, checked. */
  static void readVector(Object o, int numFeatures, ParsedRecord out) {
    Vector v = o instanceof org.apache.spark.mllib.linalg.Vector old ? old.asML() : (Vector) o;
    if (v.size() != numFeatures) {
      throw new RecordException("the features vector has size " + v.size() + ", expected " + numFeatures);
    }
    if (v instanceof SparseVector sv) {
      int[] idx = sv.indices();
      double[] val = sv.values();
      for (int k = 0; k < idx.length; k++) {
        if (k > 0 && idx[k] <= idx[k - 1]) {
          throw new RecordException("sparse vector indices are not increasing");
        }
        addFeature(out, idx[k], val[k]);
      }
    } else {
      double[] val = v.toArray();
      for (int j = 0; j < val.length; j++) {
        addFeature(out, j, val[j]);
      }
    }
  }

  private static void addFeature(ParsedRecord out, int index, double value) {
    if (!Double.isFinite(value)) {
      throw new RecordException("feature " + index + " is " + value + " (NaN and infinities are not allowed)");
    }
    if (value != 0.0) {
      out.add(index, value);
    }
  }

  private double number(Row row, int pos) {
    if (row.isNullAt(pos)) {
      throw new RecordException("column '" + columnNames[pos] + "' is null");
    }
    double v = ((Number) row.get(pos)).doubleValue();
    if (!Double.isFinite(v)) {
      throw new RecordException("column '" + columnNames[pos] + "' is " + v
          + " (NaN and infinities are not allowed)");
    }
    return v;
  }

  /**
   * Training blocks: every row validated, held out by (seed, file name, row index).
   *
   * @param fill the fill values of null feature values, or null to leave them NaN (when allowed)
   * @param allowNulls whether a null feature value is read (as NaN, then filled) or refused
   * @param encoder how the filled numbers and the categories become sparse features, or null to
   *     keep the numbers as the features
   */
  JavaRDD<Block> blocks(TrainConfig cfg, MissingValues fill, boolean allowNulls, CategoricalEncoder encoder) {
    final double holdoutFraction = cfg.validationFraction;
    final long seed = cfg.seed;
    final boolean sparse = vectorPos >= 0 || encoder != null;
    final int denseCols = encoder != null ? 0 : fill == null ? numFeatureCols : fill.numFeatures();
    final ParquetInput self = this;
    final FeaturePrecision precision = cfg.featurePrecision;
    return rows.javaRDD().mapPartitions((Iterator<Row> it) -> {
      ParsedRecord rec = new ParsedRecord();
      ParsedRecord encoded = encoder == null ? rec : new ParsedRecord();
      String[] categories = new String[categoricalNames.length];
      return new PartitionBlocks(sparse, denseCols, precision, out -> {
        if (!it.hasNext()) {
          return false;
        }
        Row row = it.next();
        try {
          self.read(row, rec, allowNulls, categories);
          if (fill != null) {
            fill.apply(rec);
          }
          if (encoder != null) {
            encoder.encode(rec, categories, encoded);
          }
        } catch (RecordException e) {
          throw new BadRecordException(self.location(row), e.getMessage());
        }
        out.add(encoded, self.isHoldout(row, holdoutFraction, seed));
        return true;
      });
    });
  }

  private boolean isHoldout(Row row, double fraction, long seed) {
    return DataLoader.isHoldout(fraction, seed, row.getString(fileNamePos).hashCode(), rowIndex(row));
  }

  /** The categories of the training rows (held-out rows left out), for the statistics pass of one-hot encoding. */
  JavaRDD<String[]> trainingCategories(TrainConfig cfg, boolean allowNulls) {
    final double holdoutFraction = cfg.validationFraction;
    final long seed = cfg.seed;
    final ParquetInput self = this;
    return rows.javaRDD().mapPartitions((Iterator<Row> it) -> {
      ParsedRecord rec = new ParsedRecord();
      return new Pull<>(() -> {
        while (it.hasNext()) {
          Row row = it.next();
          if (self.isHoldout(row, holdoutFraction, seed)) {
            continue;
          }
          String[] categories = new String[self.categoricalNames.length];
          try {
            self.read(row, rec, allowNulls, categories);
          } catch (RecordException e) {
            throw new BadRecordException(self.location(row), e.getMessage());
          }
          return categories;
        }
        return null;
      });
    });
  }

  static boolean isVector(DataType t) {
    return t instanceof org.apache.spark.ml.linalg.VectorUDT
        || t instanceof org.apache.spark.mllib.linalg.VectorUDT;
  }

  private static boolean isNumeric(DataType t) {
    return t instanceof NumericType || t instanceof DecimalType;
  }

  private static void requireNumeric(StructField f, String role, String path) {
    if (!isNumeric(f.dataType())) {
      throw new ConfigException("--data " + path + ": the " + role + " column '" + f.name() + "' is "
          + f.dataType().simpleString() + ", not numeric");
    }
  }

  static int firstVectorSize(org.apache.spark.sql.Dataset<Row> df, String col) {
    List<Row> first = df.select(df.col("`" + col.replace("`", "``") + "`")).where(df.col("`" + col.replace("`", "``") + "`").isNotNull())
        .limit(1).collectAsList();
    if (first.isEmpty()) {
      return 0;
    }
    Object o = first.get(0).get(0);
    return o instanceof org.apache.spark.mllib.linalg.Vector old ? old.size() : ((Vector) o).size();
  }

  static String[] attributeNames(AttributeGroup group, int n) {
    if (group.attributes().isEmpty()) {
      return null;
    }
    Attribute[] attrs = group.attributes().get();
    if (attrs.length != n) {
      return null;
    }
    String[] names = new String[n];
    for (int i = 0; i < n; i++) {
      if (attrs[i] == null || attrs[i].name().isEmpty()) {
        return null;
      }
      names[i] = attrs[i].name().get();
    }
    return names;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl >= 0 ? s.substring(0, nl) : s;
  }
}
