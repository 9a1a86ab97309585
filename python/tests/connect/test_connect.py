"""scratchnet through Spark Connect: a client that has no JVM fits, transforms, saves and loads on the server."""
import pytest
from pyspark.ml import Pipeline
from pyspark.ml.feature import MinMaxScaler

import tables
from scratchnet import ScratchnetClassificationModel, ScratchnetClassifier, ScratchnetRegressor
from tables import accuracy_of

pytestmark = pytest.mark.connect


def test_digits_pipeline_with_defaults_against_mllibs_mlp_through_connect(spark, digits):
    """Defaults only, in a user's Pipeline, against MLlib's MLP [64, 32, 10] on the same split."""
    ours, mllib = tables.digits_against_mllib(*digits, "Spark Connect")
    assert ours >= 0.94 and ours >= mllib - 0.01


def test_fit_transform_save_load_and_the_allowed_attributes(spark, digits, tmp_path):
    train, test = digits
    model = ScratchnetClassifier(hidden=[16], maxIter=30, seed=5, dataScale=1 / 16).fit(train)
    assert isinstance(model, ScratchnetClassificationModel)
    assert model.numFeatures == 64 and model.numClasses == 10
    assert model.getLayers() == [64, 16, 10]
    predicted = model.transform(test)
    assert {"prediction", "probability", "rawPrediction"} <= set(predicted.columns)
    accuracy = accuracy_of(predicted)
    assert accuracy >= 0.75  # a broken model scores about 0.1
    first = test.first()
    assert model.predict(first.features) == predicted.first().prediction
    # evaluate() through Spark's evaluators, the same figure
    assert model.evaluate(test).accuracy == pytest.approx(accuracy, abs=1e-12)
    path = str(tmp_path / "model")
    model.write().save(path)
    loaded = ScratchnetClassificationModel.load(path)
    assert loaded.getLayers() == [64, 16, 10] and loaded.getMaxIter() == 30
    assert accuracy_of(loaded.transform(test)) == accuracy
    pipeline = Pipeline(stages=[MinMaxScaler(inputCol="features", outputCol="scaled"),
                                ScratchnetClassifier(featuresCol="scaled", maxIter=5, seed=1)]).fit(train)
    assert accuracy_of(pipeline.transform(test)) >= 0.8


def test_what_connect_does_not_allow_is_one_clear_error(spark, digits):
    train, _ = digits
    model = ScratchnetClassifier(hidden=[8], maxIter=2).fit(train)
    for read in (lambda: model.weights, lambda: model.summary()):
        with pytest.raises(NotImplementedError, match="cannot be read through Spark Connect 4.2"):
            read()


def test_a_bad_value_is_a_value_error_with_the_jvms_line(spark, digits):
    train, _ = digits
    with pytest.raises(ValueError) as e:
        ScratchnetClassifier(stepSize=-1.0).fit(train)
    assert str(e.value) == "stepSize: must be > 0, got '-1' (valid: > 0)"
    with pytest.raises(ValueError, match="^regParam: "):
        ScratchnetRegressor(regParam=-2.0).fit(train)
