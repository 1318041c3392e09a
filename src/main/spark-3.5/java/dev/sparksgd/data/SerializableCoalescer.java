package dev.sparksgd.data;

import org.apache.spark.rdd.PartitionCoalescer;

/**
 * A partition coalescer that {@code RDD.coalesce} accepts: it must be Scala's {@code Serializable},
 * which on this line (Scala 2.12) is its own interface, on the other (Scala 2.13) Java's; so each
 * line has this class in its own source folder (src/main/spark-LINE/java).
 */
abstract class SerializableCoalescer implements PartitionCoalescer, scala.Serializable {
  private static final long serialVersionUID = 1L;
}
