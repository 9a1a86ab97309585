"""PySpark wrappers of scratchnet's JVM estimators and models (dev.scratchnet.ml), in pyspark.ml's own pattern.

The estimators take every Param the JVM declares (scratchnet/_params.py, generated from it), with MLlib's names
where MLlib has them, so a program written for MultilayerPerceptronClassifier runs with the import and the class
name changed. A bad value is a ValueError (or TypeError) with the JVM's one-line message, raised when it is set
in a classic session and at fit through Spark Connect.
"""
from typing import Any, Dict, List

from pyspark.ml.classification import (
    _ClassificationSummary,
    _JavaProbabilisticClassificationModel,
    _JavaProbabilisticClassifier,
    _TrainingSummary,
)
from pyspark.ml.linalg import Vector
from pyspark.ml.regression import _JavaRegressionModel, _JavaRegressor
from pyspark.ml.util import HasTrainingSummary, JavaMLReadable, JavaMLWritable
from pyspark.ml.wrapper import JavaWrapper
from pyspark.sql import DataFrame, is_remote

from scratchnet._params import _ScratchnetParams
from scratchnet.session import MISSING_IN_SESSION, MISSING_ON_SERVER, ScratchnetJarError

#: pyspark maps a JVM class to a Python class by name (PipelineModel.load, Spark Connect's reader), and
#: a Python class to a JVM class by its module: the classes live in scratchnet but answer to dev.scratchnet.ml.
_JVM_PACKAGE = "dev.scratchnet.ml"


def _new_jvm_object(java_class: str, *args: Any) -> Any:
    """The JVM object (a classic session), or the class name (Spark Connect); a missing jar is one clear error."""
    if not is_remote():
        from py4j.java_gateway import JavaClass
        from pyspark.ml.util import _jvm

        cls = _jvm()
        for name in java_class.split("."):
            cls = getattr(cls, name)
        if not isinstance(cls, JavaClass):
            raise ScratchnetJarError(MISSING_IN_SESSION)
    return JavaWrapper._new_java_obj(java_class, *args)


def _one_line(e: BaseException) -> str:
    """The JVM's message of an exception pyspark captured: its first line, without a stack trace."""
    lines = str(e).strip().splitlines()
    return lines[0] if lines else type(e).__name__


class _ScratchnetWrapper(_ScratchnetParams):
    """What the four classes share: the checked setters and keyword construction."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)

    def _set(self, **kwargs: Any):  # noqa: ANN201 (returns self)
        for name in kwargs:
            if not self.hasParam(name):
                raise TypeError(f"{type(self).__name__} has no Param {name!r}")
        java_obj = getattr(self, "_java_obj", None)
        if java_obj is None or is_remote() or isinstance(java_obj, str):
            return super()._set(**kwargs)
        from pyspark.errors import IllegalArgumentException

        checked: Dict[str, Any] = {}
        for name, value in kwargs.items():
            param = self.getParam(name)
            if value is not None:
                value = param.typeConverter(value)  # TypeError for a value of the wrong kind
                try:
                    self._make_java_param_pair(param, value)  # the JVM's ParamPair validates it
                except IllegalArgumentException as e:
                    raise ValueError(_one_line(e)) from None
            checked[name] = value
        return super()._set(**checked)

    def setParams(self, **kwargs: Any):  # noqa: ANN201 (returns self)
        """Sets Params by name, e.g. setParams(maxIter=20, hidden=[50])."""
        return self._set(**kwargs)


class _ScratchnetEstimator(_ScratchnetWrapper):
    _java_class = ""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__()
        self._java_obj = _new_jvm_object(self._java_class, self.uid)
        self._set(**kwargs)

    def _fit(self, dataset: DataFrame):  # noqa: ANN202
        if not is_remote():
            return super()._fit(dataset)
        from pyspark.errors.exceptions.connect import IllegalArgumentException

        try:
            return super()._fit(dataset)
        except IllegalArgumentException as e:  # a bad Param value, validated by the server
            raise ValueError(_one_line(e)) from None
        except Exception as e:  # an operator the server has not registered
            if "Unsupported ML operator" in str(e) and self._java_class in str(e):
                raise ScratchnetJarError(MISSING_ON_SERVER.format(name=self._java_class)) from None
            raise


class ScratchnetClassifier(
    _ScratchnetEstimator,
    _JavaProbabilisticClassifier["ScratchnetClassificationModel"],
    JavaMLWritable,
    JavaMLReadable["ScratchnetClassifier"],
):
    """The book's networks as a classifier, a drop-in for MultilayerPerceptronClassifier.

    Nothing set, it trains after scikit-learn's MLPClassifier: one hidden layer of 100 ReLU units, Adam at 0.001,
    minibatches of at most 200, weight decay 1e-4, early stopping on a held-out tenth that keeps the best epoch.
    featuresCol is a Vector column, labelCol class indices 0 ... K-1.

    >>> model = ScratchnetClassifier(maxIter=30, seed=1).fit(train)
    """

    __module__ = _JVM_PACKAGE
    _java_class = _JVM_PACKAGE + ".ScratchnetClassifier"

    def _create_model(self, java_model: Any) -> "ScratchnetClassificationModel":
        return ScratchnetClassificationModel(java_model)


class ScratchnetRegressor(
    _ScratchnetEstimator,
    _JavaRegressor["ScratchnetRegressionModel"],
    JavaMLWritable,
    JavaMLReadable["ScratchnetRegressor"],
):
    """The book's networks as a regressor (identity output, mean squared error; labels standardized inside).

    >>> model = ScratchnetRegressor(hidden=[64], maxIter=50).fit(train)
    """

    __module__ = _JVM_PACKAGE
    _java_class = _JVM_PACKAGE + ".ScratchnetRegressor"

    def _create_model(self, java_model: Any) -> "ScratchnetRegressionModel":
        return ScratchnetRegressionModel(java_model)


class _ScratchnetTrainingSummary(_TrainingSummary):
    @property
    def modelEpoch(self) -> int:
        """The epoch the model's weights are from (1-based): the best one when early stopping kept it."""
        return self._call_java("modelEpoch")

    @property
    def stopReason(self) -> str:
        """Why training stopped, e.g. no_improvement, epoch_limit."""
        return self._call_java("stopReason")


