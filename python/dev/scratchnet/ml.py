"""The Python classes under the JVM's names.

pyspark finds the Python class of a JVM stage by its Java class name (PipelineModel.load, CrossValidatorModel.load
and Spark Connect's reader import the module dev.scratchnet.ml for dev.scratchnet.ml.ScratchnetClassifier), so
this module re-exports scratchnet's classes under that name. `dev` and `dev.scratchnet` are namespace packages.
"""
from scratchnet.ml import (  # noqa: F401
    ScratchnetClassificationModel,
    ScratchnetClassifier,
    ScratchnetRegressionModel,
    ScratchnetRegressor,
)
