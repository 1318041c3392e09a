package dev.sparksgd.optim;

import java.util.Arrays;

/**
 * The optimizer's step and the penalty's (gradient of the L2 part, optimizer step, proximal L1
 * step, averaging: the trainer's order) for a loss gradient that touches few coordinates, at a cost
 * in the touched coordinates instead of all of them, with the parameters the dense update gives.
 *
 * <p>The "just-in-time" trick of sparse SGD (Bottou's sgd, scikit-learn's {@code wscale}): what an
 * untouched weight goes through in one iteration (L2 shrinkage, momentum decay, RMSprop's decay of
 * its mean square, the averaging sum, the L1 threshold) does not depend on the data, so many
 * iterations of it collapse into one factor, applied when the coordinate is next touched, read or
 * {@link #flush flushed}. Two forms:
 *
 * <ul>
 *   <li>{@code Shrink} (plain SGD with L1, Adagrad with L1 and no L2): an untouched weight goes
 *       |w| ← max(0, a_t·|w| − c·η_t·l1) with a_t = 1 − η_t·l2, and c its own step factor (1 for
 *       SGD, 1/(√G + ε) for Adagrad, whose G does not move while the gradient is 0). These maps
 *       compose: after iterations s+1…r, |w| = max(0, P_r·(|w_s|/P_s − c·(Q_r − Q_s))) with
 *       P_r = Π a_t and Q_r = Σ η_t·l1/P_t, kept once for all coordinates.
 *   <li>{@code Linear} (plain SGD, momentum and Nesterov with L2, RMSprop and Adagrad without a
 *       penalty, any of these with averaging, all without L1): an untouched coordinate's state
 *       s = (w, optimizer state…, averaging sum) moves by s ← A_t·s with a small matrix A_t the same
 *       for every coordinate; each coordinate holds ŝ = P⁻¹·s with P the product of the A_t, so
 *       s = P·ŝ at any time.
 * </ul>
 *
 * A penalty whose weight differs by coordinate has a third form, {@link GroupedShrink}.
 *
 * <p>Both rebase (bring every coordinate up to date, O(d)) when their factors' condition reaches
 * {@link #MAX_CONDITION}, so the rounding stays near the dense update's (agreement to 1e-12 is
 * tested). The linear form also keeps the Gram matrix Σ_j ŝ_j·ŝ_jᵀ, from which the norms the
 * stopping rules read ({@link #lastNorms}) and w·direction follow without a pass over the weights. Adam (its step moves an untouched weight by m/√v, not linear in the state), and L2 with
 * Adagrad or RMSprop, L1 with momentum or RMSprop, and L1 with averaging (the penalty's gradient
 * or threshold then depends on the coordinate's own state every iteration) have no such form:
 * {@link #of} returns null and the caller uses the dense update.
 *
 * <p>Between flushes the parameter array and the optimizer's state are in this class's form (only
 * the entries after the weights, the intercept and a loss's own parameters, are current): read a
 * weight with {@link #current}, and {@link #flush} before anything else reads them.
 */
public abstract class LazyUpdate {
  /** Rebase once the catch-up factors are this ill-conditioned (their rounding grows with it). */
  static final double MAX_CONDITION = 1e2;
  /**
   * Coordinates per {@link #touchState} ahead of the per-coordinate loops: their cache lines of a
   * few state arrays fit the L2 cache.
   */
  static final int CHUNK = 512;

  final CoordinateWise opt;
  /** Where {@link #touch} leaves what it read (nothing reads it). */
  private long sink;
  final int numWeights;
  final int numParams;
  final double l1;
  final double l2;

  LazyUpdate(CoordinateWise opt, int numWeights, int numParams, double l1, double l2) {
    this.opt = opt;
    this.numWeights = numWeights;
    this.numParams = numParams;
    this.l1 = l1;
    this.l2 = l2;
    opt.stateArrays(numParams);
  }

