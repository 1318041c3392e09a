package dev.sparksgd.data;

import dev.sparksgd.config.CategoricalEncoding;
import dev.sparksgd.config.ConfigException;
import dev.sparksgd.config.DataFormat;
import dev.sparksgd.config.FeaturePrecision;
import dev.sparksgd.config.MissingMode;
import dev.sparksgd.config.TrainConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads LIBSVM, CSV or Parquet from any Hadoop path (file, directory, glob), validates every
 * record once, packs each partition into blocks (LIBSVM as CSR unless dense enough, CSV dense)
 * and caches them. Text input is spread over the partitions as contiguous ranges of lines in
 * file order ({@link RowRanges}), whatever its codec or files. Whether a row is held out depends
 * only on (seed, line number in the whole input) for text, (seed, file name, row index) for
 * Parquet, never on partitioning or where the files live.
 */
public final class DataLoader {
  private static final Logger LOG = LoggerFactory.getLogger(DataLoader.class);
  /**
   * Input per partition when the count is not given: text or Parquet turns into blocks of about
   * 0.5–1.5× its size, so a partition's blocks stay a few tens of MB. Spark unrolls, stores or
   * spills a partition as a whole: small ones let part of the data stay in memory when not all
   * fits, and up to 64 partitions are merged on the driver without a shuffle level.
   */
  static final long PARTITION_INPUT_BYTES = 64L << 20;

  private DataLoader() {
  }

  public static Dataset load(JavaSparkContext sc, TrainConfig cfg) {
    return load(sc, cfg, null);
  }

  /**
   * @param featureColumns for CSV input and Parquet input without a Vector column: the numeric
   *     feature columns to take by name, in any order (a model's; other columns are not read), or
   *     null for every numeric column but the label and weight
   */
  public static Dataset load(JavaSparkContext sc, TrainConfig cfg, String[] featureColumns) {
    return load(sc, cfg, featureColumns, null);
  }

  /**
   * @param featureColumns for CSV input and Parquet input without a Vector column: the numeric
   *     feature columns to take by name, in any order (a model's; other columns are not read), or
   *     null for every numeric column but the label and weight
   * @param missing how a model fills missing values (evaluating it), or null to follow
   *     {@code cfg.missing} (training: a statistics pass computes the fill values when needed)
   */
  public static Dataset load(JavaSparkContext sc, TrainConfig cfg, String[] featureColumns,
      MissingValues missing) {
    return load(sc, cfg, featureColumns, missing, null);
  }

