package dev.scratchnet.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.scratchnet.ScratchnetException;
import dev.scratchnet.layers.Affine;
import dev.scratchnet.layers.BatchNormalization;
import dev.scratchnet.layers.Convolution;
import dev.scratchnet.layers.Dropout;
import dev.scratchnet.layers.LayerSpec;
import dev.scratchnet.layers.Pooling;
import dev.scratchnet.layers.Relu;
import dev.scratchnet.layers.Shape;
import dev.scratchnet.layers.Sigmoid;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.network.ParameterBlock;
import dev.scratchnet.network.Task;
import dev.scratchnet.onnx.proto.OnnxMl.AttributeProto;
import dev.scratchnet.onnx.proto.OnnxMl.GraphProto;
import dev.scratchnet.onnx.proto.OnnxMl.ModelProto;
import dev.scratchnet.onnx.proto.OnnxMl.NodeProto;
import dev.scratchnet.onnx.proto.OnnxMl.OperatorSetIdProto;
import dev.scratchnet.onnx.proto.OnnxMl.StringStringEntryProto;
import dev.scratchnet.onnx.proto.OnnxMl.TensorProto;
import dev.scratchnet.onnx.proto.OnnxMl.TensorShapeProto;
import dev.scratchnet.onnx.proto.OnnxMl.TypeProto;
import dev.scratchnet.onnx.proto.OnnxMl.ValueInfoProto;
import dev.scratchnet.report.AtomicFiles;
import dev.scratchnet.report.NdArray;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A network as an ONNX model ({@code model.onnx}), for serving outside Spark: one input {@code features}, float32,
 * the raw feature values as the data source delivers them ({@code [N, C, H, W]} for a network with convolution or
 * pooling, else {@code [N, D]}); the data's scale (MNIST's {@code 1/255}) is the graph's first node; the output is
 * {@code probability} {@code [N, K]} (softmax) for a classifier or {@code prediction} {@code [N, 1]} in the target's
 * units (the label standardization undone inside the graph) for a regression. Opset 17, the messages of ONNX's own
 * {@code onnx-ml.proto} (vendored in {@code src/main/proto}, compiled by protoc at build time).
 *
 * <p>Layer by layer: Affine is {@code Gemm} with {@code W} as the book stores it ({@code in × out}, so no transpose)
 * after a {@code Flatten} when an image comes in (our rows are C·H·W in NCHW order, as ONNX's flatten);
 * ReLU and Sigmoid are theirs; dropout in inference is the book's: every unit times {@code 1 − ratio} (a {@code Mul};
 * ONNX's own {@code Dropout} passes units unscaled, which is the inverted dropout we do not train);
 * Convolution is {@code Conv} with the book's {@code FN × C × FH × FW} filters, stride and padding; Pooling is
 * {@code MaxPool}, after an explicit zero {@code Pad} when it pads (im2col pads with 0, ONNX's pooling with −∞);
 * batch normalization, which normalizes each of the C·H·W values on its own, is {@code BatchNormalization} (inference:
 * running mean and variance, ε = the book's 10e-7) on the flattened {@code [N, C·H·W]}, reshaped back after.
 *
 * <p>Initializers are named as in {@code model.npz} ({@code W1}, {@code b1}, {@code gamma1}, …, float32), so
 * {@link #read} can give them back; what the network is travels in the model's metadata, given by the caller.
 */
public final class OnnxModel {
    /** The operator set the graph uses. */
    public static final int OPSET = 17;
    /** ONNX's IR version of opset 17 (ONNX 1.12). */
    public static final long IR_VERSION = 8;
    public static final String INPUT = "features";
    public static final String PROBABILITY = "probability";
    public static final String PREDICTION = "prediction";

    private OnnxModel() {}

    /** Whether the network takes images ({@code [N, C, H, W]}): it has convolution or pooling. */
    public static boolean takesImages(NetworkSpec spec) {
        return spec.layers().stream().anyMatch(l -> l instanceof Convolution.Spec || l instanceof Pooling.Spec);
    }

    /** The input's shape without the batch: {@code [C, H, W]} or {@code [D]}. */
    public static long[] inputShape(NetworkSpec spec) {
        Shape s = spec.input();
        return takesImages(spec) ? new long[] {s.channels(), s.height(), s.width()} : new long[] {s.size()};
    }

    /**
     * Writes {@code spec} with {@code params} as an ONNX model to {@code file}, atomically.
     *
     * @param inputScale what every raw feature value is multiplied by before the first layer (1: none)
     * @param metadata the model's {@code metadata_props}
     */
    public static void write(Path file, NetworkSpec spec, double[] params, double inputScale, Map<String, String> metadata) {
        ModelProto model = build(spec, params, inputScale, metadata);
        AtomicFiles.write(file, model::writeTo);
    }

    /** The ONNX model of {@code spec} bound to {@code params}; see {@link #write}. */
    public static ModelProto build(NetworkSpec spec, double[] params, double inputScale, Map<String, String> metadata) {
        if (params.length != spec.parameterCount()) {
            throw new IllegalArgumentException(spec.describe() + " has " + spec.parameterCount() + " parameters, got "
                    + params.length);
        }
        if (!(inputScale > 0) || Double.isInfinite(inputScale)) {
            throw new IllegalArgumentException("the input scale must be a positive number, got " + inputScale);
        }
        Graph g = new Graph();
        for (ParameterBlock b : spec.parameterBlocks()) {
            double[] values = new double[b.size()];
            System.arraycopy(params, b.offset(), values, 0, values.length);
            g.initializer(b.name(), b.shape(), values);
        }
        boolean images = takesImages(spec);
        String x = INPUT;
        int rank = images ? 4 : 2;
        if (inputScale != 1) {
            x = g.node("Mul", List.of(x, g.scalar("input_scale", inputScale)), null, List.of());
        }
        List<LayerSpec> layers = spec.layers();
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec layer = layers.get(i);
            Shape in = spec.inputOf(i);
            List<String> p = spec.blocksOf(i).stream().map(ParameterBlock::name).toList();
            if (rank == 2 && (layer instanceof Convolution.Spec || layer instanceof Pooling.Spec)) {
                x = g.reshape(x, in); // windows slide over images
                rank = 4;
            }
            if (layer instanceof Affine.Spec) {
                if (rank == 4) {
                    x = g.node("Flatten", List.of(x), null, List.of(g.intAttr("axis", 1)));
                    rank = 2;
                }
                x = g.node("Gemm", List.of(x, p.get(0), p.get(1)), null, List.of());
            } else if (layer instanceof Relu.Spec) {
                x = g.node("Relu", List.of(x), null, List.of());
            } else if (layer instanceof Sigmoid.Spec) {
                x = g.node("Sigmoid", List.of(x), null, List.of());
            } else if (layer instanceof Dropout.Spec d) {
                if (d.ratio() > 0) {
                    x = g.node("Mul", List.of(x, g.scalar("dropout" + (i + 1) + "_keep", 1.0 - d.ratio())), null, List.of());
                }
            } else if (layer instanceof Convolution.Spec c) {
                x = g.node("Conv", List.of(x, p.get(0), p.get(1)), null, List.of(
                        g.intsAttr("kernel_shape", c.height(), c.width()), g.intsAttr("strides", c.stride(), c.stride()),
                        g.intsAttr("pads", c.pad(), c.pad(), c.pad(), c.pad())));
            } else if (layer instanceof Pooling.Spec pool) {
                if (pool.pad() > 0) {
                    long q = pool.pad();
                    x = g.node("Pad", List.of(x, g.longs("pool" + (i + 1) + "_pads", 0, 0, q, q, 0, 0, q, q)), null,
                            List.of());
                }
                x = g.node("MaxPool", List.of(x), null, List.of(g.intsAttr("kernel_shape", pool.height(), pool.width()),
                        g.intsAttr("strides", pool.stride(), pool.stride())));
            } else if (layer instanceof BatchNormalization.Spec) {
                boolean image = rank == 4;
                if (image) {
                    x = g.node("Flatten", List.of(x), null, List.of(g.intAttr("axis", 1)));
                }
                x = g.node("BatchNormalization", List.of(x, p.get(0), p.get(1), p.get(2), p.get(3)), null,
                        List.of(g.floatAttr("epsilon", BatchNormalization.EPSILON)));
                if (image) {
                    x = g.reshape(x, in);
                }
            } else {
                throw new IllegalArgumentException("no ONNX form for layer " + layer.text());
            }
        }
        ValueInfoProto output;
        if (spec.task() == Task.CLASSIFICATION) {
            g.node("Softmax", List.of(x), PROBABILITY, List.of(g.intAttr("axis", 1)));
            output = g.tensor(PROBABILITY, spec.outputs());
        } else {
            String scaled = g.node("Mul", List.of(x, g.scalar("target_scale", spec.target().scale())), null, List.of());
            g.node("Add", List.of(scaled, g.scalar("target_center", spec.target().center())), PREDICTION, List.of());
            output = g.tensor(PREDICTION, spec.outputs());
        }
        GraphProto graph = g.graph.setName("scratchnet")
                .addInput(g.tensor(INPUT, inputShape(spec)))
                .addOutput(output)
                .build();
        ModelProto.Builder model = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName("scratchnet")
                .setDocString(spec.describe())
                .setGraph(graph);
        // In key order: a Map.of iterates in an order that changes from one JVM to the next, and the file must not.
        new java.util.TreeMap<>(metadata).forEach((k, v) ->
                model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return model.build();
    }

    /** What {@link #read} finds in a model file: its float initializers by name and its metadata. */
    public record Contents(Map<String, NdArray> initializers, Map<String, String> metadata) {}

    /** Models larger than this are not ours (ONNX's own limit for one protobuf file is 2 GB). */
    static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    /**
     * Reads an ONNX model file: its metadata and every float32 initializer as an array of doubles in its shape.
     * Anything that is not an ONNX model is one line naming the file.
     */
    public static Contents read(Path file) {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new ScratchnetException(file + ": " + Files.size(file) + " bytes, more than an ONNX file holds");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ScratchnetException("cannot read " + file + ": " + AtomicFiles.oneLine(e), e);
        }
        ModelProto model;
        try {
            model = ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new ScratchnetException(file + " is not an ONNX model (" + firstLine(e.getMessage()) + ")", e);
        }
        if (!model.hasGraph() || model.getIrVersion() <= 0) {
            throw new ScratchnetException(file + " is not an ONNX model (no graph or IR version)");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (StringStringEntryProto e : model.getMetadataPropsList()) {
            metadata.put(e.getKey(), e.getValue());
        }
        Map<String, NdArray> initializers = new LinkedHashMap<>();
        for (TensorProto t : model.getGraph().getInitializerList()) {
            if (t.getDataType() == TensorProto.DataType.FLOAT_VALUE) {
                initializers.put(t.getName(), floats(t, file));
            }
        }
        return new Contents(initializers, metadata);
    }

    private static NdArray floats(TensorProto t, Path file) {
        int[] shape = new int[t.getDimsCount()];
        long size = 1;
        for (int i = 0; i < shape.length; i++) {
            long d = t.getDims(i);
            size *= d;
            if (d < 0 || size > Integer.MAX_VALUE - 8) {
                throw new ScratchnetException(file + ": initializer " + t.getName() + " has a bad shape " + t.getDimsList());
            }
            shape[i] = (int) d;
        }
        double[] values = new double[(int) size];
        if (t.hasRawData()) {
            ByteString raw = t.getRawData();
            if (raw.size() != 4L * size) {
                throw new ScratchnetException(file + ": initializer " + t.getName() + " has " + raw.size()
                        + " bytes of data for shape " + t.getDimsList());
            }
            ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < values.length; i++) {
                values[i] = b.getFloat();
            }
        } else {
            if (t.getFloatDataCount() != size) {
                throw new ScratchnetException(file + ": initializer " + t.getName() + " has " + t.getFloatDataCount()
                        + " values for shape " + t.getDimsList());
            }
            for (int i = 0; i < values.length; i++) {
                values[i] = t.getFloatData(i);
            }
        }
        return new NdArray(shape, values);
    }

    private static String firstLine(String message) {
        return message == null ? "unreadable" : message.lines().findFirst().orElse("unreadable").strip();
    }

    /** The graph under construction: nodes in order, initializers, fresh names for intermediate values. */
    private static final class Graph {
        final GraphProto.Builder graph = GraphProto.newBuilder();
        private int values;

        /** Adds a node; returns its output's name ({@code output}, or a fresh one when null). */
        String node(String op, List<String> inputs, String output, List<AttributeProto> attributes) {
            String out = output != null ? output : op.toLowerCase(java.util.Locale.ROOT) + "_" + (++values);
            graph.addNode(NodeProto.newBuilder().setOpType(op).setName(out).addAllInput(inputs).addOutput(out)
                    .addAllAttribute(attributes));
            return out;
        }

        /** {@code x} reshaped to {@code [N, C, H, W]} of {@code shape}. */
        String reshape(String x, Shape shape) {
            String name = "shape_" + shape.channels() + "x" + shape.height() + "x" + shape.width();
            if (graph.getInitializerList().stream().noneMatch(t -> t.getName().equals(name))) {
                longs(name, -1, shape.channels(), shape.height(), shape.width());
            }
            return node("Reshape", List.of(x, name), null, List.of());
        }

        void initializer(String name, int[] shape, double[] values) {
            ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
            for (double v : values) {
                b.putFloat((float) v);
            }
            TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                    .setRawData(ByteString.copyFrom(b.array()));
            for (int d : shape) {
                t.addDims(d);
            }
            graph.addInitializer(t);
        }

        /** A float32 scalar initializer; returns its name. */
        String scalar(String name, double value) {
            initializer(name, new int[0], new double[] {value});
            return name;
        }

        /** An int64 vector initializer; returns its name. */
        String longs(String name, long... values) {
            TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE)
                    .addDims(values.length);
            for (long v : values) {
                t.addInt64Data(v);
            }
            graph.addInitializer(t);
            return name;
        }

        AttributeProto intAttr(String name, long value) {
            return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
        }

        AttributeProto intsAttr(String name, long... values) {
            AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
            for (long v : values) {
                a.addInts(v);
            }
            return a.build();
        }

        AttributeProto floatAttr(String name, double value) {
            return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT)
                    .setF((float) value).build();
        }

        /** A float32 tensor of shape {@code [N, dims…]}, N symbolic. */
        ValueInfoProto tensor(String name, long... dims) {
            TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                    .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
            for (long d : dims) {
                shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
            }
            return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                    TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
        }
    }
}
