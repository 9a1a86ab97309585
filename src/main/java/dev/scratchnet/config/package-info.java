/**
 * The mechanism of settings, how one setting is declared, parsed and validated, where {@code dev.scratchnet.registry}
 * is the register of every setting. Each {@link dev.scratchnet.config.Setting} is declared once, next to the code
 * that owns it, with its key, type, default, validation and one-line doc. Parsing of {@code spark.scratchnet.*}
 * properties, the effective-configuration dump, the README's tables, the checkpoint's trajectory settings and the
 * Spark ML Params of the estimator are all derived from those declarations. No Spark here.
 */
package dev.scratchnet.config;
