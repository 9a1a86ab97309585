/**
 * A trained network as an ONNX model ({@code model.onnx}), written and read with the classes protoc generates from
 * ONNX's own {@code onnx-ml.proto} ({@code dev.scratchnet.onnx.proto}): for serving outside Spark with any ONNX
 * runtime. Knows networks ({@code network}) and files ({@code report}); {@code training}'s model file uses it.
 */
package dev.scratchnet.onnx;
