using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using RagApp.Core.Embeddings;
using RagApp.Core.Grpc.V1;
using RagApp.Tests.Index;

namespace RagApp.Tests.Retrieval;

/// <summary>
/// RagApp.Rag hosted once for the class, with the query side and the real MiniLM model, over an index that holds
/// <see cref="QueryCorpus"/> written through the IndexService with vectors of the service's own generator.
/// </summary>
public sealed class QueryServiceFixture : IAsyncLifetime
{
    private readonly TestDirectory _directory = new();

    internal IndexServiceHost Host { get; private set; } = null!;

    public long Generation { get; private set; }

    public async ValueTask InitializeAsync()
    {
        Host = await IndexServiceHost.StartAsync(_directory.Path, new Dictionary<string, string?>
        {
            // One lane that waits a little for more questions: concurrent questions share a model call, which the
            // concurrency test observes.
            ["Rag:Embedding:ConcurrentBatches"] = "1",
            ["Rag:Embedding:MaxBatchDelay"] = "00:00:00.100",
        }, withQueries: true);
        Generation = await WriteCorpusAsync(Host);
    }

    /// <summary>Writes <see cref="QueryCorpus"/> through the host's IndexService, embedded by its own generator; returns the last generation.</summary>
    internal static async Task<long> WriteCorpusAsync(IndexServiceHost host)
    {
        var generator = host.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        long generation = 0;
        foreach (var entry in QueryCorpus.Documents)
        {
            // "title. text", as the benchmark embeds BEIR documents.
            var embeddings = await generator.GenerateAsync(entry.Chunks.Select(chunk => $"{entry.Title}. {chunk}"), cancellationToken: TestContext.Current.CancellationToken);
            var document = new TestDocument(entry.DocumentId, entry.Chunks, [.. embeddings.Select(embedding => embedding.Vector.ToArray())])
            {
                Title = entry.Title,
                EmbeddingModel = MiniLmEmbeddingGenerator.ModelId,
                Metadata = new Dictionary<string, string> { ["topic"] = entry.Topic },
            };
            generation = (await host.Client.UpsertAsync(document)).Generation;
        }

        return generation;
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        _directory.Dispose();
    }
}
