package dev.sparksgd.optim;

import java.util.Arrays;

/**
 * The lazy form of plain SGD with an L2 penalty whose weight differs by coordinate
 * ({@link WeightedElasticNet} without L1: ½·l2·Σ (f_j·w_j)², applied as the proximal step
 * w ← w/(1 + η·l2·f_j²)), with or without a gradient direction u (the centring of standardized
 * features). This is the penalty on the raw coefficients ({@code --standardization false}) seen
 * from the optimizer's standardized weights, where f_j = 1/s_j.
 *
 * <p>An untouched weight goes w ← (w − η_t·a_t·u_j)/(1 + η_t·c_j) in iteration t, with
 * c_j = l2·f_j² and a_t the iteration's factor along u. No factor is shared by every coordinate,
 * but one is by every coordinate with the same f_j: the coordinates are put in groups of equal
 * factor (hashed one-hot features of equal frequency share one; a few thousand groups for millions
 * of features), and each group g keeps P_g = Π_t 1/(1 + η_t·c_g) and Q_g = Σ_t η_t·a_t/P_g(t−1)
 * since its last rebase. A coordinate stores û_j with w_j = P_g·(û_j − u_j·Q_g), so an iteration
 * costs its touched coordinates plus a few operations per group, not per coordinate. Each group
 * also keeps Σ û_j², Σ û_j·u_j and Σ u_j² over its members, from which the norms the stopping
 * rules read follow without a pass over the weights.
 *
 * <p>A touched coordinate's state (û_j, u_j, the scale its raw coefficient is read with, its
 * group) is kept side by side in one array, so that reading or updating it costs one or two cache
 * lines: at millions of features nearly every touched coordinate's state is in memory, not in the
 * caches, and four arrays read at the same index cost four misses. Where the members of a group
 * also share u_j and the scale (hashed one-hot features of equal frequency do, up to the
 * rounding of their means, {@link #U_TOLERANCE}; a group of equal factor in which a few such pairs
 * mix is split by them) the entry is û_j and the group only, one cache line. Between a step and the next
 * {@link #flush} the weights live there, not in the parameter array.
 *
 * <p>A group is rebased (its members brought up to date, O(members)) after {@link #REFRESH_STEPS}
 * steps (its running sums drift), and when P falls below {@link #MIN_SCALE}. Unlike the other
 * forms it needs no bound on its factors' condition: a weight read as P·(û − u·Q) carries the
 * rounding of its two terms, P·û and P·u·Q, whatever P is. Q grows as 1/P, and a rounding of Q
 * at step s reaches the weight times P_t, so it decays by the group's factor per step as a
 * rounding in the dense update's own recursion w ← (w − η·a·u)/(1 + η·c) does; P·Q is the group's
 * accumulated pull along u, which that recursion carries too. So a stiff group (a factor that
 * shrinks a weight by 100× in one step) costs no more than any other, where a rebase at each step
 * would cost a pass over its members' state, a miss to memory per member at millions of features.
 * When the groups are more than {@link #MAX_GROUP_SHARE} of the weights (features of many
 * different scales, e.g. real-valued sparse features), grouping saves nothing and {@link #of}
 * returns null.
 */
final class GroupedShrink extends LazyUpdate {
  /** More groups than this share of the weights: the dense update costs no more. */
  static final double MAX_GROUP_SHARE = 0.25;
  /** Steps after which a group's running sums are summed afresh. */
  static final int REFRESH_STEPS = 4096;

  /**
   * The factor below which a group is rebased. A weight is P_g·(û_j − u_j·Q_g), as exact at any P
   * as at 1 (see above), so only the range limits it: û = w/P + u·Q and the sums of û² must stay
   * far from overflow, and w far from the subnormals.
   */
  static final double MIN_SCALE = 1e-100;

  /** Doubles per weight in {@link #state}: the full entry, and the compact one. */
  private static final int FULL = 4;
  private static final int COMPACT = 2;
  private static final int STORED = 0;
  /** In a full entry only. */
  private static final int U = 1;
  /** In a full entry only. */
  private static final int SCALE = 2;

