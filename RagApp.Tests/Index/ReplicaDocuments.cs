using RagApp.Core.Documents;
using RagApp.Core.Redis;
using RagApp.Rag.Index;
using RagApp.Rag.Index.Qdrant;
using StackExchange.Redis;

namespace RagApp.Tests.Index;

/// <summary>
/// Documents the replica tests write (8-dimensional random vectors from one seeded generator, safe to share between
/// concurrent writers), and the generation token they read back.
/// </summary>
internal sealed class ReplicaDocuments(int seed)
{
    private readonly Random _random = new(seed);

    public static IndexedDocument Document(string id) => new() { DocumentId = id, Title = "T " + id, EmbeddingModel = "fake-model", EmbeddingDimensions = 8 };

    public static string[] Texts(string writer, int round, string document, int count) =>
        [.. Enumerable.Range(0, count).Select(i => $"{writer}{round} {document} chunk {i}")];

    public static async Task<IndexGenerationToken?> ReadTokenAsync(ConnectionMultiplexer redis) =>
        IndexGenerationToken.TryParse(await redis.GetDatabase().StringGetAsync(RedisKeys.IndexGeneration), out var token) ? token : null;

    public void Shuffle<T>(T[] values)
    {
        lock (_random)
        {
            _random.Shuffle(values);
        }
    }

    public IndexedChunk[] ChunksOf(string documentId, string[] texts)
    {
        lock (_random)
        {
            return [.. texts.Select((text, ordinal) => new IndexedChunk
            {
                ChunkId = ChunkIds.Create(documentId, ordinal),
                Ordinal = ordinal,
                Text = text,
                Vector = SyntheticVectors.Unit(_random, 8),
            })];
        }
    }

    /// <summary>Replaces <paramref name="document"/> with <paramref name="texts"/>; returns what a test checks the store against.</summary>
    public async Task<(string Document, long Generation, string[] Texts)> WriteAsync(QdrantVectorStore store, string document, string[] texts, CancellationToken cancellationToken)
    {
        var result = await store.ReplaceDocumentAsync(Document(document), ChunksOf(document, texts), cancellationToken);
        return (document, result.Generation, texts);
    }

    /// <summary>
    /// <paramref name="rounds"/> rounds in which both replicas replace every document at once, A with 2–4 chunks and
    /// B with 5 (so a mix of both versions, or a leftover, shows in the count); every write's outcome, in no order.
    /// </summary>
    public async Task<List<(string Document, long Generation, string[] Texts)>> RaceAsync(
        QdrantReplica a, QdrantReplica b, string[] documents, int rounds, CancellationToken cancellationToken)
    {
        var writes = new List<(string Document, long Generation, string[] Texts)>();
        for (var round = 0; round < rounds; round++)
        {
            var tasks = new List<Task<(string, long, string[])>>();
            foreach (var document in documents)
            {
                tasks.Add(WriteAsync(a.Store, document, Texts("A", round, document, 2 + (round % 3)), cancellationToken));
                tasks.Add(WriteAsync(b.Store, document, Texts("B", round, document, 5), cancellationToken));
            }

            writes.AddRange(await Task.WhenAll(tasks));
        }

        return writes;
    }
}
