/**
 * Networks built from a description: {@link dev.scratchnet.network.NetworkSpec} (the input's shape, a list of layer
 * specs as a layer list's text reads — {@code layers.LayerSpec}, each kind beside its layer — the task; the named
 * {@link dev.scratchnet.network.ParameterBlock}s follow: cheap, serializable, what crosses the wire) is bound to one
 * flat parameter array by
 * {@link dev.scratchnet.network.Network} (the working model, with layer caches; never shipped).
 * The book's {@code TwoLayerNet} (§5.7) is {@link dev.scratchnet.network.NetworkSpec#twoLayerNet()}.
 * {@link dev.scratchnet.network.GradientCheck} compares backprop with numerical differentiation (§5.7.3).
 * The network's settings ({@link dev.scratchnet.network.NetworkSettings}) live here too. No Spark here.
 */
package dev.scratchnet.network;
