using Microsoft.ML.OnnxRuntime;

namespace RagApp.Core.Embeddings;

/// <summary>
/// The input and output names the ONNX graph declares, checked once at load. BERT exports take input_ids and
/// attention_mask, most also token_type_ids; the token embeddings come out as last_hidden_state [batch, sequence, 384].
/// </summary>
internal sealed class MiniLmModelSignature
{
    private const string InputIds = "input_ids";
    private const string AttentionMask = "attention_mask";
    private const string TokenTypeIds = "token_type_ids";
    private const string LastHiddenState = "last_hidden_state";

    private readonly bool _takesTokenTypeIds;

    private MiniLmModelSignature(bool takesTokenTypeIds)
    {
        _takesTokenTypeIds = takesTokenTypeIds;
        InputNames = takesTokenTypeIds ? [InputIds, AttentionMask, TokenTypeIds] : [InputIds, AttentionMask];
    }

    public IReadOnlyCollection<string> InputNames { get; }

    public IReadOnlyCollection<string> OutputNames { get; } = [LastHiddenState];

    public static MiniLmModelSignature Read(InferenceSession session)
    {
        var inputs = session.InputMetadata;
        var unexpected = inputs.Keys.Except([InputIds, AttentionMask, TokenTypeIds]).ToArray();
        if (!inputs.ContainsKey(InputIds) || !inputs.ContainsKey(AttentionMask) || unexpected.Length > 0)
        {
            throw new InvalidOperationException(
                $"The embedding model's inputs ({string.Join(", ", inputs.Keys)}) are not the BERT inputs {InputIds}, {AttentionMask}[, {TokenTypeIds}].");
        }

        if (!session.OutputMetadata.TryGetValue(LastHiddenState, out var output)
            || output.Dimensions.Length != 3
            || output.Dimensions[2] != MiniLmEmbeddingGenerator.Dimensions)
        {
            throw new InvalidOperationException(
                $"The embedding model has no output {LastHiddenState} of shape [batch, sequence, {MiniLmEmbeddingGenerator.Dimensions}].");
        }

        return new MiniLmModelSignature(inputs.ContainsKey(TokenTypeIds));
    }

    public IReadOnlyCollection<OrtValue> Inputs(OrtValue inputIds, OrtValue attentionMask, OrtValue tokenTypeIds) =>
        _takesTokenTypeIds ? [inputIds, attentionMask, tokenTypeIds] : [inputIds, attentionMask];
}