class ScratchnetClassificationSummary(_ClassificationSummary):
    """MLlib's multiclass metrics of a model on a dataset: accuracy, weightedPrecision, ... ."""


class ScratchnetClassificationTrainingSummary(ScratchnetClassificationSummary, _ScratchnetTrainingSummary):
    """The training set's metrics and the fit's history."""


class ScratchnetRegressionSummary(JavaWrapper):
    """The regression metrics of a model on a dataset."""

    def _metric(self, name: str) -> Any:
        return self._call_java(name)

    @property
    def predictions(self) -> DataFrame:
        return self._call_java("predictions")

    @property
    def rootMeanSquaredError(self) -> float:
        return self._metric("rootMeanSquaredError")

    @property
    def meanSquaredError(self) -> float:
        return self._metric("meanSquaredError")

    @property
    def meanAbsoluteError(self) -> float:
        return self._metric("meanAbsoluteError")

    @property
    def r2(self) -> float:
        return self._metric("r2")

    @property
    def explainedVariance(self) -> float:
        return self._metric("explainedVariance")


class ScratchnetRegressionTrainingSummary(ScratchnetRegressionSummary, _ScratchnetTrainingSummary):
    """The training set's metrics and the fit's history."""


class _EvaluatedSummary:
    """evaluate() through Spark Connect, whose allow-list keeps the JVM model's evaluate out of reach: the same
    metrics from Spark's own evaluators on the model's predictions, computed on the server."""

    _METRICS = {
        "multiclass": {
            "accuracy": "accuracy",
            "weightedPrecision": "weightedPrecision",
            "weightedRecall": "weightedRecall",
            "weightedFMeasure": "f1",
            "weightedTruePositiveRate": "weightedTruePositiveRate",
            "weightedFalsePositiveRate": "weightedFalsePositiveRate",
        },
        "regression": {
            "rootMeanSquaredError": "rmse",
            "meanSquaredError": "mse",
            "meanAbsoluteError": "mae",
            "r2": "r2",
            "explainedVariance": "var",
        },
    }

    def __init__(self, model: Any, dataset: DataFrame, kind: str) -> None:
        self.predictions = model.transform(dataset)
        self.predictionCol = model.getPredictionCol()
        self.labelCol = model.getLabelCol()
        self._kind = kind

    def __getattr__(self, name: str) -> float:
        metrics = _EvaluatedSummary._METRICS[self.__dict__["_kind"]]
        if name not in metrics:
            raise AttributeError(name)
        from pyspark.ml.evaluation import MulticlassClassificationEvaluator, RegressionEvaluator

        cls = MulticlassClassificationEvaluator if self._kind == "multiclass" else RegressionEvaluator
        evaluator = cls(metricName=metrics[name], labelCol=self.labelCol, predictionCol=self.predictionCol)
        return evaluator.evaluate(self.predictions)


#: What Spark Connect 4.2 does not let a client read of a third-party model: its server's MLUtils allows only the
#: attributes of an allow-list keyed on Spark's own classes (for any model: predict, numFeatures, numClasses,
#: predictRaw, predictProbability, toString).
NOT_THROUGH_CONNECT = (
    "{what} cannot be read through Spark Connect 4.2: its server lets a client call only the model attributes on "
    "its allow-list of Spark's own classes (predict, numFeatures, numClasses, ...); use a classic session, or save "
    "the model and load it there"
)