  private final double weightedL2;
  private final double[] direction;
  /** The scales the raw coefficients are read with ({@link #currentScaled}), or null. */
  private final double[] scale;
  /**
   * Per weight j, at j·{@link #stride}: û_j (while attached), u_j (0 without a direction), the
   * scale (1 without), the group (a small integer, exact as a double). Where u_j and the scale
   * are the same for every member of a group, the entry is compact: û_j and the group only, 16
   * bytes, so that a weight's entry is one cache line (a 32-byte entry straddles two lines every
   * other weight) and the whole state half the bytes; u and the scale are then the group's.
   */
  private final double[] state;
  /** {@link #FULL} or {@link #COMPACT}; the group is the entry's last double. */
  private final int stride;
  /** With compact entries, each group's u (0 without a direction); else null. */
  private final double[] groupU;
  /** With compact entries, each group's scale (1 without scales); else null. */
  private final double[] groupScale;
  /** The weights by group: group g's are members[start[g] .. start[g+1]). */
  private final int[] members;
  private final int[] start;
  /** f of each group. */
  private final double[] factor;
  private final double[] p;
  private final double[] q;
  private final double[] sumUu;
  private final double[] sumUd;
  private final double[] sumDd;
  private final int[] age;
  /** Per group, within one step: the touched members' old and new sums. */
  private final double[] oldUu;
  private final double[] oldUd;
  private final double[] oldDd;
  private final double[] newUu;
  private final double[] newUd;
  private final double[] pNew;
  private final double[] qNew;
  private final double[] den;
  private boolean attached;
  private Norms norms;
  /**
   * The coordinates (the first {@link #gatheredCount}, −1 when the state has changed since) whose
   * stored weight, direction and group the last {@link #currentScaled} copied out in order
   * ({@link #gatheredStored}, {@link #gatheredU}, {@link #gatheredGroup}). A mini-batch's columns are read, summed, then stepped:
   * the step over the same columns reads the copies, in order, instead of the state a second time
   * (at millions of features most of those lines have left the caches by then, after the batch's
   * rows went through them), and only writes each stored weight back.
   */
  private int[] gatheredIdx = new int[0];
  private int gatheredCount = -1;
  private double[] gatheredStored = new double[0];
  private double[] gatheredU = new double[0];
  private int[] gatheredGroup = new int[0];

  private GroupedShrink(CoordinateWise opt, int numWeights, int numParams, double l2, int[] group,
      double[] factor, double[] direction, double[] scale, double[] groupU, double[] groupScale) {
    super(opt, numWeights, numParams, 0.0, 0.0); // the penalty is applied here, not by stepCurrent
    this.weightedL2 = l2;
    this.direction = direction;
    this.scale = scale;
    this.factor = factor;
    this.groupU = groupU;
    this.groupScale = groupScale;
    stride = groupScale != null ? COMPACT : FULL;
    state = new double[stride * numWeights];
    for (int j = 0; j < numWeights; j++) {
      if (stride == FULL) {
        state[FULL * j + U] = direction != null ? direction[j] : 0.0;
        state[FULL * j + SCALE] = scale != null ? scale[j] : 1.0;
      }
      state[stride * j + stride - 1] = group[j];
    }
    int groups = factor.length;
    start = new int[groups + 1];
    for (int g : group) {
      start[g + 1]++;
    }
    for (int g = 0; g < groups; g++) {
      start[g + 1] += start[g];
    }
    members = new int[numWeights];
    int[] fill = Arrays.copyOf(start, groups);
    for (int j = 0; j < numWeights; j++) {
      members[fill[group[j]]++] = j;
    }
    p = new double[groups];
    q = new double[groups];
    Arrays.fill(p, 1.0);
    sumUu = new double[groups];
    sumUd = new double[groups];
    sumDd = new double[groups];
    age = new int[groups];
    oldUu = new double[groups];
    oldUd = new double[groups];
    oldDd = new double[groups];
    newUu = new double[groups];
    newUd = new double[groups];
    pNew = new double[groups];
    qNew = new double[groups];
    den = new double[groups];
    if (direction != null) {
      for (int j = 0; j < numWeights; j++) {
        double u = directionAt(stride * j, group[j]);
        sumDd[group[j]] += u * u;
      }
    }
  }

  /** The most (u, scale) pairs a group of equal factor is split into for compact entries. */
  private static final int MAX_SPLIT = 8;
  /**
   * Directions this close (relative) count as one in a compact group. Features of equal
   * frequency have the same mean, but the statistics pass sums it in an order that depends on
   * where the rows lie, so their u = μ/s differ in the last bits; within a group they then move
   * along the first member's u, a difference at the rounding level of the statistics themselves.
   */
  static final double U_TOLERANCE = 1e-13;

  /**
   * Groups on which u and the scale are constant too, with each group's factor, u and scale (u and
   * scale null: full entries).
   */
  private record Split(int[] group, double[] factor, double[] u, double[] scale) {
  }