  /**
   * @param featureColumns for CSV input and Parquet input without a Vector column: the numeric
   *     feature columns to take by name, in any order (a model's; other columns are not read), or
   *     null for every numeric column but the label and weight
   * @param missing how a model fills missing values (evaluating it), or null to follow
   *     {@code cfg.missing} (training: a statistics pass computes the fill values when needed)
   * @param encoder how a model encodes the categorical columns {@code cfg.categoricalCols}
   *     (evaluating it), or null to follow {@code cfg.encoding} (training: one-hot vocabularies
   *     come from a statistics pass)
   */
  public static Dataset load(JavaSparkContext sc, TrainConfig cfg, String[] featureColumns,
      MissingValues missing, CategoricalEncoder encoder) {
    Configuration hadoop = sc.hadoopConfiguration();
    List<FileStatus> input = listInputFiles(hadoop, cfg.dataPath);
    List<Path> files = new ArrayList<>();
    List<String> names = new ArrayList<>();
    long inputBytes = 0;
    for (FileStatus f : input) {
      files.add(f.getPath());
      names.add(f.getPath().getName());
      inputBytes += f.getLen();
    }
    DataFormat format = DataFormat.resolve(cfg.format, cfg.dataPath, names);
    int wanted = partitions(cfg.numPartitions, inputBytes, sc.defaultParallelism());
    boolean fillsMissing = missing != null || cfg.missing != MissingMode.FAIL;
    if ((!cfg.categoricalCols.isEmpty() || cfg.categoricalAuto || encoder != null) && format == DataFormat.LIBSVM) {
      throw new ConfigException("--categorical-cols needs CSV or Parquet input; " + cfg.dataPath + " is read as "
          + format.cliName() + " (give --format if it is CSV)");
    }
    if (format == DataFormat.PARQUET) {
      ParquetInput in = ParquetInput.open(cfg, true, featureColumns,
          encoder == null ? null : encoder.categoricalNames());
      if (fillsMissing && in.hasVectorColumn()) {
        throw new ConfigException("--missing fills numeric feature columns; the features of " + cfg.dataPath
            + " are the Vector column '" + cfg.featuresCol + "'");
      }
      String[] columns = in.featureNames();
      MissingValues fill = missingValues(sc, cfg, missing, columns,
          () -> in.blocks(cfg, null, true, null));
      String[] numeric = fill == null ? columns : fill.featureNames(columns);
      String[] categorical = in.categoricalNames();
      CategoricalEncoder coder = encoder != null || categorical.length == 0 ? encoder
          : encoder(sc, cfg, numeric, categorical, wanted, () -> in.trainingCategories(cfg, fillsMissing));
      Dataset ds = finish(sc, cfg, format, in.blocks(cfg, fill, fillsMissing, coder), wanted,
          coder != null ? coder.numFeatures() : fill == null ? in.numFeatures() : fill.numFeatures(),
          coder != null ? coder.featureNames() : numeric, null, null);
      ds.missing = fill;
      ds.encoder = coder;
      return ds;
    }
    if (cfg.weightCol != null && format == DataFormat.LIBSVM) {
      throw new ConfigException("--weight-col needs CSV or Parquet input; " + cfg.dataPath
          + " is read as LIBSVM, which has no named columns (give --format if it is CSV)");
    }
    if (fillsMissing && format == DataFormat.LIBSVM) {
      throw new ConfigException("--missing needs CSV or Parquet input; " + cfg.dataPath
          + " is read as LIBSVM, where a feature left out of a line is 0 (give --format if it is CSV)");
    }
    boolean csv = format == DataFormat.CSV;
    CsvLayout layout = null;
    int denseCols = 0;
    if (csv) {
      layout = CsvLayout.read(hadoop, files.get(0), cfg, true,
          encoder != null ? Arrays.asList(encoder.categoricalNames()) : cfg.categoricalCols, featureColumns);
      if (cfg.categoricalAuto && encoder == null) {
        List<String> text = CsvColumnKinds.textColumns(sc, cfg, wanted, layout);
        LOG.info("{}: categorical columns (those with a cell that is not a number): {}", cfg.dataPath, text);
        layout = CsvLayout.read(hadoop, files.get(0), cfg, true, text);
      }
      denseCols = layout.parser().numFeatures();
      if (cfg.numFeatures > 0 && cfg.numFeatures != denseCols) {
        throw new ConfigException("--num-features " + cfg.numFeatures + " but the CSV has "
            + denseCols + " feature columns");
      }
    }
    final CsvLayout fLayout = layout;
    final int fDenseCols = denseCols;
    final BadRecordPolicy badRecords = new BadRecordPolicy(cfg.badRecords, cfg.maxBadRecords);
    String[] columns = csv ? layout.parser().featureNames() : null;
    RowRanges lines = RowRanges.of(sc, cfg.dataPath, wanted, headerCheck(layout));
    // The statistics pass counts no bad records: the loading pass below does.
    MissingValues fill = missingValues(sc, cfg, missing, columns,
        () -> textBlocks(cfg, lines, fLayout, fDenseCols, null, true, null, badRecords, badRecords.newTally(sc)));
    String[] numeric = fill == null ? columns : fill.featureNames(columns);
    if (encoder != null && !Arrays.equals(numeric, encoder.numericNames())) {
      throw new ConfigException("--data " + cfg.dataPath + ": the numeric columns are " + String.join(",", numeric)
          + "; the model was trained on " + String.join(",", encoder.numericNames()));
    }
    CategoricalEncoder coder = encoder != null || !csv || layout.parser().categoricalNames().length == 0 ? encoder
        : encoder(sc, cfg, numeric, layout.parser().categoricalNames(), wanted,
            () -> trainingCategories(cfg, lines, fLayout, fillsMissing));
    BadRecordPolicy.Tally rejected = badRecords.newTally(sc);
    JavaRDD<Block> blocks = textBlocks(cfg, lines, layout, denseCols, fill, fillsMissing, coder,
        badRecords, rejected);
    Dataset ds = finish(sc, cfg, format, blocks, wanted,
        !csv ? -1 : coder != null ? coder.numFeatures() : fill == null ? denseCols : fill.numFeatures(),
        coder != null ? coder.featureNames() : numeric, badRecords, rejected);
    ds.missing = fill;
    ds.encoder = coder;
    LOG.info("{}: {}", cfg.dataPath, lines.how);
    return ds;
  }

