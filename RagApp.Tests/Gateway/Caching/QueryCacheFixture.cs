using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using RagApp.Core.Embeddings;
using RagApp.Core.Grpc.V1;
using RagApp.Core.Redis;
using RagApp.Gateway.Caching;
using RagApp.Rag.Answers;
using RagApp.Tests.Index;
using RagApp.Tests.Queue;
using RagApp.Tests.Retrieval;
using RagApp.Tests.Support;

namespace RagApp.Tests.Gateway.Caching;

/// <summary>
/// The gateway with its query cache over a real RagApp.Rag (the real MiniLM model and extractive answerer) and the
/// embedded Garnet server, which both share as production does: RagApp.Rag gets the "redis" connection string, so it
/// publishes its index generation token and keeps sessions there. The answerer is the real one behind
/// <see cref="ControlledAnswerer"/>, so that a test can make a question fail or leave it unfinished. The index holds <see cref="QueryCorpus"/>; tests write
/// their own documents through the IndexService (<see cref="UpsertAsync"/>) with vectors of the service's own generator.
/// </summary>
public sealed class QueryCacheFixture : IAsyncLifetime
{
    private readonly TestDirectory _directory = new();
    private IndexServiceHost? _rag;
    private GatewayHost? _gateway;

    public GarnetQueueServerFixture Garnet { get; } = new();

    internal IndexServiceHost Rag => _rag ?? throw new InvalidOperationException("RagApp.Rag did not start.");

    internal GatewayHost Gateway => _gateway ?? throw new InvalidOperationException("The gateway did not start.");

    public HttpClient Client => Gateway.Client;

    public async ValueTask InitializeAsync()
    {
        await Garnet.InitializeAsync();
        _rag = await StartRagAsync(_directory.Path, Garnet.PatientConnectionString);
        foreach (var entry in QueryCorpus.Documents)
        {
            await UpsertAsync(Rag, entry.DocumentId, entry.Title, entry.Chunks, new Dictionary<string, string> { ["topic"] = entry.Topic });
        }

        _gateway = await GatewayHost.StartAsync(Garnet.ConnectionString, _rag.Address);
        await GatewayKnowsTokenAsync(_gateway, Garnet);
    }

    /// <summary>Waits until the gateway has read the published token (it reads it in the background after start-up).</summary>
    internal static async Task GatewayKnowsTokenAsync(GatewayHost gateway, GarnetQueueServerFixture garnet)
    {
        var watcher = gateway.Services.GetRequiredService<IndexGenerationWatcher>();
        await Eventually.UntilAsync(
            async () => watcher.Current?.ToString() is { } known && known == (string?)await garnet.Redis.GetDatabase().StringGetAsync(RedisKeys.IndexGeneration),
            "the gateway to know the published index generation token", TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    /// <summary>RagApp.Rag with its query side, publishing to the given Redis.</summary>
    /// <summary>RagApp.Rag with its query side, publishing to the given Redis; its answerer is <see cref="ControlledAnswerer"/>.</summary>
    internal static Task<IndexServiceHost> StartRagAsync(string dataDirectory, string redisConnectionString) =>
        IndexServiceHost.StartAsync(
            dataDirectory,
            new Dictionary<string, string?> { ["ConnectionStrings:redis"] = redisConnectionString },
            withQueries: true,
            configure: builder => builder.Services.AddSingleton<IAnswerer>(provider => new ControlledAnswerer(provider.GetRequiredService<ExtractiveAnswerer>())));

    /// <summary>RagApp.Rag's answerer, to fail or hold the questions a test names.</summary>
    internal ControlledAnswerer Answerer => (ControlledAnswerer)Rag.Services.GetRequiredService<IAnswerer>();

    /// <summary>Writes (or rewrites) a document through the IndexService, embedded "title. text" as the worker does.</summary>
    internal Task<UpsertDocumentResponse> UpsertAsync(string documentId, string title, string[] chunks) =>
        UpsertAsync(Rag, documentId, title, chunks, new Dictionary<string, string>());

    internal static async Task<UpsertDocumentResponse> UpsertAsync(
        IndexServiceHost rag, string documentId, string title, string[] chunks, IReadOnlyDictionary<string, string> metadata)
    {
        var generator = rag.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        var embeddings = await generator.GenerateAsync(
            chunks.Select(chunk => $"{title}. {chunk}"), cancellationToken: TestContext.Current.CancellationToken);
        var document = new TestDocument(documentId, chunks, [.. embeddings.Select(embedding => embedding.Vector.ToArray())])
        {
            Title = title,
            EmbeddingModel = MiniLmEmbeddingGenerator.ModelId,
            Metadata = metadata,
        };
        return await rag.Client.UpsertAsync(document);
    }

    internal async Task<DeleteDocumentResponse> DeleteAsync(string documentId) =>
        await Rag.Client.DeleteDocumentAsync(new DeleteDocumentRequest { DocumentId = documentId }, cancellationToken: TestContext.Current.CancellationToken);

    /// <summary>The token RagApp.Rag last wrote to Redis.</summary>
    internal async Task<string?> PublishedTokenAsync() => await Garnet.Redis.GetDatabase().StringGetAsync(RedisKeys.IndexGeneration);

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        if (_rag is not null)
        {
            await _rag.DisposeAsync();
        }

        await Garnet.DisposeAsync();
        _directory.Dispose();
    }
}
