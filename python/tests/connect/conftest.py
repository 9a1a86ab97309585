"""A Spark Connect server (pyspark's own Spark 4.2.0, its spark-connect jar) with scratchnet's jar on the driver's
class path, started for the session's tests; the `spark` fixture is a Connect client of it."""
import os
import socket
import subprocess
import time

import pytest


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def connect_server(tmp_path_factory):
    import pyspark

    import scratchnet

    home = os.path.dirname(pyspark.__file__)
    jar = scratchnet.jar_path()
    port = _free_port()
    log = tmp_path_factory.mktemp("connect") / "server.log"
    env = dict(os.environ, SPARK_HOME=home, SPARK_LOCAL_IP="127.0.0.1")
    command = [
        os.path.join(home, "bin", "spark-submit"),
        "--class", "org.apache.spark.sql.connect.service.SparkConnectServer",
        "--master", "local[2]",
        "--driver-class-path", jar,
        "--conf", f"spark.connect.grpc.binding.port={port}",
        "--conf", "spark.ui.enabled=false",
        "--conf", "spark.sql.shuffle.partitions=2",
        jar,
    ]
    with open(log, "w") as out:
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        deadline = time.time() + 180
        while "Spark Connect server started" not in log.read_text():
            if server.poll() is not None or time.time() > deadline:
                raise RuntimeError("the Spark Connect server did not start:\n" + log.read_text()[-3000:])
            time.sleep(0.5)
        yield f"sc://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.fixture(scope="session")
def spark(connect_server):
    from pyspark.sql import SparkSession

    session = SparkSession.builder.remote(connect_server).getOrCreate()
    assert type(session).__module__ == "pyspark.sql.connect.session"
    yield session
    session.stop()