  /**
   * The lazy form of {@code optimizer} with {@code reg} on the first {@code numWeights} of
   * {@code numParams} parameters, starting from the optimizer's current state; null when the pair
   * has none (see the class comment).
   */
  public static LazyUpdate of(Optimizer optimizer, Regularizer reg, int numWeights, int numParams) {
    return of(optimizer, reg, numWeights, numParams, null);
  }

  /**
   * As {@link #of(Optimizer, Regularizer, int, int)}, for loss gradients that have besides their
   * sparse part a dense part along a fixed {@code direction} (numWeights long, or null for none):
   * the centring of standardized features, whose gradient in weight j has −μ_j/σ_j times the mean
   * loss derivative. Only the linear form carries it (an adaptive optimizer's accumulator or the L1
   * threshold would depend on it nonlinearly).
   */
  public static LazyUpdate of(Optimizer optimizer, Regularizer reg, int numWeights, int numParams,
      double[] direction) {
    return of(optimizer, reg, numWeights, numParams, direction, null);
  }

  /**
   * As {@link #of(Optimizer, Regularizer, int, int, double[])}, for a caller that reads the weights
   * times {@code scale} ({@link #currentScaled}; null for none): a form may keep the scales beside
   * its own per-coordinate state.
   */
  public static LazyUpdate of(Optimizer optimizer, Regularizer reg, int numWeights, int numParams,
      double[] direction, double[] scale) {
    double l1 = 0;
    double l2 = 0;
    Averaged avg = optimizer instanceof Averaged a ? a : null;
    Optimizer inner = avg != null ? avg.inner() : optimizer;
    if (!(inner instanceof CoordinateWise cw)) {
      return null;
    }
    if (reg instanceof WeightedElasticNet wen) {
      return wen.l1 == 0 && wen.l2Proximal() && avg == null && inner instanceof Sgd
          ? GroupedShrink.of(cw, wen, numWeights, numParams, direction, scale) : null;
    } else if (reg instanceof ElasticNet en) {
      l1 = en.l1;
      l2 = en.l2;
    } else if (reg != Regularizer.NONE) {
      return null;
    }
    boolean adaptive = inner instanceof Adagrad || inner instanceof RmsProp;
    if (adaptive && (l2 != 0 || direction != null)) {
      return null;
    }
    if (l1 != 0 && direction == null && avg == null && (inner instanceof Sgd || inner instanceof Adagrad)) {
      return new Shrink(cw, numWeights, numParams, l1, l2);
    }
    if (l1 == 0) {
      return new Linear(cw, avg, numWeights, numParams, l2, direction);
    }
    return null;
  }

  /**
   * One iteration with the loss gradient {@code g[k]} at weight {@code idx[k]} (k < nnz, indexes
   * ascending, below numWeights; the other weights' loss gradient is 0) and {@code tail} at the
   * parameters after the weights. The penalty's gradient is added here, as the dense update does.
   */
  public final void step(double[] params, int[] idx, double[] g, int nnz, double[] tail, double eta) {
    step(params, idx, g, nnz, 0.0, tail, eta);
  }

  /**
   * One iteration whose loss gradient at weight j is {@code along}·direction[j], plus {@code g[k]}
   * where j = idx[k]; see {@link #step(double[], int[], double[], int, double[], double)}.
   */
  public abstract void step(double[] params, int[] idx, double[] g, int nnz, double along, double[] tail,
      double eta);

  /** Σ_j w_j·direction[j] over the weights now (0 without a direction). */
  public double dotDirection(double[] params) {
    return 0.0;
  }

  /**
   * What the stopping rules read about the last {@link #step}, as the dense update gives them up to
   * rounding: ‖Δparams‖, ‖params‖ after it, the norm of the smooth gradient (loss plus penalty) at
   * the parameters before it, and the penalty's value there.
   */
  public record Norms(double step, double params, double gradient, double penaltyBefore) {
  }

