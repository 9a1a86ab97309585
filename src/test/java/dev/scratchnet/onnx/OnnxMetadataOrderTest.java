package dev.scratchnet.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.scratchnet.network.NetworkSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * model.onnx is the same bytes whatever order its metadata map iterates in: a run wrote it from a {@code Map.of},
 * whose order changes from one JVM to the next, so two runs with bit-identical parameters wrote different files.
 */
class OnnxMetadataOrderTest {
    @Test
    void metadataIsWrittenInKeyOrder() {
        NetworkSpec spec = NetworkSpec.twoLayerNet();
        double[] params = new double[spec.parameterCount()];
        Map<String, String> ba = new LinkedHashMap<>();
        ba.put("b", "2");
        ba.put("a", "1");
        Map<String, String> ab = new LinkedHashMap<>();
        ab.put("a", "1");
        ab.put("b", "2");
        byte[] one = OnnxModel.build(spec, params, 1.0, ba).toByteArray();
        byte[] other = OnnxModel.build(spec, params, 1.0, ab).toByteArray();
        assertArrayEquals(one, other);
        assertEquals(List.of("a", "b"), OnnxModel.build(spec, params, 1.0, ba).getMetadataPropsList().stream()
                .map(p -> p.getKey()).toList());
    }
}
