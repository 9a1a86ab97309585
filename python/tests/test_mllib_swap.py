"""A PySpark program written for MLlib's MultilayerPerceptronClassifier (after Spark's own example), run as written
and again with only the import and the class names changed to scratchnet's."""
import re

PROGRAM = '''
from pyspark.ml.classification import MultilayerPerceptronClassifier, MultilayerPerceptronClassificationModel
from pyspark.ml.evaluation import MulticlassClassificationEvaluator


def run(train, test, path):
    layers = [64, 32, 10]
    trainer = MultilayerPerceptronClassifier(maxIter=100, layers=layers, blockSize=128, seed=1234)
    trainer.setTol(1e-6).setStepSize(0.03)
    model = trainer.fit(train)
    result = model.transform(test)
    evaluator = MulticlassClassificationEvaluator(metricName="accuracy")
    accuracy = evaluator.evaluate(result.select("prediction", "label"))
    history = model.summary().objectiveHistory
    model.write().overwrite().save(path)
    same = MultilayerPerceptronClassificationModel.load(path)
    return {
        "class": type(model).__name__,
        "accuracy": accuracy,
        "evaluated": model.evaluate(test).accuracy,
        "weights": len(model.weights),
        "layers": model.getLayers(),
        "history": len(history),
        "reloaded": evaluator.evaluate(same.transform(test)),
        "solver": trainer.getSolver(),
    }
'''


def _run(program, train, test, path):
    namespace = {}
    exec(compile(program, "<program>", "exec"), namespace)
    return namespace["run"](train, test, path)


def test_a_program_for_mllibs_mlp_runs_with_the_import_and_class_names_changed(spark, digits, tmp_path):
    train, test = digits
    swapped = re.sub(
        r"from pyspark\.ml\.classification import .*",
        "from scratchnet import ScratchnetClassifier, ScratchnetClassificationModel",
        PROGRAM,
    ).replace("MultilayerPerceptronClassifier(", "ScratchnetClassifier(").replace(
        "MultilayerPerceptronClassificationModel.", "ScratchnetClassificationModel.")
    assert swapped.count("Scratchnet") == 4 and "MultilayerPerceptron" not in swapped
    mllib = _run(PROGRAM, train, test, str(tmp_path / "mllib"))
    ours = _run(swapped, train, test, str(tmp_path / "ours"))
    print(f"\nMLlib's program: {mllib}\nswapped: {ours}")
    assert mllib["class"] == "MultilayerPerceptronClassificationModel"
    assert ours["class"] == "ScratchnetClassificationModel"
    for r in (mllib, ours):
        assert r["weights"] == 64 * 32 + 32 + 32 * 10 + 10 and r["layers"] == [64, 32, 10]
        assert r["accuracy"] >= 0.9 and r["reloaded"] == r["accuracy"]
        assert abs(r["evaluated"] - r["accuracy"]) < 1e-12
        assert 1 <= r["history"] <= 101
    # MLlib's defaults solve with l-bfgs; scratchnet's solver default is Adam (the README's table of defaults)
    assert mllib["solver"] == "l-bfgs" and ours["solver"] == "adam"
