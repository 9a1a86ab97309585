import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # tables.py


@pytest.fixture(scope="session")
def spark():
    """A classic session on local[2] with scratchnet's jar, as the README's quickstart makes one."""
    from pyspark.sql import SparkSession

    import scratchnet

    builder = scratchnet.configure(SparkSession.builder.master("local[2]").appName("scratchnet-pytest"))
    session = (builder.config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", "2")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def digits(spark):
    import tables

    train, test = tables.digits(spark)
    return train.cache(), test.cache()


@pytest.fixture(scope="session")
def diabetes(spark):
    import tables

    train, test = tables.diabetes(spark)
    return train.cache(), test.cache()
