/**
 * Networks built from a description: {@link dev.scratchnet.network.NetworkSpec} (the input's shape, a list of
 * {@link dev.scratchnet.network.LayerSpec}s as a layer list's text reads, the task; the named
 * {@link dev.scratchnet.network.ParameterBlock}s follow: cheap, serializable, what crosses the wire) is bound to one
 * flat parameter array by
 * {@link dev.scratchnet.network.Network} (the working model, with layer caches; never shipped).
 * The book's {@code TwoLayerNet} (§5.7) is {@link dev.scratchnet.network.NetworkSpec#twoLayerNet()}.
 * {@link dev.scratchnet.network.GradientCheck} compares backprop with numerical differentiation (§5.7.3).
 * No Spark here.
 */
package dev.scratchnet.network;