  /**
   * The training encoder of the categorical columns {@code categorical} after the numeric features
   * {@code numeric}: hashing, or one-hot with the vocabularies counted in {@code rows} (the
   * training rows' categories).
   */
  private static CategoricalEncoder encoder(JavaSparkContext sc, TrainConfig cfg, String[] numeric,
      String[] categorical, int partitions, Supplier<JavaRDD<String[]>> rows) {
    if (cfg.encoding == CategoricalEncoding.HASH) {
      return new FeatureHashing(1 << cfg.hashBits, numeric, categorical);
    }
    return new OneHotEncoding(numeric, categorical, LevelCounts.vocabularies(sc, rows.get(), categorical,
        cfg.maxLevels, partitions, cfg.dataPath));
  }

  /**
   * The categories of the CSV training rows (held-out and bad records left out: the loading pass
   * reports those), for the statistics pass of one-hot encoding.
   */
  private static JavaRDD<String[]> trainingCategories(TrainConfig cfg, RowRanges input, CsvLayout layout,
      boolean allowMissing) {
    final boolean classification = cfg.loss.isClassification();
    final double holdoutFraction = cfg.validationFraction;
    final long seed = cfg.seed;
    return input.lines().mapPartitions((Iterator<RowRanges.Line> it) -> {
      CsvParser parser = layout.parser(allowMissing);
      int n = parser.categoricalNames().length;
      ParsedRecord rec = new ParsedRecord();
      return new Pull<>(() -> {
        while (it.hasNext()) {
          RowRanges.Line line = it.next();
          if (isHoldout(holdoutFraction, seed, line.index())) {
            continue;
          }
          String[] categories = new String[n];
          try {
            if (!parser.parse(line.text(), rec, categories)) {
              continue;
            }
            if (classification) {
              Labels.checkBinary(rec.label);
            }
          } catch (RecordException e) {
            continue;
          }
          return categories;
        }
        return null;
      });
    });
  }

  /**
   * The fill values: the model's ({@code given}), or none ({@code --missing fail}), or zero for
   * every column, or computed by a statistics pass over {@code raw} (blocks with NaN for missing).
   */
  private static MissingValues missingValues(JavaSparkContext sc, TrainConfig cfg, MissingValues given,
      String[] columns, Supplier<JavaRDD<Block>> raw) {
    if (given != null || cfg.missing == MissingMode.FAIL) {
      return given;
    }
    if (cfg.missing == MissingMode.ZERO && !cfg.missingIndicators) {
      return new MissingValues(new double[columns.length], new boolean[columns.length]);
    }
    return MissingValues.compute(sc, raw.get(), cfg.missing, cfg.missingIndicators, columns, cfg.dataPath);
  }

