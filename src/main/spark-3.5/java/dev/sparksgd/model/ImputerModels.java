package dev.sparksgd.model;

import java.util.List;
import org.apache.spark.ml.feature.ImputerModel;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * An {@code ImputerModel} from given surrogates, without fitting. Spark 3.5's constructor takes
 * the surrogates as a one-row DataFrame, a column per input column (what {@code Imputer.fit}
 * builds); later lines take the arrays.
 */
final class ImputerModels {
  private ImputerModels() {
  }

  /** Needs an active Spark session. */
  static ImputerModel of(String uid, String[] inputCols, double[] surrogates) {
    StructField[] fields = new StructField[inputCols.length];
    Object[] values = new Object[inputCols.length];
    for (int j = 0; j < fields.length; j++) {
      fields[j] = DataTypes.createStructField(inputCols[j], DataTypes.DoubleType, false);
      values[j] = surrogates[j];
    }
    List<Row> row = List.of(RowFactory.create(values));
    return new ImputerModel(uid, SparkSession.active().createDataFrame(row, new StructType(fields)));
  }
}
