package dev.sparksgd.data;

import java.io.Serializable;
import org.apache.spark.rdd.PartitionCoalescer;

/**
 * A partition coalescer that {@code RDD.coalesce} accepts: it must be Scala's {@code Serializable},
 * which on this line (Scala 2.13) is Java's, on the other (Scala 2.12) an interface of its own; so
 * each line has this class in its own source folder (src/main/spark-LINE/java).
 */
abstract class SerializableCoalescer implements PartitionCoalescer, Serializable {
  private static final long serialVersionUID = 1L;
}