  /**
   * The last step's {@link Norms} without visiting every coordinate, or null when this form cannot
   * tell them so (with an L1 penalty: flush and compute them from the parameters).
   */
  public Norms lastNorms() {
    return null;
  }

  /** Whether {@link #lastNorms} tells the norms after every step (else it is null: with L1). */
  public boolean keepsNorms() {
    return false;
  }

  /** What the log says of this form besides that it runs (empty, or a parenthesis). */
  public String describe() {
    return "";
  }

  /** Weight j's value now. */
  public abstract double current(double[] params, int j);

  /**
   * out[k] = {@link #current(double[], int) current}(params, idx[k]) for k < n, in that order
   * (indexes ascending, as a batch's columns).
   */
  public final void current(double[] params, int[] idx, int n, double[] out) {
    for (int from = 0; from < n; from += CHUNK) {
      int to = Math.min(n, from + CHUNK);
      touchState(params, idx, from, to);
      for (int k = from; k < to; k++) {
        out[k] = current(params, idx[k]);
      }
    }
  }

  /**
   * out[k] = {@link #current(double[], int) current}(params, idx[k])·scale[idx[k]] and
   * outScale[k] = scale[idx[k]] for k < n (indexes ascending); scale not null.
   */
  public void currentScaled(double[] params, int[] idx, int n, double[] scale, double[] out, double[] outScale) {
    current(params, idx, n, out);
    for (int k = 0; k < n; k++) {
      double s = scale[idx[k]];
      outScale[k] = s;
      out[k] *= s;
    }
  }

  /**
   * Reads coordinates idx[from..to)'s entries of the parameters and of the state this form keeps
   * per coordinate, ahead of a loop over them: see {@link #touch}.
   */
  abstract void touchState(double[] params, int[] idx, int from, int to);

  /**
   * Reads a[idx[k]] for from ≤ k < to, changing nothing. At millions of coordinates nearly every
   * coordinate's state is in memory, not in the caches, and a per-coordinate loop as long as the
   * update's waits for its misses one at a time; this loop is so short that the core keeps many
   * of them in flight, and the update that follows finds the lines in the cache.
   */
  final void touch(double[] a, int[] idx, int from, int to) {
    long x = 0;
    for (int k = from; k < to; k++) {
      x ^= Double.doubleToRawLongBits(a[idx[k]]);
    }
    sink ^= x;
  }

  /** {@link #touch(double[], int[], int, int)} for an array of {@code stride} doubles per coordinate. */
  final void touch(double[] a, int[] idx, int stride, int from, int to) {
    long x = 0;
    for (int k = from; k < to; k++) {
      x ^= Double.doubleToRawLongBits(a[stride * idx[k]]);
    }
    sink ^= x;
  }

  /** {@link #touch(double[], int[], int, int)} for an int array. */
  final void touch(int[] a, int[] idx, int from, int to) {
    long x = 0;
    for (int k = from; k < to; k++) {
      x ^= a[idx[k]];
    }
    sink ^= x;
  }

  /** Brings every parameter and the optimizer's state to what the dense updates would hold. */
  public abstract void flush(double[] params);

  /** Coordinate j's optimizer step and penalty, all of it current (as the dense update does it). */
  final void stepCurrent(double[] params, int j, double lossGrad, double eta) {
    boolean weight = j < numWeights;
    double g = weight && l2 != 0 ? lossGrad + l2 * params[j] : lossGrad;
    opt.stepAt(params, j, g, eta);
    if (weight && l1 != 0) {
      params[j] = ElasticNet.softThreshold(params[j], opt.effectiveStepAt(j, eta) * l1);
    }
  }

  /** The dense update, for an iteration whose factor cannot be folded in (flushed before). */
  final void denseStep(double[] params, int[] idx, double[] g, int nnz, double along, double[] direction,
      double[] tail, double eta) {
    int k = 0;
    for (int j = 0; j < numWeights; j++) {
      double lossGrad = (k < nnz && idx[k] == j ? g[k++] : 0.0) + (direction != null ? along * direction[j] : 0.0);
      stepCurrent(params, j, lossGrad, eta);
    }
    for (int j = numWeights; j < numParams; j++) {
      stepCurrent(params, j, tail[j - numWeights], eta);
    }
  }

