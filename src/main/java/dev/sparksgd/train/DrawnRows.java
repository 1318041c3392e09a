package dev.sparksgd.train;

import dev.sparksgd.data.Block;
import dev.sparksgd.data.FeatureValues;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The rows one draw task sends to the driver (or one partition's cached blocks, {@link Partitions}),
 * packed into one byte array: Java serialization
 * writes a byte array in bulk but a graph of small blocks object by object, which made a draw of
 * 200,000 rows × 20 features cost 200–270 ms. Layout (little-endian): the number of iterations;
 * per iteration the number of blocks; per block sparse (int 0/1), float values (int 0/1), rows n,
 * columns c, flags (int: 1 weighted, 2 holdout), labels[n], weights[n] if weighted, then values[n·c]
 * (dense) or rowPtr[n+1], colIdx[nnz], values[nnz] (sparse), the values as 8-byte doubles or 4-byte
 * floats. Written and read through byte-array views (plain 8- and 4-byte
 * moves once compiled).
 */
final class DrawnRows {
  private static final VarHandle DOUBLE = MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private static final int WEIGHTED = 1;
  private static final int HOLDOUT = 2;

  private DrawnRows() {
  }

  static byte[] pack(Block[][] byIteration) {
    long size = 4;
    for (Block[] blocks : byIteration) {
      size += 4;
      for (Block b : blocks) {
        size += 20 + 8L * b.numRows * (b.weights == null ? 1 : 2) + b.values.sizeInBytes();
        size += b.isSparse() ? 4L * (b.numRows + 1) + 4L * b.colIdx.length : 0;
      }
    }
    if (size > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException("drawn rows of one partition exceed 2 GB; lower --prefetch-mb");
    }
    byte[] out = new byte[(int) size];
    int at = putInt(out, 0, byIteration.length);
    for (Block[] blocks : byIteration) {
      at = putInt(out, at, blocks.length);
      for (Block b : blocks) {
        at = putInt(out, at, b.isSparse() ? 1 : 0);
        at = putInt(out, at, b.values instanceof FeatureValues.Floats ? 1 : 0);
        at = putInt(out, at, b.numRows);
        at = putInt(out, at, b.numCols);
        at = putInt(out, at, (b.weights == null ? 0 : WEIGHTED) | (b.holdout ? HOLDOUT : 0));
        at = putDoubles(out, at, b.labels);
        if (b.weights != null) {
          at = putDoubles(out, at, b.weights);
        }
        if (b.isSparse()) {
          at = putInts(out, at, b.rowPtr);
          at = putInts(out, at, b.colIdx);
        }
        at = putValues(out, at, b.values);
      }
    }
    if (at != out.length) {
      throw new IllegalStateException("drawn rows: packed " + at + " of " + out.length + " bytes");
    }
    return out;
  }

  static Block[][] unpack(byte[] in) {
    int[] at = {0};
    Block[][] out = new Block[getInt(in, at)][];
    for (int i = 0; i < out.length; i++) {
      Block[] blocks = new Block[getInt(in, at)];
      for (int j = 0; j < blocks.length; j++) {
        boolean sparse = getInt(in, at) == 1;
        boolean floats = getInt(in, at) == 1;
        int n = getInt(in, at);
        int c = getInt(in, at);
        int flags = getInt(in, at);
        boolean weighted = (flags & WEIGHTED) != 0;
        boolean holdout = (flags & HOLDOUT) != 0;
        double[] labels = getDoubles(in, at, n);
        double[] weights = weighted ? getDoubles(in, at, n) : null;
        if (sparse) {
          int[] rowPtr = getInts(in, at, n + 1);
          int[] colIdx = getInts(in, at, rowPtr[n]);
          blocks[j] = Block.sparse(n, rowPtr, colIdx, getValues(in, at, rowPtr[n], floats), labels, weights, holdout);
        } else {
          blocks[j] = Block.dense(n, c, getValues(in, at, n * c, floats), labels, weights, holdout);
        }
      }
      out[i] = blocks;
    }
    if (at[0] != in.length) {
      throw new IllegalStateException("drawn rows: " + (in.length - at[0]) + " bytes left over");
    }
    return out;
  }

  private static int putInt(byte[] out, int at, int v) {
    INT.set(out, at, v);
    return at + 4;
  }

  private static int putInts(byte[] out, int at, int[] a) {
    for (int v : a) {
      INT.set(out, at, v);
      at += 4;
    }
    return at;
  }

  private static int putDoubles(byte[] out, int at, double[] a) {
    for (double v : a) {
      DOUBLE.set(out, at, v);
      at += 8;
    }
    return at;
  }

  private static int putValues(byte[] out, int at, FeatureValues v) {
    if (v instanceof FeatureValues.Doubles d) {
      return putDoubles(out, at, d.array);
    }
    for (float f : ((FeatureValues.Floats) v).array) {
      FLOAT.set(out, at, f);
      at += 4;
    }
    return at;
  }

  private static FeatureValues getValues(byte[] in, int[] at, int n, boolean floats) {
    if (!floats) {
      return FeatureValues.of(getDoubles(in, at, n));
    }
    float[] a = new float[n];
    int p = at[0];
    for (int i = 0; i < n; i++, p += 4) {
      a[i] = (float) FLOAT.get(in, p);
    }
    at[0] = p;
    return FeatureValues.of(a);
  }

  private static int getInt(byte[] in, int[] at) {
    int v = (int) INT.get(in, at[0]);
    at[0] += 4;
    return v;
  }

  private static int[] getInts(byte[] in, int[] at, int n) {
    int[] a = new int[n];
    int p = at[0];
    for (int i = 0; i < n; i++, p += 4) {
      a[i] = (int) INT.get(in, p);
    }
    at[0] = p;
    return a;
  }

  private static double[] getDoubles(byte[] in, int[] at, int n) {
    double[] a = new double[n];
    int p = at[0];
    for (int i = 0; i < n; i++, p += 8) {
      a[i] = (double) DOUBLE.get(in, p);
    }
    at[0] = p;
    return a;
  }
}
