using System.Numerics.Tensors;
using RagApp.Core.Documents;
using RagApp.Rag.Index;
using RagApp.Rag.Index.Embedded;
using RagApp.Rag.Index.Embedded.Storage;
using RagApp.Rag.Index.Keywords;
using RagApp.Rag.Index.Search;

namespace RagApp.Tests.Index;

/// <summary>
/// The dense scan's 8-bit first pass (<see cref="Int8Vectors"/>): its integer arithmetic, and that a search over a
/// table large enough to use it still returns exactly the float ranking, also when many scores lie closer together
/// than the 8-bit copies can tell apart.
/// </summary>
public sealed class DenseScanTests
{
    private const int Dimensions = 384;
    private const int ChunksPerDocument = 4;

    [Fact(Timeout = 30_000)]
    public void Dot_MatchesThePlainLoop_AtEveryLength()
    {
        TestContext.Current.CancellationToken.ThrowIfCancellationRequested();
        var random = new Random(7);
        foreach (var length in Enumerable.Range(0, 70).Concat([127, 128, 383, 384, 1000]))
        {
            var stored = Enumerable.Range(0, length).Select(_ => (sbyte)random.Next(-127, 128)).ToArray();
            var query = Enumerable.Range(0, length).Select(_ => (short)random.Next(-127, 128)).ToArray();

            Assert.Equal(Int8Vectors.DotScalar(stored, query), Int8Vectors.Dot(stored, query));
        }
    }

    [Fact(Timeout = 30_000)]
    public void Dot_OfExtremeBytes_DoesNotOverflow()
    {
        TestContext.Current.CancellationToken.ThrowIfCancellationRequested();
        var stored = Enumerable.Repeat((sbyte)-127, 4096).ToArray();
        var query = Enumerable.Repeat((short)-127, 4096).ToArray();

        Assert.Equal(4096 * 127 * 127, Int8Vectors.Dot(stored, query));
    }

    [Fact(Timeout = 30_000)]
    public void Quantize_RoundsEachComponentByAtMostHalfAStep_AndTheBoundHolds()
    {
        TestContext.Current.CancellationToken.ThrowIfCancellationRequested();
        var random = new Random(11);
        for (var i = 0; i < 200; i++)
        {
            var a = SyntheticVectors.Unit(random, Dimensions);
            var b = SyntheticVectors.Unit(random, Dimensions);
            var aBytes = new sbyte[Dimensions];
            var bBytes = new sbyte[Dimensions];
            var aScale = Int8Vectors.Quantize(a, aBytes);
            var bScale = Int8Vectors.Quantize(b, bBytes);

            Assert.Equal(a.Max(Math.Abs), 127 * aScale, 5);
            for (var d = 0; d < Dimensions; d++)
            {
                Assert.True(Math.Abs(a[d] - (aBytes[d] * aScale)) <= (aScale / 2) + 1e-7, $"component {d}");
            }

            var bWide = new short[Dimensions];
            Int8Vectors.Widen(bBytes, bWide);
            var approximate = aScale * bScale * (double)Int8Vectors.Dot(aBytes, bWide);
            var exact = (double)TensorPrimitives.Dot(a, b);
            var bound = Int8Vectors.ErrorBound(Int8Vectors.RoundingError(a, aBytes, aScale), Int8Vectors.RoundingError(b, bBytes, bScale));
            Assert.True(Math.Abs(approximate - exact) <= bound, $"|{approximate} - {exact}| > {bound}");
        }
    }

    [Fact(Timeout = 30_000)]
    public void Quantize_AZeroVector_GivesZeroBytesAndScale()
    {
        TestContext.Current.CancellationToken.ThrowIfCancellationRequested();
        var bytes = Enumerable.Repeat((sbyte)5, 8).ToArray();

        Assert.Equal(0, Int8Vectors.Quantize(new float[8], bytes));
        Assert.All(bytes, value => Assert.Equal(0, value));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(100)]
    public void SearchOverALargeTable_ReturnsTheFloatRanking(int topK)
    {
        TestContext.Current.CancellationToken.ThrowIfCancellationRequested();
        var random = new Random(20261203 + topK);
        var vectors = Enumerable.Range(0, 3_000).Select(_ => SyntheticVectors.Unit(random, Dimensions)).ToList();
        var index = IndexOf(vectors, ChunksPerDocument);

        for (var q = 0; q < 20; q++)
        {
            var query = SyntheticVectors.Unit(random, Dimensions);
            AssertFloatRanking(index, vectors, ChunksPerDocument, query, topK, filter: null);
        }
    }

