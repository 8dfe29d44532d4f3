using RagApp.Core.Grpc.V1;

namespace RagApp.Rag.Retrieval;

/// <summary>Retrieved passages as the proto's <see cref="Source"/>.</summary>
internal static class SourceMapper
{
    public static Source ToSource(RetrievedPassage passage)
    {
        var (document, chunk) = (passage.Hit.Document, passage.Hit.Chunk);
        var source = new Source
        {
            DocumentId = document.DocumentId,
            ChunkId = chunk.ChunkId,
            Title = document.Title,
            Content = chunk.Text,
            Score = (float)passage.Score,
            Section = chunk.Section,
            Page = chunk.Page,
            Ordinal = chunk.Ordinal,
        };
        foreach (var (key, value) in document.Metadata)
        {
            source.Metadata[key] = value;
        }

        return source;
    }
}
