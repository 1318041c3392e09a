package dev.sparksgd.optim;

/**
 * Nesterov's accelerated gradient in the form that needs only the gradient at the current
 * parameters (Sutskever et al. 2013, as PyTorch writes it): v ← μ·v + g, w ← w − η·(g + μ·v).
 * The distributed loop computes exactly that gradient, so no look-ahead evaluation is needed.
 */
public final class Nesterov extends Momentum {
  private static final long serialVersionUID = 1L;

  public Nesterov(double mu) {
    super(mu, true);
  }
}
