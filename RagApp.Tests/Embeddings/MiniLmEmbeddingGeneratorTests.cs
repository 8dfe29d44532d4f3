using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using RagApp.Core.Embeddings;

namespace RagApp.Tests.Embeddings;

[Collection(MiniLmCollection.Name)]
public sealed class MiniLmEmbeddingGeneratorTests(MiniLmFixture fixture)
{
    private const float BatchTolerance = 1e-5f;

    // Single-token words, so the token count of a text is its word count plus [CLS] and [SEP].
    private static readonly string[] Words = ["the", "cat", "sat", "on", "a", "mat", "and", "dog", "ran", "home"];

    private readonly MiniLmEmbeddingGenerator _generator = fixture.Generator;

    [Fact]
    public async Task ReferenceSentences_HaveSentenceTransformersCosineSimilarities()
    {
        var embeddings = await _generator.GenerateAsync(
            ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."],
            cancellationToken: TestContext.Current.CancellationToken);

        // Values from sentence-transformers' all-MiniLM-L6-v2 (the reference implementation of the model).
        Assert.Equal(0.6660, TensorPrimitives.CosineSimilarity(embeddings[0].Vector.Span, embeddings[1].Vector.Span), 0.001);
        Assert.Equal(0.1046, TensorPrimitives.CosineSimilarity(embeddings[0].Vector.Span, embeddings[2].Vector.Span), 0.001);
    }

    [Fact]
    public async Task Embeddings_Are384DimensionalUnitVectors_WithModelAndUsage()
    {
        string[] inputs = ["short", "A somewhat longer sentence about retrieval augmented generation."];
        var embeddings = await _generator.GenerateAsync(inputs, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(inputs.Length, embeddings.Count);
        foreach (var embedding in embeddings)
        {
            Assert.Equal(MiniLmEmbeddingGenerator.Dimensions, embedding.Vector.Length);
            Assert.Equal(1.0, TensorPrimitives.Norm(embedding.Vector.Span), 1e-5);
            Assert.Equal(MiniLmEmbeddingGenerator.ModelId, embedding.ModelId);
        }

        Assert.True(embeddings.Usage?.InputTokenCount > inputs.Length * 2);
    }

    [Fact]
    public async Task MixedLengthBatch_EqualsInputsEmbeddedOneByOne_InCallerOrder()
    {
        // 40 inputs of lengths 1..250 words in shuffled order: sorted into more than one batch, padded differently.
        var random = new Random(7);
        var inputs = Enumerable.Range(0, 40).Select(_ => Sentence(random.Next(1, 250), random.Next(Words.Length))).ToArray();

        var batched = await _generator.GenerateAsync(inputs, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(inputs.Length, batched.Count);
        for (var i = 0; i < inputs.Length; i++)
        {
            var single = await _generator.GenerateVectorAsync(inputs[i], cancellationToken: TestContext.Current.CancellationToken);
            VectorAssert.Equal(single.Span, batched[i].Vector.Span, BatchTolerance);
        }
    }

    [Fact]
    public async Task TextLongerThanMaxTokens_IsTruncatedToItsPrefix()
    {
        var maxWords = MiniLmEmbeddingGenerator.MaxTokens - 2;
        var prefix = Sentence(maxWords, 0);
        var longText = prefix + " " + Sentence(300, 3);

        var embeddings = await _generator.GenerateAsync(
            [longText, prefix, Sentence(maxWords - 1, 0)], cancellationToken: TestContext.Current.CancellationToken);
        var prefixTokens = await _generator.GenerateAsync([prefix], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(MiniLmEmbeddingGenerator.MaxTokens, prefixTokens.Usage?.InputTokenCount);
        VectorAssert.Equal(embeddings[1].Vector.Span, embeddings[0].Vector.Span, BatchTolerance);
        // One word shorter is a different input: the equality above is not an accident of repetition.
        VectorAssert.NotEqual(embeddings[2].Vector.Span, embeddings[0].Vector.Span, BatchTolerance);
    }

    [Fact]
    public async Task EmptyAndWhitespaceInputs_EmbedAsTheEmptySequence()
    {
        var embeddings = await _generator.GenerateAsync(["", "   \t\n "], cancellationToken: TestContext.Current.CancellationToken);
        var sentence = await _generator.GenerateVectorAsync("The weather is lovely today.", cancellationToken: TestContext.Current.CancellationToken);

        // "[CLS] [SEP]" only, as sentence-transformers does: a defined unit vector, not an error.
        Assert.Equal(2 * 2, embeddings.Usage?.InputTokenCount);
        Assert.Equal(1.0, TensorPrimitives.Norm(embeddings[0].Vector.Span), 1e-5);
        VectorAssert.Equal(embeddings[0].Vector.Span, embeddings[1].Vector.Span, BatchTolerance);
        VectorAssert.NotEqual(embeddings[0].Vector.Span, sentence.Span, BatchTolerance);
    }

    [Fact]
    public async Task NoInputs_GiveNoEmbeddings()
    {
        var embeddings = await _generator.GenerateAsync([], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Empty(embeddings);
    }

    [Fact]
    public async Task NullInput_IsRejected()
    {
        await Assert.ThrowsAsync<ArgumentException>(() =>
            _generator.GenerateAsync(["text", null!], cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ConcurrentCalls_GiveTheSameResultsAsSequentialOnes()
    {
        var inputs = Enumerable.Range(1, 12).Select(i => Sentence(i * 15, i)).ToArray();
        var expected = await _generator.GenerateAsync(inputs, cancellationToken: TestContext.Current.CancellationToken);

        var concurrent = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(
            () => _generator.GenerateAsync(inputs, cancellationToken: TestContext.Current.CancellationToken),
            TestContext.Current.CancellationToken)));

        foreach (var result in concurrent)
        {
            for (var i = 0; i < inputs.Length; i++)
            {
                VectorAssert.Equal(expected[i].Vector.Span, result[i].Vector.Span, BatchTolerance);
            }
        }
    }

    [Fact]
    public async Task CancelledToken_CancelsTheCall()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _generator.GenerateAsync(["text"], cancellationToken: cancellation.Token));
    }

    [Fact]
    public async Task OtherDimensions_AreRejected()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _generator.GenerateAsync(
            ["text"], new EmbeddingGenerationOptions { Dimensions = 256 }, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Metadata_NamesProviderModelAndDimensions()
    {
        var metadata = _generator.GetService<EmbeddingGeneratorMetadata>();

        Assert.NotNull(metadata);
        Assert.Equal("ragapp-local", metadata.ProviderName);
        Assert.Equal("all-MiniLM-L6-v2", metadata.DefaultModelId);
        Assert.Equal(384, metadata.DefaultModelDimensions);
    }

    private static string Sentence(int words, int offset) =>
        string.Join(' ', Enumerable.Range(offset, words).Select(i => Words[i % Words.Length]));
}
