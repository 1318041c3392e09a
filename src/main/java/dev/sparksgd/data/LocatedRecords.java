package dev.sparksgd.data;

import dev.sparksgd.config.ConfigException;
import dev.sparksgd.config.DataFormat;
import dev.sparksgd.config.TrainConfig;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapred.FileSplit;
import org.apache.hadoop.mapred.InputSplit;
import org.apache.hadoop.mapred.TextInputFormat;
import org.apache.spark.api.java.JavaHadoopRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import scala.Tuple2;

/**
 * Input records for scoring, each with where it came from: the file and the 1-based line number
 * for LIBSVM and CSV, the file and the 0-based {@code _metadata.row_index} for Parquet. Records
 * are validated as for training; the features must fit the model's.
 *
 * <p>Hadoop's line reader knows only byte offsets, so text input takes one extra, parse-free pass
 * that counts the lines of every input split; a split's first line number is then the count of
 * the lines in the splits before it in the same file.
 */
public final class LocatedRecords implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Turns one located record into an output row. */
  @FunctionalInterface
  public interface Scorer extends Serializable {
    Row score(String file, long position, ParsedRecord record);
  }

  public final DataFormat format;
  /** "line" (text) or "row_index" (Parquet). */
  public final String positionName;
  public final boolean hasLabel;
  private final String dataPath;
  private final int numFeatures;
  private final CsvLayout csv;
  private final ParquetInput parquet;
  private final MissingValues missing;
  private final CategoricalEncoder encoder;

  private LocatedRecords(DataFormat format, String dataPath, int numFeatures, CsvLayout csv,
      ParquetInput parquet, MissingValues missing, CategoricalEncoder encoder) {
    this.missing = missing;
    this.encoder = encoder;
    this.format = format;
    this.dataPath = dataPath;
    this.numFeatures = numFeatures;
    this.csv = csv;
    this.parquet = parquet;
    this.positionName = parquet != null ? "row_index" : "line";
    this.hasLabel = parquet != null ? parquet.hasLabel() : csv == null || csv.labelIndex >= 0;
  }

  /**
   * Opens {@code cfg.dataPath} for scoring with a model of {@code numFeatures} features (named
   * {@code featureNames}, or null). A label column is used when present; LIBSVM always has one.
   */
  public static LocatedRecords open(JavaSparkContext sc, TrainConfig cfg, int numFeatures,
      String[] featureNames) {
    return open(sc, cfg, numFeatures, featureNames, null);
  }

  /**
   * As {@link #open(JavaSparkContext, TrainConfig, int, String[])} for a model that fills missing
   * values ({@code missing}, or null): the data then holds its {@code missing.numColumns()}
   * columns, the first of the model's features.
   */
  public static LocatedRecords open(JavaSparkContext sc, TrainConfig cfg, int numFeatures,
      String[] featureNames, MissingValues missing) {
    return open(sc, cfg, numFeatures, featureNames, missing, null);
  }

  /**
   * As {@link #open(JavaSparkContext, TrainConfig, int, String[], MissingValues)} for a model
   * whose rows have categorical columns, encoded by {@code encoder} (null: none) into its
   * {@code numFeatures} features: {@code featureNames} are then its numeric columns.
   */
  public static LocatedRecords open(JavaSparkContext sc, TrainConfig cfg, int numFeatures,
      String[] featureNames, MissingValues missing, CategoricalEncoder encoder) {
    boolean encoded = encoder != null;
    String[] categorical = encoded ? encoder.categoricalNames() : new String[0];
    int numColumns = encoded ? featureNames.length : missing == null ? numFeatures : missing.numColumns();
    String[] columns = encoded || missing == null || featureNames == null ? featureNames
        : Arrays.copyOf(featureNames, numColumns);
    List<Path> files = DataLoader.listInput(sc.hadoopConfiguration(), cfg.dataPath);
    List<String> names = new ArrayList<>();
    files.forEach(f -> names.add(f.getName()));
    DataFormat format = DataFormat.resolve(cfg.format, cfg.dataPath, names);
    switch (format) {
      case PARQUET: {
        ParquetInput in = ParquetInput.open(cfg, false, columns, categorical);
        checkFeatures(in.numFeatures(), in.featureNames(), numColumns, columns, cfg.dataPath);
        return new LocatedRecords(format, cfg.dataPath, numFeatures, null, in, missing, encoder);
      }
      case CSV: {
        CsvLayout layout = CsvLayout.read(sc.hadoopConfiguration(), files.get(0), cfg, false,
            Arrays.asList(categorical), columns);
        CsvParser p = layout.parser();
        checkFeatures(p.numFeatures(), p.featureNames(), numColumns, columns, cfg.dataPath);
        return new LocatedRecords(format, cfg.dataPath, numFeatures, layout, null, missing, encoder);
      }
      default:
        if (encoded) {
          throw new ConfigException("--data " + cfg.dataPath + ": the model encodes the categorical columns "
              + String.join(",", categorical) + "; give it CSV or Parquet input");
        }
        return new LocatedRecords(format, cfg.dataPath, numFeatures, null, null, null, null);
    }
  }

  private static void checkFeatures(int dataCount, String[] dataNames, int modelCount,
      String[] modelNames, String path) {
    if (modelNames != null && dataNames != null && !Arrays.equals(modelNames, dataNames)) {
      throw new ConfigException("--data " + path + ": the feature columns are " + String.join(",", dataNames)
          + "; the model was trained on " + String.join(",", modelNames));
    }
    if (dataCount != modelCount) {
      throw new ConfigException("--data " + path + " has " + dataCount + " feature columns; the model has "
          + modelCount + " features");
    }
  }

  /** Scores every record (validated; a bad one stops the job with its location). */
  public JavaRDD<Row> map(JavaSparkContext sc, int partitions, Scorer scorer) {
    if (parquet != null) {
      final ParquetInput in = parquet;
      final MissingValues fill = missing;
      final CategoricalEncoder coder = encoder;
      return in.rows().javaRDD().mapPartitions((Iterator<Row> it) -> {
        ParsedRecord rec = new ParsedRecord();
        ParsedRecord encoded = coder == null ? rec : new ParsedRecord();
        String[] categories = new String[in.categoricalNames().length];
        return new Pull<>(() -> {
          if (!it.hasNext()) {
            return null;
          }
          Row row = it.next();
          try {
            in.read(row, rec, fill != null, categories);
            if (fill != null) {
              fill.apply(rec);
            }
            if (coder != null) {
              coder.encode(rec, categories, encoded);
            }
          } catch (RecordException e) {
            throw new BadRecordException(in.location(row), e.getMessage());
          }
          return scorer.score(in.file(row), in.rowIndex(row), encoded);
        });
      });
    }
    @SuppressWarnings("unchecked")
    JavaHadoopRDD<LongWritable, Text> lines = (JavaHadoopRDD<LongWritable, Text>) sc.hadoopFile(
        dataPath, TextInputFormat.class, LongWritable.class, Text.class, partitions);
    Map<String, Long> firstLine = firstLineOfSplits(sc, lines);
    final CsvLayout layout = csv;
    final MissingValues fill = missing;
    final CategoricalEncoder coder = encoder;
    final int d = numFeatures;
    return lines.mapPartitionsWithInputSplit((InputSplit split, Iterator<Tuple2<LongWritable, Text>> it) -> {
      FileSplit fs = (FileSplit) split;
      String file = fs.getPath().toString();
      long[] nextLine = {firstLine.get(key(fs))};
      LibsvmParser libsvm = layout == null ? new LibsvmParser(0) : null;
      CsvParser csvParser = layout == null ? null : layout.parser(fill != null);
      String[] categories = layout == null ? null : new String[csvParser.categoricalNames().length];
      ParsedRecord parsed = new ParsedRecord();
      ParsedRecord encoded = coder == null ? parsed : new ParsedRecord();
      return new Pull<>(() -> {
        while (it.hasNext()) {
          long line = nextLine[0]++;
          Tuple2<LongWritable, Text> kv = it.next();
          long offset = kv._1().get();
          String text = kv._2().toString();
          boolean ok;
          try {
            if (csvParser != null && offset == 0) {
              layout.checkHeader(text);
              continue;
            }
            ok = csvParser != null ? csvParser.parse(text, parsed, categories) : libsvm.parse(text, parsed);
            if (ok && fill != null) {
              fill.apply(parsed);
            }
            if (ok && coder != null) {
              coder.encode(parsed, categories, encoded);
            }
            ParsedRecord rec = encoded;
            if (ok && rec.nnz > 0 && rec.indices[rec.nnz - 1] >= d) {
              throw new RecordException("feature index " + (rec.indices[rec.nnz - 1] + 1)
                  + " is above the model's " + d + " features");
            }
          } catch (RecordException e) {
            throw new BadRecordException(file + ":" + line, e.getMessage());
          }
          if (ok) {
            return scorer.score(file, line, encoded);
          }
        }
        return null;
      });
    }, true);
  }

  private static String key(FileSplit s) {
    return s.getPath() + "@" + s.getStart();
  }

  /** The 1-based number of the first line of every split, by "file@start". */
  private static Map<String, Long> firstLineOfSplits(JavaSparkContext sc, JavaHadoopRDD<LongWritable, Text> lines) {
    sc.setJobDescription("count the lines of each input split");
    List<Tuple2<String, Long>> counts;
    try {
      counts = lines.mapPartitionsWithInputSplit((InputSplit split, Iterator<Tuple2<LongWritable, Text>> it) -> {
        long n = 0;
        for (; it.hasNext(); it.next()) {
          n++;
        }
        FileSplit fs = (FileSplit) split;
        return List.of(new Tuple2<>(fs.getPath() + "\n" + fs.getStart(), n)).iterator();
      }, true).collect();
    } finally {
      sc.setJobDescription(null);
    }
    Map<String, TreeMap<Long, Long>> byFile = new HashMap<>();
    for (Tuple2<String, Long> c : counts) {
      int nl = c._1().lastIndexOf('\n');
      byFile.computeIfAbsent(c._1().substring(0, nl), f -> new TreeMap<>())
          .put(Long.parseLong(c._1().substring(nl + 1)), c._2());
    }
    Map<String, Long> first = new HashMap<>();
    byFile.forEach((file, splits) -> {
      long line = 1;
      for (Map.Entry<Long, Long> s : splits.entrySet()) {
        first.put(file + "@" + s.getKey(), line);
        line += s.getValue();
      }
    });
    return first;
  }
}