  /** Plain SGD with any penalty, Adagrad without L2; no averaging. */
  static final class Shrink extends LazyUpdate {
    /** Iterations since the last rebase before one is forced (the size of P and Q). */
    static final int CAPACITY = 1 << 16;
    private final double[] p = new double[CAPACITY];
    private final double[] q = new double[CAPACITY];
    /** The iteration (since the rebase) each weight's value in params is as of. */
    private final int[] last;
    private int r;

    Shrink(CoordinateWise opt, int numWeights, int numParams, double l1, double l2) {
      super(opt, numWeights, numParams, l1, l2);
      last = new int[numWeights];
      p[0] = 1.0;
    }

    @Override
    public void step(double[] params, int[] idx, double[] g, int nnz, double along, double[] tail, double eta) {
      double a = 1.0 - eta * l2;
      if (!(a > 0)) { // the shrinkage flips signs: the maps no longer compose
        flush(params);
        denseStep(params, idx, g, nnz, 0.0, null, tail, eta);
        return;
      }
      if (r + 1 == CAPACITY || p[r] * a < 1.0 / MAX_CONDITION) {
        flush(params);
      }
      p[r + 1] = p[r] * a;
      q[r + 1] = q[r] + eta * l1 / p[r + 1];
      for (int k = 0; k < nnz; k++) {
        if (k % CHUNK == 0) {
          touchState(params, idx, k, Math.min(nnz, k + CHUNK));
        }
        int j = idx[k];
        catchUp(params, j, r);
        stepCurrent(params, j, g[k], eta);
        last[j] = r + 1;
      }
      for (int j = numWeights; j < numParams; j++) {
        stepCurrent(params, j, tail[j - numWeights], eta);
      }
      r++;
    }

    private void catchUp(double[] params, int j, int to) {
      int s = last[j];
      if (s == to) {
        return;
      }
      double w = params[j];
      if (w != 0) {
        double m = Math.abs(w) / p[s] - opt.effectiveStepAt(j, 1.0) * (q[to] - q[s]);
        params[j] = m > 0 ? Math.copySign(p[to] * m, w) : 0.0;
      }
      last[j] = to;
    }

    @Override
    public double current(double[] params, int j) {
      catchUp(params, j, r);
      return params[j];
    }

    @Override
    void touchState(double[] params, int[] idx, int from, int to) {
      touch(params, idx, from, to);
      touch(last, idx, from, to);
      for (double[] state : opt.stateArrays(numParams)) {
        touch(state, idx, from, to);
      }
    }

    @Override
    public void flush(double[] params) {
      for (int j = 0; j < numWeights; j++) {
        catchUp(params, j, r);
      }
      Arrays.fill(last, 0);
      r = 0;
    }
  }

  /**
   * Momentum/Nesterov with L2, RMSprop and Adagrad without a penalty, and those or SGD averaged;
   * SGD and momentum also with a gradient direction.
   */
  static final class Linear extends LazyUpdate {
    private final Averaged averaged;
    /**
     * The state's columns: params, the optimizer's arrays, the averaging sum (when averaging), the
     * direction (when given; constant, never rewritten).
     */
    private final double[][] cols;
    private final int width;
    /** Columns rewritten when a coordinate is stored (all but the direction). */
    private final int stored;
    private final int sumCol;
    private final int dirCol;
    private final double[] sum;
    private final double[] direction;
    /** Σ_j ŝ_j·ŝ_jᵀ over the weights (direction column included), kept as coordinates change. */
    private final double[][] gram;
    private Norms norms;
    private long steps;
    private boolean attached;
    private double[][] prod;
    private double[][] prodInv;
    private final double[] s;

