using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using RagApp.Core.Embeddings;
using RagApp.Rag.Answers;
using RagApp.Tests.Index;
using RagApp.Tests.Queue;
using RagApp.Tests.Retrieval;

namespace RagApp.Tests.Gateway;

/// <summary>
/// The gateway in process against a real RagApp.Rag with its query side (the real MiniLM model, the extractive
/// answerer behind <see cref="ControlledAnswerer"/>) over an index holding <see cref="QueryCorpus"/>, written through
/// the IndexService with vectors of the service's own generator, and the embedded Garnet server.
/// </summary>
public sealed class QueryGatewayFixture : IAsyncLifetime
{
    private readonly TestDirectory _directory = new();
    private IndexServiceHost? _rag;
    private GatewayHost? _gateway;
    private OpenApiContract? _contract;

    public GarnetQueueServerFixture Garnet { get; } = new();

    internal IndexServiceHost Rag => _rag ?? throw new InvalidOperationException("RagApp.Rag did not start.");

    internal GatewayHost Gateway => _gateway ?? throw new InvalidOperationException("The gateway did not start.");

    internal OpenApiContract Contract => _contract ?? throw new InvalidOperationException("The OpenAPI document was not read.");

    internal ControlledAnswerer Answerer => (ControlledAnswerer)Rag.Services.GetRequiredService<IAnswerer>();

    public HttpClient Client => Gateway.Client;

    public long Generation { get; private set; }

    public async ValueTask InitializeAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await Garnet.InitializeAsync();
        _rag = await IndexServiceHost.StartAsync(_directory.Path, withQueries: true, configure: builder =>
            builder.Services.AddSingleton<IAnswerer>(provider => new ControlledAnswerer(provider.GetRequiredService<ExtractiveAnswerer>())));
        var generator = _rag.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        foreach (var entry in QueryCorpus.Documents)
        {
            // "title. text", as QueryServiceFixture embeds them.
            var embeddings = await generator.GenerateAsync(entry.Chunks.Select(chunk => $"{entry.Title}. {chunk}"), cancellationToken: cancellationToken);
            var document = new TestDocument(entry.DocumentId, entry.Chunks, [.. embeddings.Select(embedding => embedding.Vector.ToArray())])
            {
                Title = entry.Title,
                EmbeddingModel = MiniLmEmbeddingGenerator.ModelId,
                Metadata = new Dictionary<string, string> { ["topic"] = entry.Topic },
            };
            Generation = (await _rag.Client.UpsertAsync(document)).Generation;
        }

        _gateway = await GatewayHost.StartAsync(Garnet.ConnectionString, _rag.Address);
        _contract = await OpenApiContract.LoadAsync(_gateway.Client, cancellationToken);
    }

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
