package dev.scratchnet.ml;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.config.Configuration;
import dev.scratchnet.config.Setting;
import dev.scratchnet.spark.Settings;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import scala.runtime.AbstractFunction1;

/**
 * The estimator's Spark ML Params, one per setting declared {@link Setting#param()}: same name (in camel case),
 * the setting's doc and valid values as the Param's doc, the setting's default as the Param's default, and the
 * setting's own validation (a bad value is an {@link IllegalArgumentException} saying what is wrong). The Param's
 * type follows the setting's {@link Setting.Kind}: {@code IntParam}, {@code LongParam}, {@code DoubleParam},
 * {@code BooleanParam}, {@code IntArrayParam} for sizes, and {@code Param<String>} for choices and text, holding
 * the text a conf file would.
 */
final class SettingParams implements Serializable {
    private static final long serialVersionUID = 1L;
    private final Map<String, Param<?>> byKey = new LinkedHashMap<>();

    /** Params owned by {@code parent} (whose {@code uid()} must already be set). */
    SettingParams(Params parent) {
        for (Setting<?> s : Settings.ALL) {
            if (s.isParam()) {
                byKey.put(s.key(), create(parent, s));
            }
        }
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

    /** Every Param, in settings order. */
    List<Param<?>> all() {
        return new ArrayList<>(byKey.values());
    }

    /** The Param of {@code setting}. */
    Param<?> param(Setting<?> setting) {
        Param<?> p = byKey.get(setting.key());
        if (p == null) {
            throw new IllegalArgumentException(setting.key() + " is not a Param of the estimator");
        }
        return p;
    }

    /** Sets every Param's default to its setting's default. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    void setDefaults(Params owner) {
        for (Setting<?> s : Settings.ALL) {
            if (s.isParam()) {
                owner.setDefault((Param) param(s), toParam(s, s.defaultValue()));
            }
        }
    }

    /** The settings with every Param's value (set or default), validated. */
    Configuration configuration(Params owner) {
        Configuration c = Settings.defaults();
        for (Setting<?> s : Settings.ALL) {
            if (s.isParam()) {
                c = with(c, s, owner.getOrDefault(param(s)));
            }
        }
        return c;
    }

    private static <T> Configuration with(Configuration c, Setting<T> s, Object paramValue) {
        return c.with(s, fromParam(s, paramValue));
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

    /** A Param validator that runs the setting's validation; serializable, as Params travel with models. */
    static final class Check extends AbstractFunction1<Object, Object> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String key;

        Check(String key) {
            this.key = key;
        }

        @Override
        public Object apply(Object value) {
            Setting<?> s = Settings.byKey(key);
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
