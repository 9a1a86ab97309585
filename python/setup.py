"""Puts the jar `mvn package` built (../target/scratchnet.jar) into the package, so `pip install ./python` carries it."""
import os
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
JAR = os.path.join(HERE, "..", "target", "scratchnet.jar")


class BuildWithJar(build_py):
    def run(self):
        if not os.path.isfile(JAR):
            raise SystemExit(f"setup.py: {os.path.normpath(JAR)} is missing: build it first (mvn -B package -DskipTests)")
        super().run()
        target = os.path.join(self.build_lib, "scratchnet", "jars")
        os.makedirs(target, exist_ok=True)
        shutil.copyfile(JAR, os.path.join(target, "scratchnet.jar"))


setup(cmdclass={"build_py": BuildWithJar})
