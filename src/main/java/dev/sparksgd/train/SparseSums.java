package dev.sparksgd.train;

import java.io.Serializable;

/**
 * A mini-batch's gradient sums in sparse form: Σ ω·ℓ'·x_j only for the columns j the batch's rows
 * touch (indexes ascending), and the scalar sums Σ ω·ℓ', Σ ω·ℓ, Σ ω and the row count. Merged in
 * partition order as the dense sums are ({@link Trainer#addInPlace}): an entry present on both
 * sides is a + b, one present on one side is that value (the dense sum adds 0 to it), so the
 * same bits.
 */
record SparseSums(int[] idx, double[] val, double derivSum, double lossSum, double weightSum, long rows)
    implements Serializable {

  static SparseSums merge(SparseSums a, SparseSums b) {
    if (a.idx == b.idx) { // over the same columns (a batch's, see BatchColumns): entry by entry
      double[] val = new double[a.val.length];
      for (int k = 0; k < val.length; k++) {
        val[k] = a.val[k] + b.val[k];
      }
      return new SparseSums(a.idx, val, a.derivSum + b.derivSum, a.lossSum + b.lossSum, a.weightSum + b.weightSum,
          a.rows + b.rows);
    }
    int[] idx = new int[a.idx.length + b.idx.length];
    double[] val = new double[idx.length];
    int i = 0;
    int k = 0;
    int n = 0;
    while (i < a.idx.length || k < b.idx.length) {
      if (k == b.idx.length || (i < a.idx.length && a.idx[i] < b.idx[k])) {
        idx[n] = a.idx[i];
        val[n++] = a.val[i++];
      } else if (i == a.idx.length || b.idx[k] < a.idx[i]) {
        idx[n] = b.idx[k];
        val[n++] = b.val[k++];
      } else {
        idx[n] = a.idx[i];
        val[n++] = a.val[i++] + b.val[k++];
      }
    }
    return new SparseSums(java.util.Arrays.copyOf(idx, n), java.util.Arrays.copyOf(val, n),
        a.derivSum + b.derivSum, a.lossSum + b.lossSum, a.weightSum + b.weightSum, a.rows + b.rows);
  }
}
