/**
 * One training run around the loop, and its files: {@link dev.scratchnet.run.TrainingRun} (the starting state, fresh or
 * resumed from a checkpoint, the {@link dev.scratchnet.training.Trainer} with the run's outputs, the summary),
 * {@link dev.scratchnet.run.RunOutputs} (checkpoints, {@code metrics.csv}, {@code accuracy.png}, the model files,
 * {@code summary.json} as the run goes), {@link dev.scratchnet.run.Checkpoint}, {@link dev.scratchnet.run.ModelFile}
 * ({@code model.npz}), {@link dev.scratchnet.run.RunSummary}, {@link dev.scratchnet.run.EngineFacts} and
 * {@link dev.scratchnet.run.RunInterrupted}. No Spark: the Spark front ends copy these files to Hadoop file systems.
 */
package dev.scratchnet.run;
