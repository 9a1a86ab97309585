package dev.scratchnet.ml;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.config.Configuration;
import dev.scratchnet.config.Setting;
import dev.scratchnet.registry.Settings;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import scala.runtime.AbstractFunction1;

/**
 * The Spark ML Params of one estimator or model, one per setting declared {@link Setting#param()}: its
 * {@link Setting#paramName()}, the setting's doc and valid values as the Param's doc, the setting's default as the
 * Param's default, and the setting's own validation (a bad value is an {@link IllegalArgumentException} naming the
 * Param and saying what is wrong). The Param's type follows the setting's {@link Setting.Kind}: {@code IntParam},
 * {@code LongParam}, {@code DoubleParam}, {@code BooleanParam}, {@code IntArrayParam} for sizes, and
 * {@code Param<String>} for choices and text, holding the text a conf file would. Also MLlib's Params that are not
 * settings: {@code layers}, {@code initialWeights}, {@code weightCol} (no defaults, as in MLlib).
 */
public final class SettingParams implements Serializable {
    private static final long serialVersionUID = 1L;
    private final Map<String, Param<?>> byKey = new LinkedHashMap<>();
    private final IntArrayParam layers;
    private final Param<Vector> initialWeights;
    private final Param<String> weightCol;

    /** Params owned by {@code parent} (whose {@code uid()} must already be set), with their defaults set. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    SettingParams(Params parent) {
        for (Setting<?> s : Settings.ALL) {
            if (s.isParam()) {
                byKey.put(s.key(), create(parent, s));
            }
        }
        layers = new IntArrayParam(parent, "layers", "MLlib's layer sizes [inputs, hidden..., outputs]; when set, its "
                + "ends must match the data and its middle is the hidden layers (else hidden and the data decide)",
                (scala.Function1) new LayersCheck());
        initialWeights = new Param<>(parent.uid(), "initialWeights",
                "the starting parameters in MLlib's layout (W1 in x out row-major, b1, W2, b2, ...)");
        weightCol = new Param<>(parent.uid(), "weightCol",
                "the column of sample weights (unset or empty: every example weighs 1)");
        for (Setting<?> s : Settings.ALL) {
            if (s.isParam()) {
                parent.setDefault((Param) param(s), toParam(s, s.defaultValue()));
            }
        }
    }

    IntArrayParam layers() {
        return layers;
    }

    Param<Vector> initialWeights() {
        return initialWeights;
    }

    Param<String> weightCol() {
        return weightCol;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Param<?> create(Params parent, Setting<?> s) {
        String doc = s.doc() + " (valid: " + s.valid() + "; conf key " + s.key() + ")";
        Check check = new Check(s.key());
        return switch (s.kind()) {
            case INT -> new IntParam(parent.uid(), s.paramName(), doc, check);
            case LONG -> new LongParam(parent.uid(), s.paramName(), doc, check);
            case DOUBLE -> new DoubleParam(parent.uid(), s.paramName(), doc, check);
            case BOOLEAN -> new BooleanParam(parent.uid(), s.paramName(), doc);
            case INT_LIST -> new IntArrayParam(parent, s.paramName(), doc, (scala.Function1) check);
            case TEXT -> new Param<String>(parent.uid(), s.paramName(), doc, (scala.Function1) check);
        };
    }

    /** The Param of a scratchnet setting, e.g. {@code param(TrainingSettings.LEARNING_RATE)} is {@code stepSize}. */
    public Param<?> param(Setting<?> setting) {
        Param<?> p = byKey.get(setting.key());
        if (p == null) {
            throw new IllegalArgumentException(setting.key() + " is not a Param of the estimator");
        }
        return p;
    }

    /**
     * The settings with every Param's value, validated; a Param the user set is a given setting, one left at its
     * default is not (so a default can adapt to the data, a set value cannot).
     */
    Configuration configuration(Params owner) {
        Configuration c = Settings.defaults();
        for (Setting<?> s : Settings.ALL) {
            if (s.isParam()) {
                c = owner.isSet(param(s)) ? with(c, s, owner.getOrDefault(param(s)))
                        : withDefault(c, s, owner.getOrDefault(param(s)));
            }
        }
        return c;
    }

    private static <T> Configuration with(Configuration c, Setting<T> s, Object paramValue) {
        return c.with(s, fromParam(s, paramValue));
    }

    private static <T> Configuration withDefault(Configuration c, Setting<T> s, Object paramValue) {
        return c.withDefault(s, fromParam(s, paramValue));
    }

    /** A setting's value as its Param holds it. */
    static <T> Object toParam(Setting<T> s, Object value) {
        T v = s.cast(value);
        return switch (s.kind()) {
            case INT, LONG, DOUBLE, BOOLEAN -> v;
            case INT_LIST -> ((List<?>) v).stream().mapToInt(x -> (Integer) x).toArray();
            case TEXT -> s.format(v);
        };
    }

    /** A Param's value as its setting's value, validated by the setting. */
    static <T> T fromParam(Setting<T> s, Object paramValue) {
        Object v = switch (s.kind()) {
            case INT, LONG, DOUBLE, BOOLEAN -> paramValue;
            case INT_LIST -> {
                List<Integer> list = new ArrayList<>();
                for (int x : (int[]) paramValue) {
                    list.add(x);
                }
                yield List.copyOf(list);
            }
            case TEXT -> s.parse((String) paramValue);
        };
        return s.validate(s.cast(v));
    }

    /** MLlib's check of {@code layers}: at least an input and an output size, all positive. */
    static final class LayersCheck extends AbstractFunction1<Object, Object> implements Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Object apply(Object value) {
            int[] sizes = (int[]) value;
            if (sizes.length < 2 || java.util.Arrays.stream(sizes).anyMatch(v -> v < 1)) {
                throw new IllegalArgumentException("layers: " + java.util.Arrays.toString(sizes)
                        + " must be at least [inputs, outputs], every size ≥ 1");
            }
            return true;
        }
    }

    /** A Param validator that runs the setting's validation; serializable, as Params travel with models. */
    static final class Check extends AbstractFunction1<Object, Object> implements Serializable {
        private static final long serialVersionUID = 1L;
        private static final Configuration DEFAULTS = Settings.defaults();
        private final String key;

        Check(String key) {
            this.key = key;
        }

        @Override
        public Object apply(Object value) {
            Setting<?> s = DEFAULTS.byKey(key);
            try {
                fromParam(s, value);
                return true;
            } catch (ScratchnetException | ClassCastException e) {
                String message = e instanceof ClassCastException ? "wrong type " + value.getClass().getSimpleName()
                        : e.getMessage();
                throw new IllegalArgumentException(message.replace(s.key(), s.paramName()), e);
            }
        }
    }
}
