/**
 * scratchnet as a Spark ML estimator: {@link dev.scratchnet.ml.ScratchnetClassifier} (a
 * {@code ProbabilisticClassifier}, a drop-in for MLlib's {@code MultilayerPerceptronClassifier}) and the
 * {@link dev.scratchnet.ml.ScratchnetClassificationModel} it fits. The estimator's Params are derived from the
 * settings declarations ({@link dev.scratchnet.config.Setting#isParam()}), and {@code fit} runs the same
 * {@link dev.scratchnet.run.TrainingRun} as the command line on the same engine.
 */
package dev.scratchnet.ml;