    Linear(CoordinateWise opt, Averaged averaged, int numWeights, int numParams, double l2, double[] direction) {
      super(opt, numWeights, numParams, 0.0, l2);
      this.averaged = averaged;
      this.direction = direction;
      double[][] state = opt.stateArrays(numParams);
      sumCol = averaged != null ? 1 + state.length : -1;
      dirCol = direction != null ? 1 + state.length + (averaged != null ? 1 : 0) : -1;
      width = 1 + state.length + (averaged != null ? 1 : 0) + (direction != null ? 1 : 0);
      stored = direction != null ? width - 1 : width;
      cols = new double[width][];
      System.arraycopy(state, 0, cols, 1, state.length);
      if (averaged != null) {
        steps = averaged.steps();
        sum = new double[numParams];
        double[] mean = averaged.average();
        long n = counted(steps);
        if (mean != null) {
          for (int j = 0; j < numParams; j++) {
            sum[j] = mean[j] * n;
          }
        }
        cols[sumCol] = sum;
      } else {
        sum = null;
      }
      if (direction != null) {
        if (direction.length != numWeights) {
          throw new IllegalArgumentException("direction has " + direction.length + " entries, weights " + numWeights);
        }
        cols[dirCol] = direction;
      }
      gram = new double[width][width];
      prod = identity(width);
      prodInv = identity(width);
      s = new double[width];
    }

    /** Iterates in the average after {@code n} steps. */
    private long counted(long n) {
      return Math.max(0, n - averaged.start() + 1);
    }

    /** Takes {@code params} as the weights' column (the dot products summed on first use). */
    private void attach(double[] params) {
      cols[0] = params;
      if (!attached) {
        attached = true;
        rebase();
      }
    }

    /**
     * What one iteration does to an untouched weight's state: its loss gradient is
     * along·direction[j], and the penalty's λ·w.
     */
    private double[][] transition(double eta, double along, boolean averages) {
      double[][] a = identity(width);
      Optimizer inner = averaged != null ? averaged.inner() : (Optimizer) opt;
      if (inner instanceof Momentum m) {
        double mu = m.mu();
        // g = λw + along·u; v ← μv + g; w ← w − η·v, or w − η·(g + μv) for Nesterov (v the new one)
        a[1][0] = l2;
        a[1][1] = mu;
        a[0][0] = m.nesterov() ? 1 - eta * l2 * (1 + mu) : 1 - eta * l2;
        a[0][1] = m.nesterov() ? -eta * mu * mu : -eta * mu;
        if (dirCol >= 0) {
          a[1][dirCol] = along;
          a[0][dirCol] = m.nesterov() ? -eta * (1 + mu) * along : -eta * along;
        }
      } else if (inner instanceof RmsProp rms) {
        a[1][1] = rms.rho(); // no penalty, no direction: w stays, the mean square decays
      } else {
        a[0][0] = 1 - eta * l2; // SGD (Adagrad only without a penalty and direction: all stays)
        if (dirCol >= 0) {
          a[0][dirCol] = -eta * along;
        }
      }
      if (averages) {
        for (int c = 0; c < width; c++) {
          if (c != sumCol) {
            a[sumCol][c] = a[0][c]; // the sum gains the new w
          }
        }
      }
      return a;
    }

