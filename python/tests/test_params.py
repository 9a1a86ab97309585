"""Every Param of the JVM estimators and models is a Python Param with the same name, doc, default and kind."""
import math
import os
import sys

import pytest

import scratchnet
from scratchnet import (
    ScratchnetClassificationModel,
    ScratchnetClassifier,
    ScratchnetRegressionModel,
    ScratchnetRegressor,
)

PYSPARK_OWN = {"featuresCol", "labelCol", "predictionCol", "probabilityCol", "rawPredictionCol", "thresholds"}
KINDS = {
    "IntParam": int,
    "LongParam": int,
    "DoubleParam": float,
    "BooleanParam": bool,
    "IntArrayParam": list,
    "DoubleArrayParam": list,
}


def _same(a, b):
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


@pytest.mark.parametrize("cls", [ScratchnetClassifier, ScratchnetRegressor])
def test_every_jvm_param_is_a_python_param_with_its_doc_default_and_kind(spark, cls):
    py = cls()
    java = py._java_obj
    names = [p.name() for p in java.params()]
    assert len(names) >= 35
    for jp in java.params():
        name = jp.name()
        assert py.hasParam(name), name
        p = py.getParam(name)
        if name not in PYSPARK_OWN:  # pyspark declares these itself, with its own wording
            assert p.doc == jp.doc(), name
        if java.hasDefault(jp):
            value = java.getDefault(jp).get()
            value = list(value) if jp.getClass().getSimpleName().endswith("ArrayParam") else value
            assert py.hasDefault(p), name
            assert _same(py.getOrDefault(p), value), (name, py.getOrDefault(p), value)
            kind = KINDS.get(jp.getClass().getSimpleName(), str)
            assert isinstance(py.getOrDefault(p), kind), (name, type(py.getOrDefault(p)))
        else:
            assert not py.hasDefault(p), name
    # and nothing more than the JVM has
    assert sorted(p.name for p in py.params) == sorted(names)


def test_a_model_has_the_estimators_params(spark, digits):
    train, _ = digits
    model = ScratchnetClassifier(maxIter=2, hidden=[8]).fit(train)
    assert isinstance(model, ScratchnetClassificationModel)
    assert sorted(p.name for p in model.params) == sorted(p.name() for p in model._java_obj.params())
    assert model.getMaxIter() == 2 and model.getHidden() == [8]
    assert model.getLayers() == [64, 8, 10]  # set by the JVM model, read back


def test_the_generated_params_file_is_current(spark):
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools"))
    import generate_params

    text = generate_params.render(generate_params.java_params(spark))
    with open(os.path.join(os.path.dirname(__file__), "..", "scratchnet", "_params.py"), encoding="utf-8") as f:
        assert f.read() == text, "scratchnet/_params.py is stale: run python/tools/generate_params.py"


def test_a_bad_value_is_a_python_error_with_the_jvms_one_line_message(spark):
    c = ScratchnetClassifier()
    with pytest.raises(ValueError) as e:
        c.setStepSize(-1.0)
    assert str(e.value) == "stepSize: must be > 0, got '-1' (valid: > 0)"
    with pytest.raises(ValueError, match=r"^solver: .*adam"):
        ScratchnetClassifier(solver="rmsprop")
    with pytest.raises(ValueError, match=r"^layers: \[64\] must be at least \[inputs, outputs\]"):
        c.setLayers([64])
    with pytest.raises(TypeError, match="Could not convert"):
        c.setMaxIter("ten")
    with pytest.raises(TypeError, match="has no Param 'hiddenLayers'"):
        ScratchnetClassifier(hiddenLayers=[10])
    # the rejected values were not kept
    assert c.getStepSize() == 0.001 and not c.isSet(c.layers)
    ScratchnetRegressor(regParam=0.5, hidden=[3, 4])  # good values pass


def test_unset_params_stay_unset_in_the_jvm(spark, digits):
    """A default can adapt to the data (batchSize auto, validationFraction auto), a set value cannot: the JVM must
    see exactly the Params the user set."""
    train, _ = digits
    c = ScratchnetClassifier(maxIter=1)
    c._transfer_params_to_java()
    java = c._java_obj
    assert java.isSet(java.getParam("maxIter"))
    assert not java.isSet(java.getParam("batchSize")) and not java.isSet(java.getParam("validationFraction"))
    assert scratchnet.jar_path().endswith("scratchnet.jar")