  /**
   * The groups of equal factor split further into groups of equal factor, u and scale (hashed
   * one-hot features of equal frequency have all three equal, and the constant features theirs),
   * or null where a group holds more than {@link #MAX_SPLIT} pairs or all groups more than
   * {@code maxGroups}: compact entries then save nothing.
   */
  private static Split split(int[] group, double[] factor, double[] direction, double[] scale, double maxGroups) {
    int groups = factor.length;
    int n = group.length;
    double[][] pairs = new double[groups][]; // per group: u0, s0, u1, s1, ... in order of first appearance
    int[] count = new int[groups];
    int[] out = new int[n]; // the pair's place within its group, then the split group
    int total = 0;
    for (int j = 0; j < n; j++) {
      int g = group[j];
      double u = direction != null ? direction[j] : 0.0;
      double sc = scale != null ? scale[j] : 1.0;
      double[] seen = pairs[g];
      int k = 0;
      while (k < count[g] && !(near(seen[2 * k], u) && same(seen[2 * k + 1], sc))) {
        k++;
      }
      if (k == count[g]) {
        if (k == MAX_SPLIT || ++total > maxGroups) {
          return null;
        }
        if (seen == null || seen.length == 2 * k) {
          pairs[g] = seen = seen == null ? new double[2] : Arrays.copyOf(seen, 4 * k);
        }
        seen[2 * k] = u;
        seen[2 * k + 1] = sc;
        count[g]++;
      }
      out[j] = k;
    }
    int[] first = new int[groups];
    double[] f = new double[total];
    double[] u = new double[total];
    double[] sc = new double[total];
    for (int g = 0, at = 0; g < groups; g++) {
      first[g] = at;
      for (int k = 0; k < count[g]; k++, at++) {
        f[at] = factor[g];
        u[at] = pairs[g][2 * k];
        sc[at] = pairs[g][2 * k + 1];
      }
    }
    for (int j = 0; j < n; j++) {
      out[j] += first[group[j]];
    }
    return new Split(out, f, u, sc);
  }

  private static boolean same(double a, double b) {
    return Double.doubleToRawLongBits(a) == Double.doubleToRawLongBits(b);
  }

  /** Equal, or within {@link #U_TOLERANCE} of each other relative to the larger. */
  private static boolean near(double a, double b) {
    return same(a, b) || Math.abs(a - b) <= U_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
  }

  /** Group of the weight whose entry is at {@code at}. */
  private int groupAt(int at) {
    return (int) state[at + stride - 1];
  }

  /** u_j of the weight whose entry is at {@code at}, of group g. */
  private double directionAt(int at, int g) {
    return stride == FULL ? state[at + U] : groupU[g];
  }

  /** The scale of the weight whose entry is at {@code at}, of group g. */
  private double scaleAt(int at, int g) {
    return stride == FULL ? state[at + SCALE] : groupScale[g];
  }

  /**
   * The form for plain SGD with {@code penalty} (no L1, the L2 part proximal) on {@code numWeights}
   * weights, or null when the penalty's factors take too many values to group.
   */
  static GroupedShrink of(CoordinateWise opt, WeightedElasticNet penalty, int numWeights, int numParams,
      double[] direction, double[] scale) {
    double[] f = penalty.factors();
    double[] distinct = Arrays.copyOf(f, numWeights);
    Arrays.sort(distinct);
    int n = 0;
    for (int i = 0; i < distinct.length; i++) {
      if (n == 0 || Double.compare(distinct[i], distinct[n - 1]) != 0) {
        distinct[n++] = distinct[i];
      }
    }
    double maxGroups = Math.max(1, MAX_GROUP_SHARE * numWeights);
    if (n > maxGroups) {
      return null;
    }
    double[] factor = Arrays.copyOf(distinct, n);
    int[] group = new int[numWeights];
    for (int j = 0; j < numWeights; j++) {
      group[j] = Arrays.binarySearch(factor, f[j]);
    }
    Split split = split(group, factor, direction, scale, maxGroups);
    if (split == null) { // full entries, on the groups of equal factor
      split = new Split(group, factor, null, null);
    }
    return new GroupedShrink(opt, numWeights, numParams, penalty.l2, split.group(), split.factor(), direction, scale,
        split.u(), split.scale());
  }

  @Override
  public String describe() {
    return " (the penalty's per-feature factors in " + factor.length + " groups of equal value; "
        + 8 * stride + " bytes of state per weight)";
  }

