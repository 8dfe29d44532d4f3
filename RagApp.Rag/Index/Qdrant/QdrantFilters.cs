using Qdrant.Client.Grpc;
using RagApp.Rag.Index.Search;
using static Qdrant.Client.Grpc.Conditions;

namespace RagApp.Rag.Index.Qdrant;

internal static class QdrantFilters
{
    public static Filter Documents() => MatchKeyword(QdrantFields.Kind, QdrantFields.KindDocument);

    public static Filter ChunksOf(string documentId) => MatchKeyword(QdrantFields.DocumentId, documentId);

    /// <summary>The document's chunks stored by one write.</summary>
    public static Filter ChunksOf(string documentId, long generation) => new()
    {
        Must = { MatchKeyword(QdrantFields.DocumentId, documentId), Match(QdrantFields.Generation, generation) },
    };

    /// <summary>The document's chunks of writes older than <paramref name="generation"/>: what its replace leaves behind.</summary>
    public static Filter ChunksOlderThan(string documentId, long generation) => new()
    {
        Must = { MatchKeyword(QdrantFields.DocumentId, documentId), Range(QdrantFields.Generation, new global::Qdrant.Client.Grpc.Range { Lt = generation }) },
    };

    public static Filter? ForSearch(SearchFilter? filter)
    {
        if (filter is null || filter.IsEmpty)
        {
            return null;
        }

        var result = new Filter();
        if (filter.DocumentIds.Count > 0)
        {
            result.Must.Add(Match(QdrantFields.DocumentId, filter.DocumentIds.ToList()));
        }

        foreach (var (key, value) in filter.Metadata)
        {
            result.Must.Add(MatchKeyword(MetadataPath(key), value));
        }

        return result;
    }

    /// <summary>The payload path of a metadata key; keys that are not plain identifiers are quoted, as Qdrant's path syntax wants.</summary>
    public static string MetadataPath(string key)
    {
        if (key.Contains('"', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Metadata key '{key}' contains a double quote, which a Qdrant payload path cannot express.", nameof(key));
        }

        var plain = key.Length > 0 && key.All(static c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
        return plain ? $"{QdrantFields.Metadata}.{key}" : $"{QdrantFields.Metadata}.\"{key}\"";
    }
}
