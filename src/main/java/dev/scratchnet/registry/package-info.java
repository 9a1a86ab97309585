/**
 * The register of every setting, {@link dev.scratchnet.registry.Settings#ALL}, where {@code dev.scratchnet.config}
 * is the mechanism (how one setting is declared, parsed and validated). The list gathers the declarations from the
 * packages that own them ({@code network}, {@code training}, and here the data's and the engine's,
 * {@link dev.scratchnet.registry.DataSettings}, {@link dev.scratchnet.registry.EngineSettings}, which belong to no
 * package below). The command line, the estimator's Params, the in-process trainer and the README's tables all read
 * this one list, without Spark.
 */
package dev.scratchnet.registry;
