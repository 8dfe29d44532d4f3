using RagApp.Rag.Index;
using RagApp.Rag.Index.Embedded.Storage;

namespace RagApp.Tests.Index;

/// <summary>Log records to write straight to a <see cref="WriteAheadLog"/>, and an exact comparison of what comes back.</summary>
internal static class TestRecords
{
    public static ReplaceDocumentRecord Replace(long generation, string documentId, int chunks)
    {
        var random = new Random((int)generation);
        var document = new IndexedDocument
        {
            DocumentId = documentId,
            Title = "T",
            Metadata = new Dictionary<string, string> { ["k"] = "v" },
            EmbeddingModel = "m",
            EmbeddingDimensions = 8,
            IndexedAt = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000),
            ChunkCount = chunks,
        };
        var list = Enumerable.Range(0, chunks).Select(ordinal => new IndexedChunk
        {
            ChunkId = RagApp.Core.Documents.ChunkIds.Create(documentId, ordinal),
            Ordinal = ordinal,
            Text = $"text {ordinal}",
            Vector = SyntheticVectors.Unit(random, 8),
            Page = ordinal + 1,
            StartOffset = ordinal * 10,
            EndOffset = (ordinal * 10) + 6,
            Section = $"Section {ordinal}",
            ContentHash = $"hash {ordinal}",
        }).ToArray();
        return new ReplaceDocumentRecord(generation, document, list);
    }

    /// <summary>Every field of both records, vectors value by value: a codec that reorders or rounds values fails here.</summary>
    public static void AssertSame(IndexRecord expected, IndexRecord actual)
    {
        if (expected is not ReplaceDocumentRecord replace)
        {
            Assert.Equal(expected, actual);
            return;
        }

        var read = Assert.IsType<ReplaceDocumentRecord>(actual);
        Assert.Equal(replace.Generation, read.Generation);
        Assert.Equal(replace.Document with { Metadata = read.Document.Metadata }, read.Document);
        Assert.Equal(replace.Document.Metadata, read.Document.Metadata);
        Assert.Equal(replace.Chunks.Count, read.Chunks.Count);
        foreach (var (sent, back) in replace.Chunks.Zip(read.Chunks))
        {
            Assert.Equal(sent with { Vector = default }, back with { Vector = default });
            Assert.Equal(sent.Vector.ToArray(), back.Vector.ToArray());
        }
    }

    public static void AssertSame(IReadOnlyList<IndexRecord> expected, IReadOnlyList<IndexRecord> actual)
    {
        Assert.Equal(expected.Select(record => record.Generation), actual.Select(record => record.Generation));
        foreach (var (sent, read) in expected.Zip(actual))
        {
            AssertSame(sent, read);
        }
    }
}
