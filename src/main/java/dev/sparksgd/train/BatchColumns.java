package dev.sparksgd.train;

import dev.sparksgd.data.Block;
import dev.sparksgd.loss.Loss;
import java.util.Arrays;

/**
 * The columns of a mini-batch whose rows are known on the driver, numbered 0…n−1 in ascending
 * order, so that the batch's coefficients and gradient sums live in arrays of n entries instead of
 * d. At millions of features each read or write of a d-long array at a row's column misses the
 * caches and the TLB; the batch's columns (a bit per feature, 4M features in 512 KiB) and the
 * compact arrays stay in the caches, and the position of column j is the count of marked columns
 * before it (a prefix count per 64-bit word, then a popcount).
 *
 * <p>{@link Sums} adds rows as {@link SparseAccumulator} does (the same kernels, each coordinate's
 * contributions in row order), so each entry has the same bits; an entry of a column the rows
 * summed did not touch stays +0.0, which adds nothing when the partitions' sums are merged (a sum
 * that starts at +0.0 is never −0.0).
 */
final class BatchColumns {
  /** A bit per feature: the batch's columns while numbered, all clear otherwise. */
  private final long[] marks;
  /** Per word of marks: the marked columns in the words before it (valid for marked words). */
  private final int[] before;
  private int[] columns = new int[0];
  /** Where {@link #number} writes the columns before they are copied out. */
  private int[] scratch = new int[64];
  private boolean numbered;

  BatchColumns(int numFeatures) {
    marks = new long[(numFeatures + 63) >>> 6];
    before = new int[marks.length];
  }

  /** Marks the columns of sparse row i of b. */
  void mark(Block b, int i) {
    for (int k = b.rowPtr[i]; k < b.rowPtr[i + 1]; k++) {
      int j = b.colIdx[k];
      marks[j >>> 6] |= 1L << j;
    }
  }

  /**
   * Numbers the marked columns in ascending order; returns them (a new array, the batch's sums'
   * indexes). Positions are valid until {@link #clear}.
   *
   * <p>One pass over the words: at millions of features most words are empty and most of the
   * others hold one mark, so a word's first mark is written and counted without a branch (an empty
   * word writes a slot the next mark overwrites) and only its further marks loop; a loop per word
   * would stop at an unpredictable count in most of them.
   */
  int[] number() {
    int[] out = scratch;
    int n = 0;
    for (int w = 0; w < marks.length; w++) {
      if (out.length - n <= 64) {
        out = Arrays.copyOf(out, Math.max(2 * out.length, n + 65));
      }
      long m = marks[w];
      before[w] = n;
      out[n] = (w << 6) + Long.numberOfTrailingZeros(m);
      n += (int) ((m | -m) >>> 63);
      m &= m - 1;
      while (m != 0) {
        out[n++] = (w << 6) + Long.numberOfTrailingZeros(m);
        m &= m - 1;
      }
    }
    scratch = out;
    int[] cols = Arrays.copyOf(out, n);
    columns = cols;
    numbered = true;
    return cols;
  }

  /** The columns whose bits are set in marks, ascending, into out (as long as their count). */
  static void marked(long[] marks, int[] out) {
    int k = 0;
    for (int w = 0; w < marks.length; w++) {
      long m = marks[w];
      while (m != 0) {
        out[k++] = (w << 6) + Long.numberOfTrailingZeros(m);
        m &= m - 1;
      }
    }
  }

  /** The position of marked column j among the numbered columns. */
  int position(int j) {
    int w = j >>> 6;
    return before[w] + Long.bitCount(marks[w] & ((1L << j) - 1));
  }

  /** Clears the marks (of the numbered columns, or all when the batch was not numbered). */
  void clear() {
    if (numbered) {
      for (int j : columns) {
        marks[j >>> 6] = 0L;
      }
    } else {
      Arrays.fill(marks, 0L);
    }
    numbered = false;
    columns = new int[0];
  }

