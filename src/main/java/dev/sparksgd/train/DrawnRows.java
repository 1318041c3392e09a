package dev.sparksgd.train;

import dev.sparksgd.data.Block;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The rows one draw task sends to the driver, packed into one byte array: Java serialization
 * writes a byte array in bulk, but a double array one element at a time, which made a draw of
 * 200,000 rows × 20 features cost 200–270 ms instead of a few. Layout (little-endian): the number of
 * iterations; per iteration the number of blocks; per block sparse (byte), rows n, columns c,
 * weighted (byte), labels[n], weights[n] if weighted, then values[n·c] (dense) or
 * rowPtr[n+1], colIdx[nnz], values[nnz] (sparse).
 */
final class DrawnRows {
  private DrawnRows() {
  }

  static byte[] pack(Block[][] byIteration) {
    long size = 4;
    for (Block[] blocks : byIteration) {
      size += 4;
      for (Block b : blocks) {
        size += 10 + 8L * b.numRows * (b.weights == null ? 1 : 2);
        size += b.isSparse() ? 4L * (b.numRows + 1) + 12L * b.colIdx.length : 8L * b.values.length;
      }
    }
    if (size > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException("drawn rows of one partition exceed 2 GB; lower --prefetch-mb");
    }
    ByteBuffer bb = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
    bb.putInt(byIteration.length);
    for (Block[] blocks : byIteration) {
      bb.putInt(blocks.length);
      for (Block b : blocks) {
        bb.put((byte) (b.isSparse() ? 1 : 0)).putInt(b.numRows).putInt(b.numCols)
            .put((byte) (b.weights == null ? 0 : 1));
        putDoubles(bb, b.labels);
        if (b.weights != null) {
          putDoubles(bb, b.weights);
        }
        if (b.isSparse()) {
          putInts(bb, b.rowPtr);
          putInts(bb, b.colIdx);
        }
        putDoubles(bb, b.values);
      }
    }
    return bb.array();
  }

  static Block[][] unpack(byte[] packed) {
    ByteBuffer bb = ByteBuffer.wrap(packed).order(ByteOrder.LITTLE_ENDIAN);
    Block[][] out = new Block[bb.getInt()][];
    for (int i = 0; i < out.length; i++) {
      Block[] blocks = new Block[bb.getInt()];
      for (int j = 0; j < blocks.length; j++) {
        boolean sparse = bb.get() == 1;
        int n = bb.getInt();
        int c = bb.getInt();
        boolean weighted = bb.get() == 1;
        double[] labels = getDoubles(bb, n);
        double[] weights = weighted ? getDoubles(bb, n) : null;
        if (sparse) {
          int[] rowPtr = getInts(bb, n + 1);
          int[] colIdx = getInts(bb, rowPtr[n]);
          blocks[j] = Block.sparse(n, rowPtr, colIdx, getDoubles(bb, rowPtr[n]), labels, weights, false);
        } else {
          blocks[j] = Block.dense(n, c, getDoubles(bb, n * c), labels, weights, false);
        }
      }
      out[i] = blocks;
    }
    if (bb.hasRemaining()) {
      throw new IllegalStateException("drawn rows: " + bb.remaining() + " bytes left over");
    }
    return out;
  }

  private static void putDoubles(ByteBuffer bb, double[] a) {
    bb.asDoubleBuffer().put(a);
    bb.position(bb.position() + 8 * a.length);
  }

  private static void putInts(ByteBuffer bb, int[] a) {
    bb.asIntBuffer().put(a);
    bb.position(bb.position() + 4 * a.length);
  }

  private static double[] getDoubles(ByteBuffer bb, int n) {
    double[] a = new double[n];
    bb.asDoubleBuffer().get(a);
    bb.position(bb.position() + 8 * n);
    return a;
  }

  private static int[] getInts(ByteBuffer bb, int n) {
    int[] a = new int[n];
    bb.asIntBuffer().get(a);
    bb.position(bb.position() + 4 * n);
    return a;
  }
}
