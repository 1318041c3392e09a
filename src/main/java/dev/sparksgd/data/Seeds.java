package dev.sparksgd.data;

/** Derives independent 64-bit seeds from (seed, a, b, …) so every random draw is reproducible. */
public final class Seeds {
  private Seeds() {
  }

  /** SplitMix64's finalizer: a bijective mix of 64 bits. */
  public static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  public static long derive(long seed, long... parts) {
    long h = mix64(seed + 0x9e3779b97f4a7c15L);
    for (long p : parts) {
      h = mix64(h ^ mix64(p + 0x9e3779b97f4a7c15L));
    }
    return h;
  }

  /** A uniform double in [0, 1) from a 64-bit hash. */
  public static double unitInterval(long hash) {
    return (hash >>> 11) * 0x1.0p-53;
  }
}