  /**
   * The batch of {@code parts} planned: its columns marked, numbered and cleared again, and the
   * position of every non-zero's column among them, at the non-zero's offset in its block: what
   * the sums need from the numbering, computed apart from them (on another thread while the
   * previous batch is summed), so that the sums read a position instead of looking it up in the
   * marks and the prefix counts.
   */
  Plan plan(Block[][] parts) {
    for (Block[] part : parts) {
      for (Block b : part) {
        int[] idx = b.colIdx;
        for (int k = b.rowPtr[0], end = b.rowPtr[b.numRows]; k < end; k++) {
          int j = idx[k];
          marks[j >>> 6] |= 1L << j;
        }
      }
    }
    int[] cols = number();
    int[][][] positions = new int[parts.length][][];
    for (int p = 0; p < parts.length; p++) {
      positions[p] = new int[parts[p].length][];
      for (int q = 0; q < parts[p].length; q++) {
        Block b = parts[p][q];
        int[] idx = b.colIdx;
        int end = b.rowPtr[b.numRows];
        int[] pos = new int[end];
        for (int k = b.rowPtr[0]; k < end; k++) {
          pos[k] = position(idx[k]);
        }
        positions[p][q] = pos;
      }
    }
    clear();
    return new Plan(parts, cols, positions);
  }

  /**
   * A batch's rows by partition and, when they are all sparse, their numbered columns and the
   * positions of their non-zeros ({@link #plan}); {@code columns} is null otherwise.
   */
  static final class Plan {
    final Block[][] parts;
    final int[] columns;
    /** [partition][block]: the position of each non-zero's column, at its offset in the block. */
    final int[][][] positions;

    Plan(Block[][] parts, int[] columns, int[][][] positions) {
      this.parts = parts;
      this.columns = columns;
      this.positions = positions;
    }

    /** Rows that are not all sparse: no columns to plan. */
    static Plan unplanned(Block[][] parts) {
      return new Plan(parts, null, null);
    }
  }

  /** A partition's sums over the numbered columns (positions looked up here). */
  Sums sums(double[] coef, double intercept, Loss loss) {
    return new Sums(this, columns, coef, intercept, loss);
  }

  /** A partition's sums over the columns of a {@link Plan}, whose positions come with the rows. */
  static Sums sums(int[] columns, double[] coef, double intercept, Loss loss) {
    return new Sums(null, columns, coef, intercept, loss);
  }

  /** A partition's sums over a batch's numbered columns: coefficients and sums n long. */
  static final class Sums {
    /** Where {@link #add(Block, int)} looks positions up; null when they come with the rows. */
    private final BatchColumns numbering;
    private final int[] columns;
    private final double[] coef;
    private final double intercept;
    private final Loss loss;
    private final double[] val;
    /** Positions of the current row's columns, at the row's offsets in its block. */
    private int[] pos = new int[0];
    private double derivSum;
    private double lossSum;
    private double weightSum;
    private long rows;

    private Sums(BatchColumns numbering, int[] columns, double[] coef, double intercept, Loss loss) {
      this.numbering = numbering;
      this.columns = columns;
      this.val = new double[columns.length];
      this.coef = coef;
      this.intercept = intercept;
      this.loss = loss;
    }

    /** Row i of sparse block b (its columns numbered), as {@link SparseAccumulator#add} adds it. */
    void add(Block b, int i) {
      int from = b.rowPtr[i];
      int to = b.rowPtr[i + 1];
      if (pos.length < to) {
        pos = new int[Math.max(to, b.colIdx.length)];
      }
      for (int k = from; k < to; k++) {
        pos[k] = numbering.position(b.colIdx[k]);
      }
      add(b, i, pos);
    }

    /** Row i of sparse block b, its columns' positions in {@code pos} at the row's offsets in b. */
    void add(Block b, int i, int[] pos) {
      int from = b.rowPtr[i];
      int to = b.rowPtr[i + 1];
      double m = b.values.sparseDot(pos, from, to, coef) + intercept;
      double y = b.labels[i];
      double w = b.weight(i);
      double dl = w * loss.derivative(m, y);
      b.values.sparseAxpy(dl, pos, from, to, val);
      derivSum += dl;
      lossSum += w * loss.value(m, y);
      weightSum += w;
      rows++;
    }

    /** The sums, indexed by the numbered columns. */
    SparseSums finish() {
      return new SparseSums(columns, val, derivSum, lossSum, weightSum, rows);
    }
  }
}
