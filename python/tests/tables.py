"""scikit-learn's tables (data/sklearn, fetched by src/test/sh/fetch-sklearn-tables.sh) as DataFrames, split as the
JVM tests split them: randomSplit([0.7, 0.3], 7) on the table as one partition."""
import gzip
import os

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SKLEARN = os.path.join(ROOT, "data", "sklearn")
SPLIT_SEED = 7


def _need(path):
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path} is missing: run src/test/sh/fetch-sklearn-tables.sh")
    return path


def digits(spark):
    """(train, test): 64 pixel counts (0-16) as `features`, the digit as `label` (a double)."""
    from pyspark.ml.linalg import Vectors

    rows = []
    with gzip.open(_need(os.path.join(SKLEARN, "digits.csv.gz")), "rt") as f:
        for line in f:
            v = [float(x) for x in line.strip().split(",")]
            rows.append((Vectors.dense(v[:64]), v[64]))
    assert len(rows) == 1797
    frame = spark.createDataFrame(rows, ["features", "label"]).coalesce(1)
    return frame.randomSplit([0.7, 0.3], SPLIT_SEED)


def diabetes(spark):
    """(train, test): the 10 unscaled features as `features`, disease progression as `label`."""
    from pyspark.ml.linalg import Vectors

    with gzip.open(_need(os.path.join(SKLEARN, "diabetes_data_raw.csv.gz")), "rt") as f:
        data = [[float(x) for x in line.split()] for line in f if line.strip()]
    with gzip.open(_need(os.path.join(SKLEARN, "diabetes_target.csv.gz")), "rt") as f:
        target = [float(line) for line in f if line.strip()]
    assert len(data) == len(target) == 442
    rows = [(Vectors.dense(x), y) for x, y in zip(data, target)]
    frame = spark.createDataFrame(rows, ["features", "label"]).coalesce(1)
    return frame.randomSplit([0.7, 0.3], SPLIT_SEED)


def accuracy_of(frame):
    from pyspark.ml.evaluation import MulticlassClassificationEvaluator

    return MulticlassClassificationEvaluator(metricName="accuracy").evaluate(frame)


def digits_against_mllib(train, test, where):
    """Defaults only, in a user's Pipeline (MinMaxScaler, then the learner), against MLlib's MLP [64, 32, 10] with
    its defaults on the same split (the JVM's DefaultsOnRealTablesTest does the same); prints and returns
    (scratchnet's accuracy, MLlib's)."""
    import time

    from pyspark.ml import Pipeline
    from pyspark.ml.classification import MultilayerPerceptronClassifier
    from pyspark.ml.feature import MinMaxScaler

    from scratchnet import ScratchnetClassifier

    scale = MinMaxScaler(inputCol="features", outputCol="scaled")
    t = time.time()
    ours = Pipeline(stages=[scale, ScratchnetClassifier(featuresCol="scaled")]).fit(train)
    ours_seconds = time.time() - t
    t = time.time()
    mlp = MultilayerPerceptronClassifier(featuresCol="scaled", layers=[64, 32, 10])
    mllib = Pipeline(stages=[scale, mlp]).fit(train)
    mllib_seconds = time.time() - t
    ours_accuracy, mllib_accuracy = accuracy_of(ours.transform(test)), accuracy_of(mllib.transform(test))
    print(f"\ndigits, {where}: scratchnet defaults {ours_accuracy:.4f} in {ours_seconds:.1f} s fit; "
          f"MLlib MLP [64, 32, 10] {mllib_accuracy:.4f} in {mllib_seconds:.1f} s fit")
    return ours_accuracy, mllib_accuracy
