using RagApp.Tests.Index;
using RagApp.Tests.Queue;

namespace RagApp.Tests.Gateway;

/// <summary>
/// One gateway in process with what it talks to, all real: the embedded Garnet server (queue and job statuses) and
/// RagApp.Rag's index service. No ingest worker: jobs stay queued, which the gateway's answers do not depend on.
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    private readonly string _indexDirectory = Directory.CreateTempSubdirectory("ragapp-gateway-index-").FullName;
    private IndexServiceHost? _index;
    private GatewayHost? _gateway;
    private OpenApiContract? _contract;

    public GarnetQueueServerFixture Garnet { get; } = new();

    internal IndexServiceHost Index => _index ?? throw new InvalidOperationException("The index service did not start.");

    internal GatewayHost Gateway => _gateway ?? throw new InvalidOperationException("The gateway did not start.");

    internal OpenApiContract Contract => _contract ?? throw new InvalidOperationException("The OpenAPI document was not read.");

    public HttpClient Client => Gateway.Client;

    public async ValueTask InitializeAsync()
    {
        await Garnet.InitializeAsync();
        _index = await IndexServiceHost.StartAsync(_indexDirectory);
        _gateway = await GatewayHost.StartAsync(Garnet.ConnectionString, _index.Address);
        _contract = await OpenApiContract.LoadAsync(_gateway.Client, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        if (_index is not null)
        {
            await _index.DisposeAsync();
        }

        await Garnet.DisposeAsync();
        try
        {
            Directory.Delete(_indexDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A snapshot still being written is not the test's concern; the temp folder goes eventually.
        }
    }
}