  /**
   * LIBSVM or CSV lines into blocks, each record validated.
   *
   * @param layout the CSV columns, or null for LIBSVM
   * @param fill the fill values of missing CSV cells, or null to leave them NaN (when allowed)
   * @param allowMissing whether an empty CSV feature cell is read (as NaN, then filled) or refused
   * @param encoder how the filled numbers and the categories of a CSV row become sparse
   *     features, or null to keep the numbers as dense features
   */
  private static JavaRDD<Block> textBlocks(TrainConfig cfg, RowRanges input, CsvLayout layout,
      int denseCols, MissingValues fill, boolean allowMissing, CategoricalEncoder encoder, BadRecordPolicy badRecords,
      BadRecordPolicy.Tally rejected) {
    final boolean classification = cfg.loss.isClassification();
    final int blockCols = encoder != null ? 0 : fill == null ? denseCols : fill.numFeatures();
    final int numFeaturesLimit = cfg.numFeatures;
    final double holdoutFraction = cfg.validationFraction;
    final long seed = cfg.seed;
    final FeaturePrecision precision = cfg.featurePrecision;
    return input.lines().mapPartitions((Iterator<RowRanges.Line> it) -> {
      LibsvmParser libsvm = layout == null ? new LibsvmParser(numFeaturesLimit) : null;
      CsvParser csvParser = layout == null ? null : layout.parser(allowMissing);
      String[] categories = layout == null ? null : new String[csvParser.categoricalNames().length];
      ParsedRecord rec = new ParsedRecord();
      ParsedRecord encoded = encoder == null ? null : new ParsedRecord();
      return new PartitionBlocks(layout == null || encoder != null, blockCols, precision, out -> {
        if (!it.hasNext()) {
          return false;
        }
        RowRanges.Line line = it.next();
        boolean ok;
        try {
          ok = csvParser != null ? csvParser.parse(line.text(), rec, categories) : libsvm.parse(line.text(), rec);
          if (ok && classification) {
            Labels.checkBinary(rec.label);
          }
        } catch (RecordException e) {
          badRecords.reject(input.file(line), line.offset(), e.getMessage(), rejected);
          return true;
        }
        if (ok) {
          if (fill != null) {
            fill.apply(rec);
          }
          if (encoder != null) {
            encoder.encode(rec, categories, encoded);
          }
          out.add(encoder != null ? encoded : rec, isHoldout(holdoutFraction, seed, line.index()));
        }
        return true;
      });
    });
  }

  /** Checks every CSV file's header line against the layout (null for LIBSVM). */
  private static RowRanges.HeaderCheck headerCheck(CsvLayout layout) {
    return layout == null ? null : (file, header) -> {
      try {
        layout.checkHeader(header);
      } catch (RecordException e) {
        throw new BadRecordException(LineLocator.describe(file, 0), e.getMessage());
      }
    };
  }