  /** Takes the weights from the parameters (current there: at the start or after a flush). */
  private void attach(double[] params) {
    if (!attached) {
      attached = true;
      gatheredCount = -1;
      Arrays.fill(sumUu, 0.0);
      Arrays.fill(sumUd, 0.0);
      for (int j = 0; j < numWeights; j++) {
        int at = stride * j;
        int g = groupAt(at);
        double w = params[j];
        state[at + STORED] = w;
        sumUu[g] += w * w;
        sumUd[g] += w * directionAt(at, g);
      }
    }
  }

  @Override
  public void step(double[] params, int[] idx, double[] g, int nnz, double along, double[] tail, double eta) {
    attach(params);
    int groups = factor.length;
    double penaltyBefore = 0;
    for (int k = 0; k < groups; k++) {
      double f = factor[k];
      den[k] = 1.0 + eta * weightedL2 * f * f;
      pNew[k] = p[k] / den[k];
      qNew[k] = direction != null ? q[k] + eta * along / p[k] : 0.0;
      penaltyBefore += f * f * groupSquares(p[k], q[k], sumUu[k], sumUd[k], sumDd[k]);
    }
    penaltyBefore *= 0.5 * weightedL2;
    if (!isGathered(idx, nnz)) {
      gather(params, idx, nnz, null, null);
    }
    gatheredCount = -1; // the loop below changes the stored weights
    double[] storedAt = gatheredStored;
    double[] uAt = gatheredU;
    int[] groupAt = gatheredGroup;
    double stepSq = 0;
    double gradSq = 0;
    double paramSq = 0;
    for (int k = 0; k < nnz; k++) {
      int gr = groupAt[k];
      double u = uAt[k];
      double stored = storedAt[k];
      double old = weight(gr, stored, u);
      oldUu[gr] += stored * stored;
      oldUd[gr] += stored * u;
      oldDd[gr] += u * u;
      double grad = direction != null ? g[k] + along * u : g[k];
      double f = factor[gr];
      double smooth = grad + weightedL2 * f * f * old;
      // The dense update's arithmetic: the optimizer's step, then the proximal step.
      double w = old - eta * grad;
      double soft = w > 0 ? w - 0.0 : w < 0 ? w + 0.0 : 0.0;
      double next = soft / den[gr];
      stepSq += (next - old) * (next - old);
      gradSq += smooth * smooth;
      paramSq += next * next;
      double back = next / pNew[gr] + u * qNew[gr];
      state[stride * idx[k] + STORED] = back;
      newUu[gr] += back * back;
      newUd[gr] += back * u;
    }
    for (int j = numWeights; j < numParams; j++) {
      double old = params[j];
      stepCurrent(params, j, tail[j - numWeights], eta);
      stepSq += (params[j] - old) * (params[j] - old);
      gradSq += tail[j - numWeights] * tail[j - numWeights];
      paramSq += params[j] * params[j];
    }
    // The untouched members of each group: w = P·(û − u·Q) before and after, smooth gradient
    // a·u + c·w before; their sums of squares follow from the group's sums less the touched ones'.
    double untouchedStep = 0;
    double untouchedGrad = 0;
    double untouchedParams = 0;
    for (int k = 0; k < groups; k++) {
      double uu = sumUu[k] - oldUu[k];
      double ud = sumUd[k] - oldUd[k];
      double dd = sumDd[k] - oldDd[k];
      double f = factor[k];
      double c = weightedL2 * f * f;
      double alpha = pNew[k] - p[k];
      double beta = pNew[k] * qNew[k] - p[k] * q[k];
      untouchedStep += alpha * alpha * uu - 2 * alpha * beta * ud + beta * beta * dd;
      double gamma = c * p[k];
      double delta = along - c * p[k] * q[k];
      untouchedGrad += gamma * gamma * uu + 2 * gamma * delta * ud + delta * delta * dd;
      untouchedParams += groupSquares(pNew[k], qNew[k], uu, ud, dd);
      sumUu[k] = uu + newUu[k];
      sumUd[k] = ud + newUd[k];
      oldUu[k] = 0;
      oldUd[k] = 0;
      oldDd[k] = 0;
      newUu[k] = 0;
      newUd[k] = 0;
      p[k] = pNew[k];
      q[k] = qNew[k];
      if (++age[k] >= REFRESH_STEPS || p[k] < MIN_SCALE) {
        rebase(k);
      }
    }
    stepSq += Math.max(0, untouchedStep);
    gradSq += Math.max(0, untouchedGrad);
    paramSq += Math.max(0, untouchedParams);
    norms = new Norms(Math.sqrt(stepSq), Math.sqrt(paramSq), Math.sqrt(gradSq), penaltyBefore);
  }

