using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RagApp.Core.Redis;
using RagApp.Gateway.Caching;
using RagApp.Tests.Queue;
using RagApp.Tests.Support;
using StackExchange.Redis;

namespace RagApp.Tests.Gateway.Caching;

/// <summary>
/// What a <see cref="QueryCache"/> made in a test stands on: a real Garnet (or a given server) holding an index
/// generation token, and the gateway's watcher once it knows that token.
/// </summary>
internal sealed class QueryCacheOverGarnet : IAsyncDisposable
{
    private readonly QueueServerFixture _server;
    private readonly bool _ownsServer;
    private ServiceProvider? _services;

    private QueryCacheOverGarnet(QueueServerFixture server, bool ownsServer)
    {
        _server = server;
        _ownsServer = ownsServer;
    }

    public IConnectionMultiplexer Redis => _server.Redis;

    public IndexGenerationWatcher Watcher { get; private set; } = null!;

    /// <param name="configure">The cache's options (<see cref="QueryCacheOptions"/>) as the gateway would bind them.</param>
    public static async Task<QueryCacheOverGarnet> StartAsync(IndexGenerationToken token, Action<QueryCacheOptions>? configure, CancellationToken cancellationToken)
    {
        var garnet = new GarnetQueueServerFixture();
        await garnet.InitializeAsync();
        return await StartAsync(garnet, ownsServer: true, token, configure, cancellationToken);
    }

    /// <summary>The same on a server the caller started and disposes (a Redis Cluster shared by its tests).</summary>
    public static async Task<QueryCacheOverGarnet> StartAsync(
        QueueServerFixture server, bool ownsServer, IndexGenerationToken token, Action<QueryCacheOptions>? configure, CancellationToken cancellationToken)
    {
        var harness = new QueryCacheOverGarnet(server, ownsServer);
        await harness.Redis.GetDatabase().StringSetAsync(RedisKeys.IndexGeneration, token.ToString());
        var services = new ServiceCollection();
        services.AddMetrics();
        services.AddOptions<QueryCacheOptions>().Configure(options => configure?.Invoke(options));
        harness._services = services.BuildServiceProvider();
        harness.Watcher = new IndexGenerationWatcher(() => harness.Redis, TimeProvider.System, NullLogger<IndexGenerationWatcher>.Instance);
        await harness.Watcher.StartAsync(cancellationToken);
        await Eventually.UntilAsync(() => Task.FromResult(harness.Watcher.Current is not null), "the token", TimeSpan.FromSeconds(30), cancellationToken);
        return harness;
    }

    /// <summary>A cache with the gateway's JSON naming, the given local copy, and <paramref name="clock"/>.</summary>
    public QueryCache CreateCache(LocalAnswerCache local, TimeProvider clock) => new(
        Redis,
        Watcher,
        local,
        Options.Create(new JsonOptions { SerializerOptions = { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower } }),
        new QueryCacheTelemetry(_services!.GetRequiredService<IMeterFactory>()),
        _services!.GetRequiredService<IOptionsMonitor<QueryCacheOptions>>(),
        clock,
        NullLogger<QueryCache>.Instance);

    public async ValueTask DisposeAsync()
    {
        if (Watcher is not null)
        {
            await Watcher.StopAsync(CancellationToken.None);
            Watcher.Dispose();
        }

        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        if (_ownsServer)
        {
            await _server.DisposeAsync();
        }
    }
}