    @Override
    public void step(double[] params, int[] idx, double[] g, int nnz, double along, double[] tail, double eta) {
      attach(params);
      long after = steps + 1;
      boolean averages = averaged != null && counted(after) > 0;
      double[][] a = transition(eta, along, averages);
      double[][] aInv = invert(a);
      if (aInv == null || condition(a, aInv) > MAX_CONDITION) {
        flush(params);
        attach(params); // the Gram matrix summed afresh now: this step reads it
        double[] old = params.clone();
        double penaltyBefore = 0.5 * l2 * squares(old, 0, numWeights);
        double[] full = new double[numParams];
        for (int j = 0; j < numWeights; j++) {
          full[j] = (direction != null ? along * direction[j] : 0.0) + l2 * old[j];
        }
        for (int k = 0; k < nnz; k++) {
          full[idx[k]] += g[k];
        }
        System.arraycopy(tail, 0, full, numWeights, numParams - numWeights);
        denseStep(params, idx, g, nnz, along, direction, tail, eta);
        addToSum(params, 0, numParams, averages);
        rebase();
        double stepSq = 0;
        for (int j = 0; j < numParams; j++) {
          stepSq += (params[j] - old[j]) * (params[j] - old[j]);
        }
        norms = new Norms(Math.sqrt(stepSq), Math.sqrt(squares(params, 0, numParams)),
            Math.sqrt(squares(full, 0, numParams)), penaltyBefore);
        advance(after);
        return;
      }
      double[][] next = multiply(a, prod);
      double[][] nextInv = multiply(prodInv, aInv);
      if (condition(next, nextInv) > MAX_CONDITION) {
        flush(params);
        attach(params); // the Gram matrix summed afresh now: this step reads it
        next = a;
        nextInv = aInv;
      }
      double[] rowBefore = prod[0].clone();
      double penaltyBefore = 0.5 * l2 * form(gram, rowBefore, rowBefore);
      double[][] untouched = new double[width][];
      for (int c = 0; c < width; c++) {
        untouched[c] = gram[c].clone();
      }
      double stepSq = 0;
      double gradSq = 0;
      double paramSq = 0;
      if (width == 1) {
        // Plain SGD (no state of its own, no averaging, no direction): the loop below with its
        // 1×1 matrices as scalars, the same operations in the same order (the same bits).
        double p = prod[0][0];
        double q = nextInv[0][0];
        double gramSum = gram[0][0];
        double untouchedSum = untouched[0][0];
        for (int k = 0; k < nnz; k++) {
          if (k % CHUNK == 0) {
            touchState(params, idx, k, Math.min(nnz, k + CHUNK));
          }
          int j = idx[k];
          double stored = params[j];
          params[j] = 0.0 + p * stored; // load(j, prod)
          gramSum += -1 * stored * stored; // addOuter(…, s, -1)
          untouchedSum += -1 * stored * stored;
          double old = params[j];
          double grad = g[k];
          double smooth = l2 != 0 ? grad + l2 * old : grad;
          stepCurrent(params, j, grad, eta);
          stepSq += (params[j] - old) * (params[j] - old);
          gradSq += smooth * smooth;
          paramSq += params[j] * params[j];
          params[j] = 0.0 + q * params[j]; // load(j, nextInv)
          gramSum += 1 * params[j] * params[j]; // addOuter(gram, s, 1)
        }
        gram[0][0] = gramSum;
        untouched[0][0] = untouchedSum;
      } else {
        for (int k = 0; k < nnz; k++) {
          if (k % CHUNK == 0) {
            touchState(params, idx, k, Math.min(nnz, k + CHUNK));
          }
          int j = idx[k];
          double u = direction != null ? direction[j] : 0.0;
          load(j, prod); // s: ŝ_j, the columns: its state now
          addOuter(gram, s, -1);
          addOuter(untouched, s, -1);
          double old = params[j];
          double grad = direction != null ? g[k] + along * u : g[k];
          double smooth = l2 != 0 ? grad + l2 * old : grad;
          stepCurrent(params, j, grad, eta);
          if (averages) {
            sum[j] += params[j];
          }
          stepSq += (params[j] - old) * (params[j] - old);
          gradSq += smooth * smooth;
          paramSq += params[j] * params[j];
          load(j, nextInv);
          for (int c = 0; c < width; c++) {
            s[c] = cols[c][j];
          }
          addOuter(gram, s, 1);
        }
      }
      for (int j = numWeights; j < numParams; j++) {
        double old = params[j];
        stepCurrent(params, j, tail[j - numWeights], eta);
        stepSq += (params[j] - old) * (params[j] - old);
        gradSq += tail[j - numWeights] * tail[j - numWeights];
        paramSq += params[j] * params[j];
      }
      addToSum(params, numWeights, numParams, averages);
      // The untouched weights: w = p·ŝ before (p = row 0 of P) and after, smooth gradient
      // (λ·p_before + along·e_u)·ŝ; their sums of squares are quadratic forms in their Gram matrix.
      double[] rowAfter = next[0];
      double[] delta = new double[width];
      double[] smooth = new double[width];
      for (int c = 0; c < width; c++) {
        delta[c] = rowAfter[c] - rowBefore[c];
        smooth[c] = l2 * rowBefore[c];
      }
      if (dirCol >= 0) {
        smooth[dirCol] += along;
      }
      stepSq += Math.max(0, form(untouched, delta, delta));
      gradSq += Math.max(0, form(untouched, smooth, smooth));
      paramSq += Math.max(0, form(untouched, rowAfter, rowAfter));
      norms = new Norms(Math.sqrt(stepSq), Math.sqrt(paramSq), Math.sqrt(gradSq), penaltyBefore);
      prod = next;
      prodInv = nextInv;
      advance(after);
    }

