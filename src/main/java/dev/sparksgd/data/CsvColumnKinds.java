package dev.sparksgd.data;

import dev.sparksgd.config.TrainConfig;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapred.TextInputFormat;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/**
 * --categorical-cols auto on CSV input: a pass over every row of every file finds the columns
 * (label and weight aside) with at least one non-empty cell that is not a finite number; those
 * are categorical, the others numeric. Rows that cannot be split into cells (an unbalanced
 * quote, too many fields) are left to the loading pass, which reports them.
 */
final class CsvColumnKinds {
  private CsvColumnKinds() {
  }

  /** The text columns of the CSV input {@code layout} describes, in header order. */
  static List<String> textColumns(JavaSparkContext sc, TrainConfig cfg, int partitions, CsvLayout layout) {
    JavaRDD<Tuple2<LongWritable, Text>> lines = sc.hadoopFile(cfg.dataPath, TextInputFormat.class,
        LongWritable.class, Text.class, partitions).rdd().toJavaRDD();
    int columns = layout.header.length;
    sc.setJobDescription("find the text columns of " + cfg.dataPath);
    boolean[] text;
    try {
      text = OrderedReduce.reduce(lines.mapPartitions(it -> {
        CsvParser parser = layout.parser(true);
        boolean[] t = new boolean[columns];
        while (it.hasNext()) {
          Tuple2<LongWritable, Text> kv = it.next();
          if (kv._1().get() == 0) {
            continue; // a file's header
          }
          String[] cells;
          try {
            cells = parser.cells(kv._2().toString());
          } catch (RecordException e) {
            continue;
          }
          for (int c = 0; cells != null && c < Math.min(cells.length, columns); c++) {
            if (!t[c] && c != layout.labelIndex && c != layout.weightIndex && cells[c] != null
                && !cells[c].isEmpty() && !CsvParser.isNumber(cells[c])) {
              t[c] = true;
            }
          }
        }
        return List.of(t).iterator();
      }), (a, b) -> {
        for (int c = 0; c < a.length; c++) {
          a[c] |= b[c];
        }
        return a;
      });
    } finally {
      sc.setJobDescription(null);
    }
    List<String> names = new ArrayList<>();
    for (int c = 0; c < columns; c++) {
      if (text[c]) {
        names.add(layout.header[c]);
      }
    }
    return names;
  }
}