class _ScratchnetModel(_ScratchnetWrapper):
    #: evaluate()'s metrics: "multiclass" or "regression", and the summary class that wraps the JVM's.
    _metrics = ""
    _evaluation_summary: type = JavaWrapper

    def __init__(self, java_model: Any = None) -> None:
        super().__init__(java_model)
        if java_model is not None and not is_remote():
            self._transfer_params_from_java()  # the Params the JVM model set itself (layers: the network's sizes)

    def _call_java(self, name: str, *args: Any) -> Any:
        if is_remote() and name in ("weights", "summary", "hasSummary", "exportOnnx", "exportNpz"):
            raise NotImplementedError(NOT_THROUGH_CONNECT.format(what=name))
        return super()._call_java(name, *args)

    def _summary_dataset(self, train_dataset: DataFrame) -> DataFrame:
        return train_dataset

    def evaluate(self, dataset: DataFrame) -> Any:
        """MLlib's metrics of this model on dataset (multiclass for the classifier's, regression for the other's)."""
        if not isinstance(dataset, DataFrame):
            raise TypeError("dataset must be a DataFrame but got %s." % type(dataset))
        if is_remote():
            return _EvaluatedSummary(self, dataset, self._metrics)
        return self._evaluation_summary(self._call_java("evaluate", dataset))

    def getLayers(self) -> List[int]:
        """MLlib's layers of the fitted network, [inputs, hidden..., outputs].

        Through Spark Connect a fitted model's Params stay on the server and 4.2 lets a client read only the
        attributes its allow-list names for third-party models (numFeatures, numClasses); for a fully connected
        network they and hidden are the layers.
        """
        if self.isDefined(self.layers) or not is_remote():
            return self.getOrDefault(self.layers)
        if self.getNetwork():
            raise RuntimeError("layers of a network given as a layer list cannot be read through Spark Connect")
        outputs = self.numClasses if hasattr(self, "numClasses") else 1
        return [self.numFeatures, *self.getHidden(), outputs]

    @property
    def weights(self) -> Vector:
        """Every parameter in MLlib's layout (W1 row-major in x out, b1, W2, b2, ...), as MLlib's MLP model's."""
        return self._call_java("weights")

    def exportOnnx(self, path: str) -> None:
        """Writes the network as an ONNX model: input `features` (raw values), the data scale inside."""
        self._call_java("exportOnnx", path)

    def exportNpz(self, folder: str) -> None:
        """Writes model.npz (numpy), model.onnx and model.json into folder."""
        self._call_java("exportNpz", folder)


class ScratchnetClassificationModel(
    _ScratchnetModel,
    _JavaProbabilisticClassificationModel[Vector],
    JavaMLWritable,
    JavaMLReadable["ScratchnetClassificationModel"],
    HasTrainingSummary["ScratchnetClassificationTrainingSummary"],
):
    """A network fitted by ScratchnetClassifier: prediction, probability and rawPrediction columns."""

    __module__ = _JVM_PACKAGE
    _metrics = "multiclass"
    _evaluation_summary = ScratchnetClassificationSummary

    def summary(self) -> "ScratchnetClassificationTrainingSummary":  # type: ignore[override]
        """The training set's metrics, objectiveHistory (the loss of each epoch), totalIterations, modelEpoch."""
        if is_remote():
            raise NotImplementedError(NOT_THROUGH_CONNECT.format(what="summary"))
        return super().summary

    @property
    def _summaryCls(self) -> type:
        return ScratchnetClassificationTrainingSummary



class ScratchnetRegressionModel(
    _ScratchnetModel,
    _JavaRegressionModel[Vector],
    JavaMLWritable,
    JavaMLReadable["ScratchnetRegressionModel"],
    HasTrainingSummary["ScratchnetRegressionTrainingSummary"],
):
    """A network fitted by ScratchnetRegressor: the prediction column. `summary` is a property, as in
    LinearRegressionModel."""

    __module__ = _JVM_PACKAGE
    _metrics = "regression"
    _evaluation_summary = ScratchnetRegressionSummary

    @property
    def summary(self) -> "ScratchnetRegressionTrainingSummary":  # type: ignore[override]
        """The training set's metrics (r2, rootMeanSquaredError, ...), objectiveHistory, totalIterations."""
        if is_remote():
            raise NotImplementedError(NOT_THROUGH_CONNECT.format(what="summary"))
        return super().summary

    @property
    def _summaryCls(self) -> type:
        return ScratchnetRegressionTrainingSummary



__all__: List[str] = [
    "ScratchnetClassifier",
    "ScratchnetClassificationModel",
    "ScratchnetRegressor",
    "ScratchnetRegressionModel",
]