    @Override
    public Norms lastNorms() {
      return norms;
    }

    @Override
    public boolean keepsNorms() {
      return true;
    }

    /** xᵀ·m·y. */
    private static double form(double[][] m, double[] x, double[] y) {
      double v = 0;
      for (int r = 0; r < x.length; r++) {
        double row = 0;
        for (int c = 0; c < y.length; c++) {
          row += m[r][c] * y[c];
        }
        v += x[r] * row;
      }
      return v;
    }

    /** m += sign·x·xᵀ. */
    private static void addOuter(double[][] m, double[] x, int sign) {
      for (int r = 0; r < x.length; r++) {
        for (int c = 0; c < x.length; c++) {
          m[r][c] += sign * x[r] * x[c];
        }
      }
    }

    private void addToSum(double[] params, int from, int to, boolean averages) {
      if (averages) {
        for (int j = from; j < to; j++) {
          sum[j] += params[j];
        }
      }
    }

    private void advance(long after) {
      steps = after;
      if (averaged != null) {
        averaged.setLazyState(steps, averaged.average());
      }
    }

    /** Replaces coordinate j's entries s in the (stored) columns by m·s, leaving the old s in {@link #s}. */
    private void load(int j, double[][] m) {
      for (int c = 0; c < width; c++) {
        s[c] = cols[c][j];
      }
      for (int row = 0; row < stored; row++) {
        double v = 0;
        for (int c = 0; c < width; c++) {
          v += m[row][c] * s[c];
        }
        cols[row][j] = v;
      }
    }

    @Override
    public double current(double[] params, int j) {
      attach(params);
      double v = 0;
      for (int c = 0; c < width; c++) {
        v += prod[0][c] * cols[c][j];
      }
      return v;
    }

    @Override
    void touchState(double[] params, int[] idx, int from, int to) {
      attach(params);
      for (double[] col : cols) {
        touch(col, idx, from, to);
      }
    }

    @Override
    public double dotDirection(double[] params) {
      if (direction == null) {
        return 0.0;
      }
      attach(params);
      double v = 0;
      for (int c = 0; c < width; c++) {
        v += prod[0][c] * gram[c][dirCol];
      }
      return v;
    }

