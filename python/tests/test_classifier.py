"""The estimators from PySpark: Pipelines, CrossValidator, persistence across languages, ONNX, errors."""
import os
import subprocess
import sys

import pytest
from pyspark.ml import Pipeline, PipelineModel
from pyspark.ml.evaluation import MulticlassClassificationEvaluator, RegressionEvaluator
from pyspark.ml.feature import MinMaxScaler, StandardScaler
from pyspark.ml.tuning import CrossValidator, CrossValidatorModel, ParamGridBuilder

import scratchnet
from scratchnet import (
    ScratchnetClassificationModel,
    ScratchnetClassifier,
    ScratchnetRegressionModel,
    ScratchnetRegressor,
)
import tables
from tables import accuracy_of


def test_digits_pipeline_with_defaults_against_mllibs_mlp(spark, digits):
    """Defaults only, in a user's Pipeline, against MLlib's MLP [64, 32, 10] on the same split."""
    ours, mllib = tables.digits_against_mllib(*digits, "classic session")
    assert ours >= 0.94 and ours >= mllib - 0.01


def test_summary_evaluate_and_weights_as_mllibs_mlp_has_them(spark, digits):
    train, test = digits
    model = ScratchnetClassifier(hidden=[32], maxIter=30, seed=3).fit(train)
    summary = model.summary()
    assert model.hasSummary
    assert len(summary.objectiveHistory) == summary.totalIterations == 30
    assert summary.objectiveHistory[-1] < summary.objectiveHistory[0]
    assert summary.stopReason == "epoch_limit" and 1 <= summary.modelEpoch <= 30
    assert 0.9 <= summary.accuracy <= 1.0
    evaluated = model.evaluate(test)
    assert evaluated.accuracy == pytest.approx(accuracy_of(model.transform(test)), abs=1e-12)
    assert len(evaluated.labels) == 10
    assert len(model.weights) == 64 * 32 + 32 + 32 * 10 + 10
    assert model.numFeatures == 64 and model.numClasses == 10
    assert model.predict(test.first().features) in range(10)


def _predictions(frame):
    return [(r.prediction, list(r.probability)) for r in frame.select("prediction", "probability").collect()]


def test_saved_in_python_loads_in_the_jvm_and_back_with_equal_predictions(spark, digits, tmp_path):
    train, test = digits
    jvm = spark._jvm
    # Python -> JVM: the JVM's own reader and transform, no Python wrapper involved.
    py_model = ScratchnetClassifier(hidden=[16], maxIter=10, seed=5).fit(train)
    py_model.write().save(str(tmp_path / "from-python"))
    java_model = jvm.dev.scratchnet.ml.ScratchnetClassificationModel.load(str(tmp_path / "from-python"))
    from pyspark.sql import DataFrame

    from_java = DataFrame(java_model.transform(test._jdf), spark)
    assert _predictions(from_java) == _predictions(py_model.transform(test))
    # JVM -> Python: fitted and saved by the JVM's API, read by the Python class.
    java_est = jvm.dev.scratchnet.ml.ScratchnetClassifier().setMaxIter(10).setSeed(6)
    java_fitted = java_est.fit(train._jdf)
    java_fitted.write().save(str(tmp_path / "from-java"))
    loaded = ScratchnetClassificationModel.load(str(tmp_path / "from-java"))
    assert isinstance(loaded, ScratchnetClassificationModel) and loaded.getMaxIter() == 10
    assert _predictions(loaded.transform(test)) == _predictions(DataFrame(java_fitted.transform(test._jdf), spark))
    # a Pipeline: saved from Python, loaded by the JVM's PipelineModel, and the estimator itself both ways
    pipeline = Pipeline(stages=[MinMaxScaler(inputCol="features", outputCol="scaled"),
                                ScratchnetClassifier(featuresCol="scaled", maxIter=5, seed=1)]).fit(train)
    pipeline.write().save(str(tmp_path / "pipeline"))
    java_pipeline = jvm.org.apache.spark.ml.PipelineModel.load(str(tmp_path / "pipeline"))
    assert (_predictions(DataFrame(java_pipeline.transform(test._jdf), spark))
            == _predictions(pipeline.transform(test)))
    reloaded = PipelineModel.load(str(tmp_path / "pipeline"))
    assert isinstance(reloaded.stages[1], ScratchnetClassificationModel)
    ScratchnetClassifier(hidden=[7], solver="sgd").write().save(str(tmp_path / "estimator"))
    est = jvm.dev.scratchnet.ml.ScratchnetClassifier.load(str(tmp_path / "estimator"))
    assert list(est.getHidden()) == [7] and est.getSolver() == "sgd"
    assert ScratchnetClassifier.load(str(tmp_path / "estimator")).getHidden() == [7]


