package dev.scratchnet.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** scikit-learn's tables as the loader gives them: sizes, columns, label values, and a split that does not move. */
class SklearnTablesTest {
    private static JavaSparkContext sc;
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        sc = SparkTestContext.start();
        spark = SparkTestContext.session(sc);
    }

    @AfterAll
    static void stop() {
        sc.close();
    }

    @Test
    void everyTableHasScikitLearnsShapeAndTheOriginalLabels() {
        record Shape(String name, long rows, int features, String label, List<String> classes) {}
        for (Shape s : List.of(
                new Shape("iris", 150, 4, "species", List.of("setosa", "versicolor", "virginica")),
                new Shape("wine", 178, 13, "cultivar", List.of("class_0", "class_1", "class_2")),
                new Shape("breast_cancer", 569, 30, "diagnosis", List.of("malignant", "benign")),
                new Shape("digits", 1797, 64, "digit", List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9")),
                new Shape("diabetes", 442, 10, "progression", List.of()))) {
            SklearnTables.Table t = SklearnTables.load(spark, s.name());
            assertEquals(s.rows(), t.frame().count(), s.name());
            assertEquals(s.features(), t.features().size(), s.name());
            assertEquals(s.label(), t.label(), s.name());
            assertEquals(s.classes(), t.classes(), s.name());
            assertEquals(s.features() + 1, t.frame().columns().length, s.name());
            if (t.isClassification()) {
                List<String> seen = t.frame().select(t.label()).distinct().collectAsList().stream()
                        .map(r -> String.valueOf(r.get(0))).sorted().toList();
                assertEquals(s.classes().stream().sorted().toList(), seen, s.name());
            }
        }
        SklearnTables.Table iris = SklearnTables.load(spark, "iris");
        assertEquals(List.of("sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm"), iris.features());
        Row first = iris.frame().first();
        assertEquals(5.1, first.getDouble(0));
        assertEquals("setosa", first.getString(4));
        SklearnTables.Table diabetes = SklearnTables.load(spark, "diabetes");
        assertEquals(151.0, diabetes.frame().first().getDouble(10));
    }

    @Test
    void theSplitIsSeventyThirtyAndTheSameRowsEveryTime() {
        SklearnTables.Table digits = SklearnTables.load(spark, "digits");
        SklearnTables.Split a = digits.split();
        SklearnTables.Split b = SklearnTables.load(spark, "digits").split();
        long train = a.train().count();
        long test = a.test().count();
        assertEquals(1797, train + test);
        assertEquals(1249, train, "training rows (issue 15's split)");
        assertEquals(96, SklearnTables.load(spark, "iris").split().train().count(), "iris training rows");
        assertEquals(a.test().collectAsList(), b.test().collectAsList());
    }
}
