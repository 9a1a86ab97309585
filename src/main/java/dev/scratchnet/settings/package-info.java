/**
 * The list of every setting, where {@code dev.scratchnet.config} is how a setting works: {@link
 * dev.scratchnet.settings.Settings#ALL} gathers the declarations from the packages that own them ({@code network},
 * {@code training}, and here the data's and the engine's, {@link dev.scratchnet.settings.DataSettings},
 * {@link dev.scratchnet.settings.EngineSettings}, which belong to no package below). The command line, the
 * estimator's Params, the in-process trainer and the README's tables all read this one list, without Spark.
 */
package dev.scratchnet.settings;