  /**
   * Partitions, caches and summarizes the blocks of any format.
   *
   * @param fixedNumFeatures the feature count the format fixes, or -1 to infer it (LIBSVM)
   * @param badRecords the text formats' bad-record policy and its tally; null for Parquet, whose
   *     bad values always fail
   */
  static Dataset finish(JavaSparkContext sc, TrainConfig cfg, DataFormat format, JavaRDD<Block> blocks,
      int wanted, int fixedNumFeatures, String[] featureNames, BadRecordPolicy badRecords,
      BadRecordPolicy.Tally rejected) {
    // Text input comes in exactly `wanted` row ranges; Parquet and DataFrames in their own partitions.
    if (blocks.getNumPartitions() > wanted) {
      blocks = blocks.coalesce(wanted, false);
    } else if (blocks.getNumPartitions() < wanted && cfg.numPartitions > 0) {
      LOG.warn("the Parquet or DataFrame input has only {} partitions; using {} partitions instead of {}",
          blocks.getNumPartitions(), blocks.getNumPartitions(), wanted);
    }
    blocks = blocks.persist(StorageLevel.fromString(cfg.storageLevel.cliName()));
    blocks.setName("spark-sgd blocks of " + cfg.dataPath);
    Summary summary = summarize(sc, blocks, "load and validate " + cfg.dataPath);
    RejectedRecords skipped = RejectedRecords.NONE;
    if (badRecords != null) {
      try {
        skipped = badRecords.check(rejected);
      } catch (BadRecordException e) {
        blocks.unpersist(false);
        throw e;
      }
    }
    int numFeatures = fixedNumFeatures >= 0 ? fixedNumFeatures
        : Math.max(cfg.numFeatures, summary.requiredFeatures);
    summary.stats.resize(numFeatures);
    if (summary.trainRows == 0) {
      blocks.unpersist(false);
      throw new ConfigException("--data " + cfg.dataPath + ": no training rows"
          + (summary.holdoutRows > 0 ? " (all " + summary.holdoutRows + " rows went to the holdout)"
          : skipped.count() > 0 ? " (all " + skipped.count() + " records were bad and skipped)" : " (the input is empty)"));
    }
    long[] use = Dataset.cacheUse(blocks);
    LOG.info("loaded {} training and {} holdout rows, {} features, {} partitions, {} MB of blocks "
        + "({} MB in memory, {} MB on disk, {})", summary.trainRows, summary.holdoutRows, numFeatures,
        blocks.getNumPartitions(), mb(summary.bytes), mb(use[0]), mb(use[1]), cfg.storageLevel.cliName());
    for (RejectedRecords.Sample r : skipped.samples()) {
      LOG.warn("skipped bad record {}", r.describe());
    }
    if (skipped.count() > 0) {
      LOG.warn("skipped {} bad record(s) in all (--bad-records skip, --max-bad-records {})",
          skipped.count(), cfg.maxBadRecords);
    }
    String encoding = null;
    if (cfg.loss.isClassification()) {
      try {
        encoding = Labels.encoding(summary.labelKinds, "--data " + cfg.dataPath);
      } catch (ConfigException e) {
        blocks.unpersist(false);
        throw e;
      }
    }
    Dataset ds = new Dataset(blocks, format, numFeatures, featureNames, summary.stats, summary.trainRows,
        summary.holdoutRows, summary.bytes, encoding, summary.trainLabelKinds);
    ds.rejected = skipped;
    ds.float64Bytes = summary.float64Bytes;
    return ds;
  }

  /**
   * The partition count: {@code --num-partitions} if given, else one partition per
   * {@link #PARTITION_INPUT_BYTES} of input and at least Spark's default parallelism. A pure
   * function of the input's size and the settings, never of the memory free at the time, so the
   * same data on the same master gives the same partitions and the same model bits, with any heap.
   */
  public static int partitions(JavaSparkContext sc, TrainConfig cfg) {
    long bytes = 0;
    for (FileStatus f : listInputFiles(sc.hadoopConfiguration(), cfg.dataPath)) {
      bytes += f.getLen();
    }
    return partitions(cfg.numPartitions, bytes, sc.defaultParallelism());
  }

  static int partitions(int numPartitions, long inputBytes, int defaultParallelism) {
    if (numPartitions > 0) {
      return numPartitions;
    }
    long bySize = (inputBytes + PARTITION_INPUT_BYTES - 1) / PARTITION_INPUT_BYTES;
    int wanted = (int) Math.max(defaultParallelism, Math.min(bySize, Integer.MAX_VALUE));
    if (wanted > defaultParallelism) {
      LOG.info("{} partitions: one per {} MB of the input's {} MB, more than Spark's default "
          + "parallelism {} (--num-partitions to choose)", wanted, PARTITION_INPUT_BYTES >> 20,
          String.format("%.1f", inputBytes / 1048576.0), defaultParallelism);
    }
    return wanted;
  }

  /**
   * Whether line {@code index} of text input (its number among all the input's lines in file
   * order, CSV headers left out) is held out: the same rows give the same holdout however they
   * are compressed or cut into files.
   */
  static boolean isHoldout(double fraction, long seed, long index) {
    return isHoldout(fraction, seed, 0, index);
  }

  /** Whether the row at {@code position} (row index) of a Parquet file or DataFrame part is held out. */
  static boolean isHoldout(double fraction, long seed, long fileNameHash, long position) {
    return fraction > 0
        && Seeds.unitInterval(Seeds.derive(seed, 0x486f6c64L, fileNameHash, position)) < fraction;
  }

