using Google.Protobuf.Collections;
using Qdrant.Client.Grpc;
using RagApp.Rag.Index.Keywords;

namespace RagApp.Rag.Index.Qdrant;

/// <summary>Maps chunks, documents and the index metadata to Qdrant points and back.</summary>
internal static class QdrantPayload
{
    public static PointStruct ChunkPoint(
        IndexedDocument document, IndexedChunk chunk, long generation, QdrantSparseEncoder sparse, KeywordStemming stemming)
    {
        var vectors = new Dictionary<string, Vector> { [QdrantFields.DenseVector] = chunk.Vector.ToArray() };
        var (values, indices) = sparse.EncodeChunk(chunk.Text, stemming);
        if (indices.Length > 0)
        {
            // A chunk without any term simply has no sparse vector; Qdrant allows a named vector to be absent.
            vectors[QdrantFields.SparseVector] = (values, indices);
        }

        return new PointStruct
        {
            Id = QdrantPointIds.ForChunk(chunk.ChunkId, generation),
            Vectors = vectors,
            Payload =
            {
                [QdrantFields.DocumentId] = document.DocumentId,
                [QdrantFields.ChunkId] = chunk.ChunkId,
                [QdrantFields.Ordinal] = chunk.Ordinal,
                [QdrantFields.Text] = chunk.Text,
                [QdrantFields.Page] = chunk.Page,
                [QdrantFields.StartOffset] = chunk.StartOffset,
                [QdrantFields.EndOffset] = chunk.EndOffset,
                [QdrantFields.Section] = chunk.Section,
                [QdrantFields.ContentHash] = chunk.ContentHash,
                [QdrantFields.Generation] = generation,
                // Copied onto every chunk so searches can filter on it without a join.
                [QdrantFields.Metadata] = MetadataValue(document.Metadata),
            },
        };
    }

    public static PointStruct DocumentPoint(IndexedDocument document, long chunkGeneration) => new()
    {
        Id = QdrantPointIds.ForDocument(document.DocumentId),
        Vectors = RegistryVector,
        Payload =
        {
            [QdrantFields.Kind] = QdrantFields.KindDocument,
            [QdrantFields.DocumentId] = document.DocumentId,
            [QdrantFields.Title] = document.Title,
            [QdrantFields.SourceName] = document.SourceName,
            [QdrantFields.ContentType] = document.ContentType,
            [QdrantFields.ContentHash] = document.ContentHash,
            [QdrantFields.Metadata] = MetadataValue(document.Metadata),
            [QdrantFields.EmbeddingModel] = document.EmbeddingModel,
            [QdrantFields.EmbeddingDimensions] = document.EmbeddingDimensions,
            [QdrantFields.IndexedAtUnixMs] = document.IndexedAt.ToUnixTimeMilliseconds(),
            [QdrantFields.ChunkCount] = document.ChunkCount,
            [QdrantFields.Version] = document.Version,
            [QdrantFields.ChunkGeneration] = chunkGeneration,
        },
    };

    /// <summary>The generation of the chunks a registry document point stands for; 0 for one written before it was recorded.</summary>
    public static long ReadChunkGeneration(MapField<string, Value> payload) => Integer(payload, QdrantFields.ChunkGeneration);

    public static PointStruct VersionPoint(string documentId, long version) => new()
    {
        Id = QdrantPointIds.ForVersion(documentId),
        Vectors = RegistryVector,
        Payload =
        {
            [QdrantFields.Kind] = QdrantFields.KindVersion,
            [QdrantFields.DocumentId] = documentId,
            [QdrantFields.Version] = version,
        },
    };

    public static long ReadVersion(MapField<string, Value> payload) => Integer(payload, QdrantFields.Version);

    public static PointStruct MetadataPoint(QdrantIndexMetadata metadata) => new()
    {
        Id = QdrantPointIds.IndexMetadata,
        Vectors = RegistryVector,
        Payload =
        {
            [QdrantFields.Kind] = QdrantFields.KindMetadata,
            [QdrantFields.Generation] = metadata.Generation,
            [QdrantFields.EmbeddingModel] = metadata.EmbeddingModel,
            [QdrantFields.EmbeddingDimensions] = metadata.EmbeddingDimensions,
            [QdrantFields.KeywordStemming] = metadata.Stemming.ToString(),
        },
    };

    /// <summary>The registry collection needs some vector per point; every point carries this constant one.</summary>
    public static float[] RegistryVector => [1f];

