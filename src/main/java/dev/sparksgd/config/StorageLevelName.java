package dev.sparksgd.config;

import java.util.Locale;
import java.util.StringJoiner;

/**
 * How the cached blocks are kept ({@code --storage-level}), by Spark's storage level names. The
 * levels that keep every block somewhere (memory or local disk) or recompute it from the input;
 * every level gives the same model bits, only the time differs.
 */
public enum StorageLevelName {
  /** Deserialized in memory as far as it goes, the rest serialized on local disk. */
  MEMORY_AND_DISK,
  /** Serialized in memory (smaller, costs deserializing each pass), the rest on disk. */
  MEMORY_AND_DISK_SER,
  /** Everything serialized on local disk: the least heap. */
  DISK_ONLY,
  /** In memory only: what does not fit is read and parsed again from the input in every pass. */
  MEMORY_ONLY,
  /** Serialized in memory only; what does not fit is recomputed. */
  MEMORY_ONLY_SER;

  /** Spark's name, as {@code org.apache.spark.storage.StorageLevel.fromString} takes it. */
  public String cliName() {
    return name();
  }

  /** Case does not matter, and '-' may stand for '_'. */
  public static StorageLevelName parse(String s) {
    String k = s == null ? "" : s.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    StringJoiner all = new StringJoiner(", ");
    for (StorageLevelName v : values()) {
      if (v.name().equals(k)) {
        return v;
      }
      all.add(v.name());
    }
    throw new ConfigException("--storage-level must be one of " + all + " (got '" + s + "')");
  }
}