    /// <summary>
    /// Hundreds of near-copies of the question, their cosines a millionth apart, where 8-bit scores cannot order them: the
    /// search must still return the exact order (by falling back to the float scan where the shortlist cannot prove it).
    /// </summary>
    [Theory(Timeout = 60_000)]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(100)]
    public void NearCopiesOfTheQuestion_AreStillRankedExactly(int topK)
    {
        TestContext.Current.CancellationToken.ThrowIfCancellationRequested();
        var random = new Random(99 + topK);
        var query = SyntheticVectors.Unit(random, Dimensions);
        var vectors = Enumerable.Range(0, 2_000).Select(_ => SyntheticVectors.Unit(random, Dimensions)).ToList();
        for (var i = 0; i < 400; i++)
        {
            var noise = SyntheticVectors.Unit(random, Dimensions);
            var distance = 0.02f + (0.01f * random.NextSingle());
            vectors.Insert(random.Next(vectors.Count), query.Zip(noise, (a, b) => a + (distance * b)).ToArray());
        }

        var index = IndexOf(vectors, ChunksPerDocument);

        AssertFloatRanking(index, vectors, ChunksPerDocument, query, topK, filter: null);
        AssertFloatRanking(index, vectors, ChunksPerDocument, query, topK, new SearchFilter { Metadata = new Dictionary<string, string> { ["parity"] = "even" } });
    }

    private static void AssertFloatRanking(EmbeddedIndex index, List<float[]> vectors, int chunksPerDocument, float[] query, int topK, SearchFilter? filter)
    {
        var expected = vectors
            .Select((vector, position) => (Position: position, Score: TensorPrimitives.Dot(Normalized(vector), query)))
            .Where(entry => filter is null || (entry.Position / chunksPerDocument) % 2 == 0)
            .OrderByDescending(entry => entry.Score)
            .ThenBy(entry => entry.Position)
            .Take(topK)
            .ToList();

        var hits = index.Search(query, [], topK, filter, new SearchOptions { Mode = SearchMode.Dense });

        Assert.Equal(
            expected.Select(entry => ChunkIds.Create(DocumentId(entry.Position / chunksPerDocument), entry.Position % chunksPerDocument)),
            hits.Select(hit => hit.Chunk.ChunkId));
        Assert.Equal(expected.Select(entry => (double)entry.Score), hits.Select(hit => hit.Score));
    }

    private static string DocumentId(int number) => $"doc-{number:D5}";

    private static float[] Normalized(float[] vector)
    {
        var normalized = new float[vector.Length];
        TensorPrimitives.Divide(vector, TensorPrimitives.Norm(vector), normalized);
        return normalized;
    }

    /// <summary>The vectors in order, <paramref name="chunksPerDocument"/> to a document, even documents marked "even".</summary>
    private static EmbeddedIndex IndexOf(List<float[]> vectors, int chunksPerDocument)
    {
        var index = new EmbeddedIndex(new Bm25(0.9, 0.4), KeywordStemming.English);
        var generation = 0L;
        for (var start = 0; start < vectors.Count; start += chunksPerDocument)
        {
            var number = start / chunksPerDocument;
            var documentId = DocumentId(number);
            var document = new IndexedDocument
            {
                DocumentId = documentId,
                Metadata = new Dictionary<string, string> { ["parity"] = number % 2 == 0 ? "even" : "odd" },
                EmbeddingModel = "model-test",
                EmbeddingDimensions = Dimensions,
            };
            var chunks = vectors.Skip(start).Take(chunksPerDocument).Select((vector, ordinal) => new IndexedChunk
            {
                ChunkId = ChunkIds.Create(documentId, ordinal),
                Ordinal = ordinal,
                Text = $"chunk {ordinal}",
                Vector = vector,
            }).ToArray();
            index.Apply(new ReplaceDocumentRecord(++generation, document with { ChunkCount = chunks.Length }, chunks));
        }

        return index;
    }
}
