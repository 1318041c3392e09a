package dev.sparksgd.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.config.FeaturePrecision;
import dev.sparksgd.testing.SparkTestSession;
import org.junit.jupiter.api.Test;

/**
 * What --feature-precision float32 saves, as Spark's block manager measures the cached blocks (its
 * size estimate of the deserialized blocks, as the storage tab shows): dense rows take at most
 * 0.55× the float64 bytes, sparse rows at most 1.1× 8·N·(K+1) bytes (a float and an int per
 * non-zero, a double label per row).
 */
class CachedPrecisionTest {
  /** {memory bytes as Spark's storage info has them, the loader's array bytes, the float64-equivalent bytes}. */
  private static long[] cached(Generator gen, long rows, FeaturePrecision p) {
    Dataset ds = DataLoader.fromGenerator(SparkTestSession.jsc(), gen, rows, 2, p);
    try {
      long[] use = ds.cacheUse();
      assertEquals(0, use[1], "nothing on disk");
      return new long[] {use[0], ds.cachedBytes, ds.float64Bytes()};
    } finally {
      ds.release();
    }
  }

  @Test
  void float32BlocksTakeAboutHalfTheBytes() {
    long n = 20_000;
    Generator dense = new Generator(3, 100, 0, 0.1, 0.5);
    long[] d64 = cached(dense, n, FeaturePrecision.FLOAT64);
    long[] d32 = cached(dense, n, FeaturePrecision.FLOAT32);
    assertTrue(d32[0] <= 0.55 * d64[0], "dense: " + d32[0] + " vs " + d64[0]);
    assertTrue(d64[0] >= 8 * n * 101, "float64 dense holds 8·N·(D+1) bytes at least: " + d64[0]);
    assertEquals(d64[1], d32[2], "float64-equivalent bytes of the float32 blocks");
    assertEquals(d64[1] - 4 * n * 100, d32[1], "array bytes: 4 fewer per value");

    Generator sparse = new Generator(4, 1 << 18, 20, 0.1, 0.5);
    long[] s64 = cached(sparse, n, FeaturePrecision.FLOAT64);
    long[] s32 = cached(sparse, n, FeaturePrecision.FLOAT32);
    assertTrue(s32[0] <= 1.1 * 8 * n * 21, "sparse: " + s32[0] + " vs 8·N·(K+1) = " + 8 * n * 21);
    assertTrue(s32[0] < s64[0], "sparse: " + s32[0] + " vs " + s64[0]);
    assertEquals(s64[1], s32[2]);
    assertEquals(s64[1] - 4 * n * 20, s32[1]);
  }
}
