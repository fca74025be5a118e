package dev.railyard.host.model;

import dev.railyard.spi.model.DType;
import dev.railyard.spi.model.ModelConfig;
import dev.railyard.spi.model.RopeScaling;
import java.util.List;

/**
 * A mutable copy of a {@link ModelConfig}, to derive variants of a config one field at a time:
 * {@code ModelConfigBuilder.from(c).numLayers(2).build()}. {@link #build()} runs the record's
 * checks.
 */
public final class ModelConfigBuilder {

    private String architecture;
    private String modelType;
    private int vocabSize;
    private int hiddenSize;
    private int intermediateSize;
    private int numLayers;
    private int numAttentionHeads;
    private int numKeyValueHeads;
    private int headDim;
    private double rmsNormEps;
    private double ropeTheta;
    private RopeScaling ropeScaling;
    private int maxPositionEmbeddings;
    private boolean tieWordEmbeddings;
    private boolean qkvBias;
    private boolean outputProjectionBias;
    private boolean mlpBias;
    private int bosTokenId;
    private List<Integer> eosTokenIds;
    private DType storedDType;

    private ModelConfigBuilder() {
    }

    /** A builder holding every field of {@code c}. */
    public static ModelConfigBuilder from(ModelConfig c) {
        ModelConfigBuilder b = new ModelConfigBuilder();
        b.architecture = c.architecture();
        b.modelType = c.modelType();
        b.vocabSize = c.vocabSize();
        b.hiddenSize = c.hiddenSize();
        b.intermediateSize = c.intermediateSize();
        b.numLayers = c.numLayers();
        b.numAttentionHeads = c.numAttentionHeads();
        b.numKeyValueHeads = c.numKeyValueHeads();
        b.headDim = c.headDim();
        b.rmsNormEps = c.rmsNormEps();
        b.ropeTheta = c.ropeTheta();
        b.ropeScaling = c.ropeScaling();
        b.maxPositionEmbeddings = c.maxPositionEmbeddings();
        b.tieWordEmbeddings = c.tieWordEmbeddings();
        b.qkvBias = c.qkvBias();
        b.outputProjectionBias = c.outputProjectionBias();
        b.mlpBias = c.mlpBias();
        b.bosTokenId = c.bosTokenId();
        b.eosTokenIds = c.eosTokenIds();
        b.storedDType = c.storedDType();
        return b;
    }

    /** Sets architecture and model type together. */
    public ModelConfigBuilder architecture(Architecture a) {
        this.architecture = a.className();
        this.modelType = a.modelType();
        return this;
    }

    public ModelConfigBuilder vocabSize(int v) {
        this.vocabSize = v;
        return this;
    }

    public ModelConfigBuilder hiddenSize(int v) {
        this.hiddenSize = v;
        return this;
    }

    public ModelConfigBuilder intermediateSize(int v) {
        this.intermediateSize = v;
        return this;
    }

    public ModelConfigBuilder numLayers(int v) {
        this.numLayers = v;
        return this;
    }

    public ModelConfigBuilder numAttentionHeads(int v) {
        this.numAttentionHeads = v;
        return this;
    }

    public ModelConfigBuilder numKeyValueHeads(int v) {
        this.numKeyValueHeads = v;
        return this;
    }

    public ModelConfigBuilder headDim(int v) {
        this.headDim = v;
        return this;
    }

    public ModelConfigBuilder rmsNormEps(double v) {
        this.rmsNormEps = v;
        return this;
    }

    public ModelConfigBuilder ropeTheta(double v) {
        this.ropeTheta = v;
        return this;
    }

    public ModelConfigBuilder ropeScaling(RopeScaling v) {
        this.ropeScaling = v;
        return this;
    }

    public ModelConfigBuilder maxPositionEmbeddings(int v) {
        this.maxPositionEmbeddings = v;
        return this;
    }

    public ModelConfigBuilder tieWordEmbeddings(boolean v) {
        this.tieWordEmbeddings = v;
        return this;
    }

    public ModelConfigBuilder qkvBias(boolean v) {
        this.qkvBias = v;
        return this;
    }

    public ModelConfigBuilder outputProjectionBias(boolean v) {
        this.outputProjectionBias = v;
        return this;
    }

    public ModelConfigBuilder mlpBias(boolean v) {
        this.mlpBias = v;
        return this;
    }

    public ModelConfigBuilder bosTokenId(int v) {
        this.bosTokenId = v;
        return this;
    }

    public ModelConfigBuilder eosTokenIds(List<Integer> v) {
        this.eosTokenIds = List.copyOf(v);
        return this;
    }

    public ModelConfigBuilder storedDType(DType v) {
        this.storedDType = v;
        return this;
    }

    /** A new config; runs {@link ModelConfig}'s checks. */
    public ModelConfig build() {
        return new ModelConfig(architecture, modelType, vocabSize, hiddenSize, intermediateSize, numLayers,
                numAttentionHeads, numKeyValueHeads, headDim, rmsNormEps, ropeTheta, ropeScaling,
                maxPositionEmbeddings, tieWordEmbeddings, qkvBias, outputProjectionBias, mlpBias, bosTokenId,
                eosTokenIds, storedDType);
    }
}
