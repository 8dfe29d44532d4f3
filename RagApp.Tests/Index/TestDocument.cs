using RagApp.Core.Documents;
using RagApp.Core.Grpc.V1;

namespace RagApp.Tests.Index;

/// <summary>A document to send to the index: header fields and chunks with their vectors.</summary>
internal sealed record TestDocument(string DocumentId, IReadOnlyList<string> Texts, IReadOnlyList<float[]> Vectors)
{
    public const string Model = "test-model";
    public const int Dimensions = 32;

    public string EmbeddingModel { get; init; } = Model;
    public string Title { get; init; } = "";
    public long Version { get; init; }
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    public static TestDocument Create(string documentId, Random random, params string[] texts) =>
        new(documentId, texts, [.. texts.Select(_ => SyntheticVectors.Unit(random, Dimensions))]) { Title = $"Title of {documentId}" };

    public DocumentHeader Header() => new()
    {
        DocumentId = DocumentId,
        Title = Title,
        SourceName = DocumentId + ".txt",
        ContentType = "text/plain",
        ContentHash = ContentHash.Of(string.Join("\n", Texts)),
        Metadata = { Metadata.ToDictionary() },
        EmbeddingModel = EmbeddingModel,
        EmbeddingDimensions = Vectors.Count > 0 ? Vectors[0].Length : Dimensions,
        ChunkCount = Texts.Count,
        Version = Version,
    };

    public ChunkRecord Chunk(int ordinal) => new()
    {
        ChunkId = ChunkIds.Create(DocumentId, ordinal),
        Ordinal = ordinal,
        Text = Texts[ordinal],
        Vector = { Vectors[ordinal] },
        Page = ordinal + 1,
        StartOffset = ordinal * 100,
        EndOffset = (ordinal * 100) + Texts[ordinal].Length,
        Section = $"Part {ordinal}",
        ContentHash = ContentHash.Of(Texts[ordinal]),
    };

    /// <summary>The document as one entry of a batched UpsertDocuments call.</summary>
    public DocumentUpsert Upsert() => new() { Header = Header(), Chunks = { Enumerable.Range(0, Texts.Count).Select(Chunk) } };

    /// <summary>A resubmission of the same content: header only, the index keeps the chunks it holds.</summary>
    public DocumentUpsert Keep() => new() { Header = Header(), KeepChunks = true };

    /// <summary>The stream a worker would send: the header, then the chunks in batches of two.</summary>
    public IEnumerable<UpsertDocumentPart> Parts()
    {
        yield return new UpsertDocumentPart { Header = Header() };
        foreach (var batch in Enumerable.Range(0, Texts.Count).Chunk(2))
        {
            yield return new UpsertDocumentPart { Chunks = new ChunkBatch { Chunks = { batch.Select(Chunk) } } };
        }
    }
}
