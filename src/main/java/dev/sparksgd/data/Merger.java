package dev.sparksgd.data;

import java.io.Serializable;

/** Merges {@code other} into {@code into} (in place where it can) and returns the result. */
@FunctionalInterface
public interface Merger<T> extends Serializable {
  T merge(T into, T other);
}
