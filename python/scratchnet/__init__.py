"""scratchnet from PySpark: the networks of *Deep Learning from Scratch* as Spark ML estimators.

    from pyspark.sql import SparkSession
    import scratchnet
    spark = scratchnet.configure(SparkSession.builder.master("local[*]")).getOrCreate()
    model = scratchnet.ScratchnetClassifier(maxIter=30).fit(train)

The classes wrap the JVM's dev.scratchnet.ml estimators and models (same Params, names, defaults and
persistence); they work in a classic session (py4j) and through Spark Connect.
"""
from scratchnet.session import ScratchnetJarError, configure, jar_path
from scratchnet.ml import (
    ScratchnetClassificationModel,
    ScratchnetClassificationSummary,
    ScratchnetClassificationTrainingSummary,
    ScratchnetClassifier,
    ScratchnetRegressionModel,
    ScratchnetRegressionSummary,
    ScratchnetRegressionTrainingSummary,
    ScratchnetRegressor,
)

__version__ = "0.1.0"

__all__ = [
    "ScratchnetClassifier",
    "ScratchnetClassificationModel",
    "ScratchnetClassificationSummary",
    "ScratchnetClassificationTrainingSummary",
    "ScratchnetRegressor",
    "ScratchnetRegressionModel",
    "ScratchnetRegressionSummary",
    "ScratchnetRegressionTrainingSummary",
    "ScratchnetJarError",
    "configure",
    "jar_path",
]
