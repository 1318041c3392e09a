package dev.sparksgd.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Supplier;

/**
 * An iterator whose elements are made one at a time as the consumer asks for them, so a partition
 * is never collected in memory. The supplier returns the next element, or null at the end.
 */
final class Pull<T> implements Iterator<T> {
  private final Supplier<T> source;
  private T next;
  private boolean done;

  Pull(Supplier<T> source) {
    this.source = source;
  }

  @Override
  public boolean hasNext() {
    if (next == null && !done) {
      next = source.get();
      done = next == null;
    }
    return next != null;
  }

  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    T t = next;
    next = null;
    return t;
  }
}