  /**
   * Rows 0 … rows−1 of {@code gen}, made and packed into cached blocks on the executors with the
   * same block building as {@link #load} (no files): partition p holds rows [rows·p/P, rows·(p+1)/P).
   * For benchmarks. The format of the returned data set is null.
   */
  public static Dataset fromGenerator(JavaSparkContext sc, Generator gen, long rows, int numPartitions) {
    return fromGenerator(sc, gen, rows, numPartitions, FeaturePrecision.FLOAT64);
  }

  /** {@link #fromGenerator(JavaSparkContext, Generator, long, int)} with the values stored at {@code precision}. */
  public static Dataset fromGenerator(JavaSparkContext sc, Generator gen, long rows, int numPartitions,
      FeaturePrecision precision) {
    int parts = numPartitions > 0 ? numPartitions : sc.defaultParallelism();
    int d = gen.numFeatures();
    boolean sparse = !gen.isDense();
    JavaRDD<Block> blocks = sc.parallelize(partitionIds(parts), parts).mapPartitions(it -> {
      ParsedRecord rec = new ParsedRecord();
      long[] next = {0, 0}; // the next row to make and the end of the current range
      return new PartitionBlocks(sparse, d, precision, out -> {
        while (next[0] == next[1]) {
          if (!it.hasNext()) {
            return false;
          }
          int p = it.next();
          next[0] = rows * p / parts;
          next[1] = rows * (p + 1) / parts;
        }
        gen.row(next[0]++, rec);
        out.add(rec, false);
        return true;
      });
    }).persist(StorageLevel.MEMORY_AND_DISK());
    blocks.setName("spark-sgd blocks of generated rows");
    Summary summary = summarize(sc, blocks, "generate " + rows + " rows x " + d + " features");
    summary.stats.resize(d);
    Dataset ds = new Dataset(blocks, null, d, null, summary.stats, summary.trainRows, 0, summary.bytes);
    ds.float64Bytes = summary.float64Bytes;
    return ds;
  }

  private static String mb(long bytes) {
    return String.format("%.1f", bytes / 1e6);
  }

  /** 0 … n−1, one per partition of a parallelized list. */
  public static List<Integer> partitionIds(int n) {
    List<Integer> ids = new ArrayList<>(n);
    for (int p = 0; p < n; p++) {
      ids.add(p);
    }
    return ids;
  }

  /** The load pass over freshly persisted blocks: materializes the cache and gathers the summary. */
  private static Summary summarize(JavaSparkContext sc, JavaRDD<Block> blocks, String description) {
    sc.setJobDescription(description);
    try {
      return OrderedReduce.reduce(blocks.mapPartitions(it -> {
        Summary s = new Summary();
        while (it.hasNext()) {
          s.add(it.next());
        }
        s.finish();
        return List.of(s).iterator();
      }), Summary::merge);
    } finally {
      sc.setJobDescription(null);
    }
  }

  /** The data files a path names (a file, a directory's visible files, or a glob's matches). */
  public static List<Path> listInput(Configuration hadoop, String dataPath) {
    List<Path> files = new ArrayList<>();
    listInputFiles(hadoop, dataPath).forEach(f -> files.add(f.getPath()));
    return files;
  }

  /** {@link #listInput}, with each file's status (its length). */
  static List<FileStatus> listInputFiles(Configuration hadoop, String dataPath) {
    try {
      Path path = new Path(dataPath);
      FileSystem fs = path.getFileSystem(hadoop);
      FileStatus[] matches = fs.globStatus(path);
      if (matches == null || matches.length == 0) {
        throw new ConfigException("--data: no such file or directory: " + dataPath);
      }
      List<FileStatus> files = new ArrayList<>();
      long bytes = 0;
      for (FileStatus m : matches) {
        FileStatus[] inside = m.isDirectory() ? fs.listStatus(m.getPath()) : new FileStatus[] {m};
        for (FileStatus f : inside) {
          String name = f.getPath().getName();
          if (f.isFile() && !name.startsWith("_") && !name.startsWith(".")) {
            files.add(f);
            bytes += f.getLen();
          }
        }
      }
      if (files.isEmpty()) {
        throw new ConfigException("--data: " + dataPath + " holds no data files");
      }
      if (bytes == 0) {
        throw new ConfigException("--data: " + dataPath + " is empty");
      }
      files.sort((a, b) -> a.getPath().compareTo(b.getPath()));
      return files;
    } catch (IOException e) {
      throw new ConfigException("--data: cannot read " + dataPath + ": " + e.getMessage(), e);
    }
  }

