"""Where scratchnet's jar is, and how a Spark session gets it."""
import os
from typing import Optional

_HERE = os.path.dirname(os.path.abspath(__file__))

#: Where `pip install ./python` puts the jar built by `mvn package` (python/setup.py copies it).
PACKAGED_JAR = os.path.join(_HERE, "jars", "scratchnet.jar")
#: The jar of the source tree the package sits in (a run from the repository without installing).
SOURCE_TREE_JAR = os.path.normpath(os.path.join(_HERE, "..", "..", "target", "scratchnet.jar"))


class ScratchnetJarError(RuntimeError):
    """scratchnet's jar is missing, or the Spark session was started without it."""


def jar_path() -> str:
    """The scratchnet jar: $SCRATCHNET_JAR if set, else the one installed with the package, else the source tree's."""
    given = os.environ.get("SCRATCHNET_JAR")
    if given:
        if not os.path.isfile(given):
            raise ScratchnetJarError(f"SCRATCHNET_JAR={given}: no such file")
        return given
    for candidate in (PACKAGED_JAR, SOURCE_TREE_JAR):
        if os.path.isfile(candidate):
            return candidate
    raise ScratchnetJarError(
        "scratchnet's jar is not installed with the package and there is no target/scratchnet.jar beside it: "
        "build it (mvn -B package -DskipTests) and reinstall (pip install ./python), or set SCRATCHNET_JAR"
    )


def configure(builder, jar: Optional[str] = None):
    """Adds scratchnet's jar to a SparkSession builder's spark.jars (keeping jars already there); returns it.

    >>> spark = scratchnet.configure(SparkSession.builder.master("local[*]")).getOrCreate()
    """
    jar = jar or jar_path()
    options = getattr(builder, "_options", {})
    jars = [j for j in str(options.get("spark.jars", "")).split(",") if j]
    if jar not in jars:
        jars.append(jar)
    return builder.config("spark.jars", ",".join(jars))


MISSING_IN_SESSION = (
    "scratchnet's classes are not on this Spark session's classpath: start the session with spark.jars set to "
    "scratchnet's jar (scratchnet.configure(SparkSession.builder) does it; scratchnet.jar_path() is where it is)"
)
MISSING_ON_SERVER = (
    "the Spark Connect server does not know {name}: start it with scratchnet's jar on its classpath "
    "(--jars or spark.jars set to scratchnet.jar_path())"
)
