package dev.sparksgd.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.testing.Hang;
import dev.sparksgd.testing.SparkTestSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.TaskResultBlockId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import scala.collection.Seq;

/**
 * Large results through the block manager: the same values as collect(), in partition order, and
 * no block left behind. (ClusterIT covers the remote fetch from executors in other JVMs.)
 */
class BlockResultsTest {
  @AfterAll
  static void defaultSession() {
    SparkTestSession.get(); // back to the shared default, if a test changed the conf
  }

  private static List<Object> mixedValues() {
    Random r = new Random(3);
    List<Object> values = new ArrayList<>();
    for (int p = 0; p < 5; p++) {
      int n = p % 2 == 0 ? (1 << 18) + 4 : 100; // 2 MB (through blocks) and 800 bytes (direct)
      double[] v = new double[n];
      for (int i = 0; i < n; i++) {
        v[i] = r.nextGaussian();
      }
      values.add(v);
    }
    byte[] bytes = new byte[(int) BlockResults.MIN_BYTES + 1];
    r.nextBytes(bytes);
    values.add(bytes);
    values.add("a string goes as it is");
    return values;
  }

  private static List<BlockId> resultBlocks() {
    Seq<BlockId> ids = SparkEnv.get().blockManager().master()
        .getMatchingBlockIds(id -> id instanceof TaskResultBlockId, true);
    return new ArrayList<>(scala.collection.JavaConverters.seqAsJavaList(ids));
  }

  /** {@link #resultBlocks()} once it is empty, or after {@link Hang#BOUND}. */
  private static List<BlockId> resultBlocksOnceRemoved() {
    long deadline = System.nanoTime() + Hang.BOUND.toNanos();
    List<BlockId> left = resultBlocks();
    while (!left.isEmpty() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(10_000_000L);
      left = resultBlocks();
    }
    return left;
  }

  private static void assertSameValues(List<Object> expected, List<Object> got) {
    assertEquals(expected.size(), got.size());
    for (int i = 0; i < expected.size(); i++) {
      Object e = expected.get(i);
      if (e instanceof double[] d) {
        assertArrayEquals(d, (double[]) got.get(i), "partition " + i);
      } else if (e instanceof byte[] b) {
        assertArrayEquals(b, (byte[]) got.get(i), "partition " + i);
      } else {
        assertEquals(e, got.get(i), "partition " + i);
      }
    }
  }

  @Test
  void sameValuesInPartitionOrderAndNoBlockLeft() {
    JavaSparkContext sc = SparkTestSession.jsc();
    List<Object> values = mixedValues();
    JavaRDD<Object> rdd = sc.parallelize(values, values.size());
    // What the tasks return: handles for the large arrays only.
    List<Object> offered = rdd.map(BlockResults::offer).collect();
    for (int i = 0; i < values.size(); i++) {
      boolean large = BlockResults.sizeOf(values.get(i)) >= BlockResults.MIN_BYTES;
      assertEquals(large, offered.get(i) instanceof BlockResults.Handle, "partition " + i + ": " + offered.get(i));
    }
    assertEquals(4, resultBlocks().size(), "three 2 MB arrays and the bytes stored: " + resultBlocks());
    for (Object o : offered) {
      BlockResults.take(o);
    }
    assertEquals(List.of(), resultBlocks());

    assertSameValues(values, BlockResults.collect(rdd));
    assertEquals(List.of(), resultBlocks(), "taken blocks are removed");
  }

  @Test
  void offTheConfEverythingGoesWithTheStatusMessage() {
    try {
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(SparkTestSession.get(SparkTestSession.DEFAULT_MASTER,
          Map.of(BlockResults.CONF_ENABLED, "false")).sparkContext());
      JavaRDD<Object> rdd = sc.parallelize(mixedValues(), 7);
      rdd.map(BlockResults::offer).collect().forEach(o -> assertTrue(!(o instanceof BlockResults.Handle), o.toString()));
      assertSameValues(mixedValues(), BlockResults.collect(rdd));
      // Results above spark.task.maxDirectResultSize are Spark's own task result blocks, which the
      // driver removes asynchronously after fetching them: wait for that, bounded.
      assertEquals(List.of(), resultBlocksOnceRemoved());
    } finally {
      SparkTestSession.get();
    }
  }

  /**
   * A result that would not fit the free memory twice over goes in the status message: storing it
   * would have evicted a cached partition (here: 11 MiB of memory for execution and storage, 8 MiB
   * of it cached, five results of 2 MiB, none taken before the job ends).
   */
  @Test
  void aResultNeverEvictsCachedData() {
    long reserved = 300L << 20; // Spark's reserved system memory
    double fraction = (11L << 20) / (double) (Runtime.getRuntime().maxMemory() - reserved);
    try {
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(SparkTestSession.get(SparkTestSession.DEFAULT_MASTER,
          // As the application sets it: results in the status message up to 64 MB (Spark's 1 MB
          // default would put them in the block manager itself and evict the cache just the same).
          Map.of("spark.memory.fraction", String.valueOf(fraction), "spark.task.maxDirectResultSize", "64m"))
          .sparkContext());
      // Two 4 MiB partitions, cached one job after the other: two tasks unrolling at once could need
      // more than the 11 MiB (unrolling reserves up to 1.5 times the size), which made this flaky.
      JavaRDD<double[]> a = sc.parallelize(List.of(0), 1).map(i -> new double[1 << 19]).cache();
      JavaRDD<double[]> b = sc.parallelize(List.of(1), 1).map(i -> new double[1 << 19]).cache();
      assertEquals(1, a.count());
      assertEquals(1, b.count());
      assertEquals(2, cachedPartitions(sc, a.id()) + cachedPartitions(sc, b.id()), "both partitions cached before");
      List<Object> values = new ArrayList<>();
      for (int p = 0; p < 5; p++) {
        double[] v = new double[1 << 18];
        java.util.Arrays.fill(v, p);
        values.add(v);
      }
      JavaRDD<Object> rdd = sc.parallelize(values, values.size());
      assertSameValues(values, BlockResults.collect(rdd));
      assertEquals(2, cachedPartitions(sc, a.id()) + cachedPartitions(sc, b.id()), "both partitions still cached");
      rdd.map(BlockResults::offer).collect().forEach(o -> assertTrue(!(o instanceof BlockResults.Handle), o.toString()));
      assertEquals(List.of(), resultBlocks());
      a.unpersist(true);
      b.unpersist(true);
    } finally {
      SparkTestSession.get();
    }
  }

  private static int cachedPartitions(JavaSparkContext sc, int rddId) {
    for (org.apache.spark.storage.RDDInfo info : sc.sc().getRDDStorageInfo()) {
      if (info.id() == rddId) {
        return info.numCachedPartitions();
      }
    }
    return 0;
  }

  @Test
  void outsideATaskTheValueIsItself() {
    double[] v = new double[1 << 18];
    assertSame(v, BlockResults.offer(v));
    assertSame(v, BlockResults.take(v));
  }

  @Test
  void aHandleWhoseBlockIsGoneIsALostResult() {
    SparkTestSession.jsc();
    assertInstanceOf(BlockResults.LostResult.class,
        assertThrows(RuntimeException.class, () -> BlockResults.take(new BlockResults.Handle(987654321L))));
  }
}