  /**
   * The column names of {@code cfg.dataPath}: its first CSV file's header or its Parquet schema;
   * null for LIBSVM, which names none. A header that cannot be split gives no names (the load
   * pass reports it).
   */
  public static List<String> columnNames(JavaSparkContext sc, TrainConfig cfg) {
    Configuration hadoop = sc.hadoopConfiguration();
    List<Path> files = listInput(hadoop, cfg.dataPath);
    List<String> names = new ArrayList<>();
    files.forEach(f -> names.add(f.getName()));
    switch (DataFormat.resolve(cfg.format, cfg.dataPath, names)) {
      case PARQUET:
        return Arrays.asList(ParquetInput.frame(cfg).schema().fieldNames());
      case CSV: {
        String line = firstLine(hadoop, files.get(0));
        try {
          return line == null ? List.of() : Arrays.asList(CsvParser.splitHeader(line, cfg.csvDelimiter));
        } catch (RecordException e) {
          return List.of();
        }
      }
      default:
        return null;
    }
  }

  static String firstLine(Configuration hadoop, Path file) {
    try {
      FileSystem fs = file.getFileSystem(hadoop);
      CompressionCodec codec = new CompressionCodecFactory(hadoop).getCodec(file);
      InputStream raw = fs.open(file);
      try (BufferedReader r = new BufferedReader(new InputStreamReader(
          codec == null ? raw : codec.createInputStream(raw), StandardCharsets.UTF_8))) {
        return r.readLine();
      }
    } catch (IOException e) {
      throw new ConfigException("--data: cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** What the load pass learns from each partition. */
  static final class Summary implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    FeatureStats stats = new FeatureStats(0);
    /** The training blocks' statistics while the partition is read ({@link #finish} sets stats). */
    private transient FeatureStats.Accumulator accumulator;
    long trainRows;
    long holdoutRows;
    long bytes;
    /** {@link #bytes} as 8-byte feature values would take (see {@link Dataset#float64Bytes}). */
    long float64Bytes;
    int requiredFeatures;
    /** {@link Labels#kinds} of every row, and of the training rows. */
    int labelKinds;
    int trainLabelKinds;

    void add(Block b) {
      bytes += b.sizeInBytes();
      float64Bytes += b.sizeInBytes() - b.values.sizeInBytes() + 8L * b.values.length();
      requiredFeatures = Math.max(requiredFeatures, b.requiredFeatures());
      int kinds = Labels.kinds(b.labels);
      labelKinds |= kinds;
      if (b.holdout) {
        holdoutRows += b.numRows;
      } else {
        trainRows += b.numRows;
        trainLabelKinds |= kinds;
        if (accumulator == null) {
          accumulator = new FeatureStats.Accumulator();
        }
        accumulator.add(b);
      }
    }

    /** After the partition's last block: its training blocks' statistics into {@link #stats}. */
    void finish() {
      if (accumulator != null) {
        stats = accumulator.finish();
        accumulator = null;
      }
    }

    Summary merge(Summary o) {
      stats.merge(o.stats);
      trainRows += o.trainRows;
      holdoutRows += o.holdoutRows;
      bytes += o.bytes;
      float64Bytes += o.float64Bytes;
      requiredFeatures = Math.max(requiredFeatures, o.requiredFeatures);
      labelKinds |= o.labelKinds;
      trainLabelKinds |= o.trainLabelKinds;
      return this;
    }
  }
}