  /** Whether the gathered copies are those of coordinates idx[0..n), as they are now. */
  private boolean isGathered(int[] idx, int n) {
    return gatheredCount == n && Arrays.equals(gatheredIdx, 0, n, idx, 0, n);
  }

  private void reserveGathered(int n) {
    if (gatheredStored.length < n) {
      int size = Math.max(n, 2 * gatheredStored.length);
      gatheredStored = new double[size];
      gatheredU = new double[size];
      gatheredGroup = new int[size];
      gatheredIdx = new int[size];
    }
  }

  /**
   * Copies coordinates idx[0..n)'s stored weight, direction and group out, in order; and, unless
   * {@code out} is null, their weight times their scale into out and the scale into outScale.
   */
  private void gather(double[] params, int[] idx, int n, double[] out, double[] outScale) {
    reserveGathered(n);
    for (int from = 0; from < n; from += CHUNK) {
      int to = Math.min(n, from + CHUNK);
      touchState(params, idx, from, to);
      for (int k = from; k < to; k++) {
        int at = stride * idx[k];
        double stored = state[at + STORED];
        int g = groupAt(at);
        double u = directionAt(at, g);
        gatheredStored[k] = stored;
        gatheredU[k] = u;
        gatheredGroup[k] = g;
        if (out != null) {
          double s = scaleAt(at, g);
          out[k] = weight(g, stored, u) * s;
          outScale[k] = s;
        }
      }
    }
    System.arraycopy(idx, 0, gatheredIdx, 0, n);
    gatheredCount = n;
  }

  /** Σ w² over a group's members whose sums are uu, ud, dd, at factors p, q. */
  private static double groupSquares(double p, double q, double uu, double ud, double dd) {
    return p * p * (uu - 2 * q * ud + q * q * dd);
  }

  /** Brings group k's members up to date: P = 1, Q = 0, its sums afresh. */
  private void rebase(int k) {
    gatheredCount = -1;
    double uu = 0;
    double ud = 0;
    for (int m = start[k]; m < start[k + 1]; m++) {
      int at = stride * members[m];
      double u = directionAt(at, k);
      double w = p[k] * (state[at + STORED] - u * q[k]);
      state[at + STORED] = w;
      uu += w * w;
      ud += w * u;
    }
    p[k] = 1.0;
    q[k] = 0.0;
    sumUu[k] = uu;
    sumUd[k] = ud;
    age[k] = 0;
  }

  @Override
  public Norms lastNorms() {
    return norms;
  }

  @Override
  public boolean keepsNorms() {
    return true;
  }

  @Override
  public double current(double[] params, int j) {
    if (!attached) {
      return params[j];
    }
    int at = stride * j;
    return weightAt(at, groupAt(at));
  }

  /** The weight whose state is at {@code at} in {@link #state}, of group g. */
  private double weightAt(int at, int g) {
    return weight(g, state[at + STORED], directionAt(at, g));
  }

  /** The weight of group g stored as û with direction u: P_g·(û − u·Q_g). */
  private double weight(int g, double stored, double u) {
    return p[g] * (stored - u * q[g]);
  }

  @Override
  public void currentScaled(double[] params, int[] idx, int n, double[] scale, double[] out, double[] outScale) {
    if (!attached || scale != this.scale || scale == null) {
      super.currentScaled(params, idx, n, scale, out, outScale);
      return;
    }
    gather(params, idx, n, out, outScale);
  }

  @Override
  void touchState(double[] params, int[] idx, int from, int to) {
    if (attached) {
      touch(state, idx, stride, from, to);
    } else {
      touch(params, idx, from, to);
    }
  }

  @Override
  public double dotDirection(double[] params) {
    if (direction == null) {
      return 0.0;
    }
    attach(params);
    double v = 0;
    for (int k = 0; k < factor.length; k++) {
      v += p[k] * (sumUd[k] - q[k] * sumDd[k]);
    }
    return v;
  }

  @Override
  public void flush(double[] params) {
    if (!attached) {
      return;
    }
    for (int j = 0; j < numWeights; j++) {
      params[j] = current(params, j);
    }
    Arrays.fill(p, 1.0);
    Arrays.fill(q, 0.0);
    Arrays.fill(age, 0);
    gatheredCount = -1;
    attached = false; // the sums afresh when next needed, not here (the flush at the end needs none)
  }
}