    @Override
    public void flush(double[] params) {
      attach(params);
      // P = I (every step since the rebase left untouched coordinates as they were: plain SGD or
      // Adagrad without a penalty or direction): each ŝ_j is its state already, and the pass,
      // which would rewrite every coordinate, is skipped.
      if (!isIdentity(prod)) {
        for (int j = 0; j < numWeights; j++) {
          load(j, prod);
        }
      }
      // P = I now; the Gram matrix is summed afresh (rebase) when next needed, not here: the
      // flush at the end of a run needs no second pass over the coordinates.
      prod = identity(width);
      prodInv = identity(width);
      attached = false;
      if (averaged != null) {
        long n = counted(steps);
        double[] mean = null;
        if (n > 0) {
          mean = new double[numParams];
          for (int j = 0; j < numParams; j++) {
            mean[j] = sum[j] / n;
            sum[j] = mean[j] * n; // as a run resumed from this mean starts: the same bits on
          }
        }
        averaged.setLazyState(steps, mean);
      }
    }

    /** P = I, and the Gram matrix summed afresh (its running sums drift). */
    private void rebase() {
      prod = identity(width);
      prodInv = identity(width);
      for (double[] row : gram) {
        Arrays.fill(row, 0.0);
      }
      if (width == 1) { // the same sum (w·w added in order) without the general loop's copies
        double[] w = cols[0];
        double g = 0.0;
        for (int j = 0; j < numWeights; j++) {
          g += w[j] * w[j];
        }
        gram[0][0] = g;
        return;
      }
      for (int j = 0; j < numWeights; j++) {
        for (int c = 0; c < width; c++) {
          s[c] = cols[c][j];
        }
        addOuter(gram, s, 1);
      }
    }
  }

  /** Whether m is exactly the identity. */
  static boolean isIdentity(double[][] m) {
    for (int r = 0; r < m.length; r++) {
      for (int c = 0; c < m.length; c++) {
        if (m[r][c] != (r == c ? 1.0 : 0.0)) {
          return false;
        }
      }
    }
    return true;
  }

  static double squares(double[] v, int from, int to) {
    double sq = 0;
    for (int j = from; j < to; j++) {
      sq += v[j] * v[j];
    }
    return sq;
  }

  static double[][] identity(int n) {
    double[][] m = new double[n][n];
    for (int i = 0; i < n; i++) {
      m[i][i] = 1.0;
    }
    return m;
  }

  static double[][] multiply(double[][] a, double[][] b) {
    int n = a.length;
    double[][] m = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double v = 0;
        for (int k = 0; k < n; k++) {
          v += a[i][k] * b[k][j];
        }
        m[i][j] = v;
      }
    }
    return m;
  }

  /** The inverse by Gauss–Jordan with partial pivoting, or null when singular. */
  static double[][] invert(double[][] a) {
    int n = a.length;
    double[][] m = new double[n][];
    for (int i = 0; i < n; i++) {
      m[i] = a[i].clone();
    }
    double[][] inv = identity(n);
    for (int col = 0; col < n; col++) {
      int piv = col;
      for (int i = col + 1; i < n; i++) {
        if (Math.abs(m[i][col]) > Math.abs(m[piv][col])) {
          piv = i;
        }
      }
      if (!(Math.abs(m[piv][col]) > 0)) {
        return null;
      }
      double[] t = m[col];
      m[col] = m[piv];
      m[piv] = t;
      t = inv[col];
      inv[col] = inv[piv];
      inv[piv] = t;
      double d = m[col][col];
      for (int k = 0; k < n; k++) {
        m[col][k] /= d;
        inv[col][k] /= d;
      }
      for (int i = 0; i < n; i++) {
        if (i != col && m[i][col] != 0) {
          double f = m[i][col];
          for (int k = 0; k < n; k++) {
            m[i][k] -= f * m[col][k];
            inv[i][k] -= f * inv[col][k];
          }
        }
      }
    }
    return inv;
  }

  /** ‖a‖₁·‖a⁻¹‖₁. */
  static double condition(double[][] a, double[][] inv) {
    return norm1(a) * norm1(inv);
  }

  private static double norm1(double[][] a) {
    double max = 0;
    for (int c = 0; c < a.length; c++) {
      double s = 0;
      for (double[] row : a) {
        s += Math.abs(row[c]);
      }
      max = Math.max(max, s);
    }
    return max;
  }
}