def test_cross_validator_on_both_estimators(spark, digits, diabetes):
    train, test = digits
    c = ScratchnetClassifier(maxIter=30, seed=2, dataScale=1 / 16)
    grid = ParamGridBuilder().addGrid(c.hidden, [[8], [32]]).build()
    accuracy = MulticlassClassificationEvaluator(metricName="accuracy")
    cv = CrossValidator(estimator=c, estimatorParamMaps=grid, evaluator=accuracy, numFolds=2, seed=1).fit(train)
    assert len(cv.avgMetrics) == 2 and cv.avgMetrics[1] > cv.avgMetrics[0]
    assert cv.bestModel.getHidden() == [32]
    assert accuracy_of(cv.transform(test)) >= 0.9
    train, test = diabetes
    r = ScratchnetRegressor(maxIter=100, seed=2)
    scaled = Pipeline(stages=[StandardScaler(inputCol="features", outputCol="scaled", withMean=True),
                              r.setFeaturesCol("scaled")])
    rmse = RegressionEvaluator(metricName="rmse")
    grid = ParamGridBuilder().addGrid(r.regParam, [1e-4, 1.0]).build()
    rcv = CrossValidator(estimator=scaled, estimatorParamMaps=grid, evaluator=rmse, numFolds=2, seed=1).fit(train)
    assert isinstance(rcv, CrossValidatorModel)
    test_rmse = rmse.evaluate(rcv.transform(test))
    # the label's own spread is about 77: a model that learned nothing scores near that
    assert 40 < test_rmse < 65, test_rmse
    model = rcv.bestModel.stages[-1]
    assert isinstance(model, ScratchnetRegressionModel)
    assert model.summary.r2 > 0.3 and model.evaluate(rcv.bestModel.stages[0].transform(test)).r2 > 0.3


def test_onnx_export_matches_the_model_in_onnxruntime(spark, digits, tmp_path):
    """pyspark's jars have no protobuf-java (Spark shades its own): the export must not need one on the classpath."""
    import numpy as np
    import onnxruntime

    train, test = digits
    model = ScratchnetClassifier(hidden=[20], maxIter=10, seed=4, dataScale=1 / 16).fit(train)
    path = str(tmp_path / "digits.onnx")
    model.exportOnnx(path)
    rows = model.transform(test).select("features", "probability", "prediction").collect()
    x = np.array([r.features.toArray() for r in rows], dtype=np.float32)
    session = onnxruntime.InferenceSession(path)
    assert [i.name for i in session.get_inputs()] == ["features"]
    (probability,) = session.run(["probability"], {"features": x})
    expected = np.array([r.probability.toArray() for r in rows])
    assert np.abs(probability - expected).max() < 1e-5
    assert (probability.argmax(axis=1) == np.array([r.prediction for r in rows])).all()


def test_a_session_without_the_jar_is_one_clear_error(tmp_path):
    """A new process (a session is per process): one ScratchnetJarError naming spark.jars, no py4j trace."""
    program = (
        "from pyspark.sql import SparkSession\n"
        "import scratchnet\n"
        "SparkSession.builder.master('local[1]').config('spark.ui.enabled', 'false').getOrCreate()\n"
        "try:\n"
        "    scratchnet.ScratchnetClassifier()\n"
        "except scratchnet.ScratchnetJarError as e:\n"
        "    print('ERROR', e)\n"
    )
    out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=300)
    line = [l for l in out.stdout.splitlines() if l.startswith("ERROR")]
    assert line and "spark.jars" in line[0] and "scratchnet.configure" in line[0], out.stdout + out.stderr
    env = dict(os.environ, SCRATCHNET_JAR=str(tmp_path / "nope.jar"))
    out = subprocess.run([sys.executable, "-c", "import scratchnet; scratchnet.jar_path()"], capture_output=True,
                         text=True, env=env, timeout=60)
    assert out.returncode != 0 and f"SCRATCHNET_JAR={tmp_path / 'nope.jar'}: no such file" in out.stderr