    public static IndexedChunk ReadChunk(MapField<string, Value> payload, VectorsOutput? vectors) => new()
    {
        ChunkId = String(payload, QdrantFields.ChunkId),
        Ordinal = (int)Integer(payload, QdrantFields.Ordinal),
        Text = String(payload, QdrantFields.Text),
        Page = (int)Integer(payload, QdrantFields.Page),
        StartOffset = (int)Integer(payload, QdrantFields.StartOffset),
        EndOffset = (int)Integer(payload, QdrantFields.EndOffset),
        Section = String(payload, QdrantFields.Section),
        ContentHash = String(payload, QdrantFields.ContentHash),
        Vector = DenseVector(vectors),
    };

    /// <summary>A chunk point's text, without reading the rest of it.</summary>
    public static string ReadText(MapField<string, Value> payload) => String(payload, QdrantFields.Text);

    public static IndexedDocument ReadDocument(MapField<string, Value> payload) => new()
    {
        DocumentId = String(payload, QdrantFields.DocumentId),
        Title = String(payload, QdrantFields.Title),
        SourceName = String(payload, QdrantFields.SourceName),
        ContentType = String(payload, QdrantFields.ContentType),
        ContentHash = String(payload, QdrantFields.ContentHash),
        Metadata = ReadMetadata(payload),
        EmbeddingModel = String(payload, QdrantFields.EmbeddingModel),
        EmbeddingDimensions = (int)Integer(payload, QdrantFields.EmbeddingDimensions),
        IndexedAt = DateTimeOffset.FromUnixTimeMilliseconds(Integer(payload, QdrantFields.IndexedAtUnixMs)),
        ChunkCount = (int)Integer(payload, QdrantFields.ChunkCount),
        Version = Integer(payload, QdrantFields.Version),
    };

    public static QdrantIndexMetadata ReadIndexMetadata(MapField<string, Value> payload) => new(
        Integer(payload, QdrantFields.Generation),
        String(payload, QdrantFields.EmbeddingModel),
        (int)Integer(payload, QdrantFields.EmbeddingDimensions),
        ReadStemming(payload));

    /// <summary>None when the metadata point has no stemming: the earlier version wrote words as written.</summary>
    private static KeywordStemming ReadStemming(MapField<string, Value> payload)
    {
        var recorded = String(payload, QdrantFields.KeywordStemming);
        if (recorded.Length == 0)
        {
            return KeywordStemming.None;
        }

        // An unknown value (a later version's) must not be read as another stemming: its terms would not match.
        return Enum.TryParse<KeywordStemming>(recorded, out var stemming) && Enum.IsDefined(stemming)
            ? stemming
            : throw new InvalidOperationException($"The Qdrant index metadata records keyword stemming '{recorded}', which this version does not know.");
    }

    private static Value MetadataValue(IReadOnlyDictionary<string, string> metadata)
    {
        var fields = new Dictionary<string, Value>(metadata.Count, StringComparer.Ordinal);
        foreach (var (key, value) in metadata)
        {
            fields[key] = value;
        }

        return fields;
    }

    private static Dictionary<string, string> ReadMetadata(MapField<string, Value> payload)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (payload.TryGetValue(QdrantFields.Metadata, out var value) && value.KindCase == Value.KindOneofCase.StructValue)
        {
            foreach (var (key, field) in value.StructValue.Fields)
            {
                metadata[key] = field.StringValue;
            }
        }

        return metadata;
    }

    public static ReadOnlyMemory<float> DenseVector(VectorsOutput? vectors)
    {
        if (vectors?.Vectors?.Vectors is not { } named || !named.TryGetValue(QdrantFields.DenseVector, out var vector))
        {
            return ReadOnlyMemory<float>.Empty;
        }

        // Servers before 1.16 answer in the deprecated flat data field, later ones in the dense variant.
        return vector.VectorCase == VectorOutput.VectorOneofCase.Dense ? vector.Dense.Data.ToArray() : LegacyData(vector);
    }

#pragma warning disable CS0612, CS0618 // The deprecated field is what Qdrant 1.15 (the AppHost's image) fills in.
    private static float[] LegacyData(VectorOutput vector) => vector.Data.ToArray();
#pragma warning restore CS0612, CS0618

    private static string String(MapField<string, Value> payload, string field) =>
        payload.TryGetValue(field, out var value) ? value.StringValue : "";

    private static long Integer(MapField<string, Value> payload, string field) =>
        payload.TryGetValue(field, out var value) ? value.IntegerValue : 0;
}
